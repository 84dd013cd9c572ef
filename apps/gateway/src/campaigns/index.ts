import { CampaignsController } from './campaigns.controller';
import { ExportRecipientsController } from './export-recipients/export-recipients.controller';
import { ListRecipientsController } from './list-recipients/list-recipients.controller';

/** The campaign use cases' controllers; the gateway module registers whatever this lists. */
export const CAMPAIGN_CONTROLLERS = [CampaignsController, ListRecipientsController, ExportRecipientsController];
