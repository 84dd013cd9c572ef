import { VoiceCampaignsController } from './voice-campaigns.controller';

export const VOICE_CAMPAIGN_CONTROLLERS = [VoiceCampaignsController];
