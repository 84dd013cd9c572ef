import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { TOPIC } from '@clarion/contracts';
import { PlatformModule, runMain, startService, type Platform, type ServiceDefinition, type StartOptions } from '@clarion/platform';
import { CampaignHandlers } from './campaign/campaign.handlers';
import { InitiationTimer } from './campaign/initiation-timer';
import { CampaignTables1 } from './migrations';

@Module({ controllers: [CampaignHandlers], providers: [InitiationTimer] })
class CampaignModule {}

export const campaignService: ServiceDefinition = {
  name: 'campaign-svc',
  schema: 'campaign',
  migrations: [CampaignTables1],
  module: (platform: Platform) => ({ module: CampaignModule, imports: [PlatformModule.forRoot(platform)] }),
  commandTopics: [TOPIC.campaignCommands, TOPIC.dndEvents, TOPIC.creditEvents, TOPIC.dispatchEvents],
  queryTopics: [TOPIC.campaignQueries],
};

export const startCampaignService = (options?: StartOptions) => startService(campaignService, options);

if (require.main === module) runMain(() => startCampaignService(), 'campaign-svc');
