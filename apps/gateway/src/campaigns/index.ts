import { CreateCampaignController } from './create-campaign/create-campaign.controller';
import { ListContactsController } from './list-contacts/list-contacts.controller';
import { Seed001CampaignsController } from './seed001/seed001.controller';
import { DeleteCampaignController } from './delete-campaign/delete-campaign.controller';
import { GetCampaignController } from './get-campaign/get-campaign.controller';
import { UpdateCampaignController } from './update-campaign/update-campaign.controller';
import { SearchCampaignsController } from './search-campaigns/search-campaigns.controller';
import { ExportRecipientsController } from './export-recipients/export-recipients.controller';
import { ListRecipientsController } from './list-recipients/list-recipients.controller';

/** The campaign use cases' controllers; the gateway module registers whatever this lists. */
export const CAMPAIGN_CONTROLLERS = [
  CreateCampaignController,
  SearchCampaignsController,
  GetCampaignController,
  UpdateCampaignController,
  DeleteCampaignController,
  ListContactsController,
  ListRecipientsController,
  ExportRecipientsController,
  Seed001CampaignsController,
];
