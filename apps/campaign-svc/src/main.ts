import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { TOPIC } from '@clarion/contracts';
import { PlatformModule, runMain, startService, type Platform, type ServiceDefinition, type StartOptions } from '@clarion/platform';
import { CampaignHandlers } from './campaign/campaign.handlers';
import { InitiationTimer } from './campaign/initiation-timer';
import { CampaignWatchdog } from './campaign/campaign-watchdog';
import { CampaignTables1, CampaignTables2, CampaignTables3 } from './migrations';
import { RecipientCopies5, RecipientFields4 } from './recipients/recipients.migrations';
import { ContactsHandlers } from './recipients/contacts.handlers';
import { AnnouncementHandlers } from './announcement/announcement.handlers';
import { AnnouncementTables1 } from './announcement/announcement.migrations';

@Module({ controllers: [CampaignHandlers, ContactsHandlers, AnnouncementHandlers], providers: [InitiationTimer, CampaignWatchdog] })
class CampaignModule {}

export const campaignService: ServiceDefinition = {
  name: 'campaign-svc',
  schema: 'campaign',
  migrations: [CampaignTables1, CampaignTables2, CampaignTables3, RecipientFields4, AnnouncementTables1, RecipientCopies5],
  module: (platform: Platform) => ({ module: CampaignModule, imports: [PlatformModule.forRoot(platform)] }),
  commandTopics: [TOPIC.campaignCommands, TOPIC.dndEvents, TOPIC.creditEvents, TOPIC.dispatchEvents],
  queryTopics: [TOPIC.campaignQueries],
};

export const startCampaignService = (options?: StartOptions) => startService(campaignService, options);

if (require.main === module) runMain((options) => startCampaignService(options), 'campaign-svc');
