import { CampaignsController } from './campaigns.controller';

/** The campaign use cases' controllers; the gateway module registers whatever this lists. */
export const CAMPAIGN_CONTROLLERS = [CampaignsController];
