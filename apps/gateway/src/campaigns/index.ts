import { CampaignsController } from './campaigns.controller';
import { CreateCampaignController } from './create-campaign/create-campaign.controller';
import { ListContactsController } from './list-contacts/list-contacts.controller';
import { Seed001CampaignsController } from './seed001/seed001.controller';

/** The campaign use cases' controllers; the gateway module registers whatever this lists. */
export const CAMPAIGN_CONTROLLERS = [CreateCampaignController, ListContactsController, CampaignsController, Seed001CampaignsController];
