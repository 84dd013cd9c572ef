import { Errors, TOPIC, fail, ok, type CampaignStatus, type CampaignView, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import { presentCampaign, type CampaignReadModel, type CampaignReads } from '../../read-model';
import { findCampaign } from '../get-campaign/get-campaign.handler';

/**
 * The status changes a user may ask for: `cancelled` from scheduled (seed 000) or from paused, and
 * `in-progress` from paused (resume; auto-pause adds both, see README "Auto-pause").
 * campaign-svc decides (a cancel racing the start: exactly one wins) and answers with the new view
 * and its version, which is stored in the read model before the answer goes out, so a GET right
 * after sees the new status. Any other status, or one the campaign is not in a state to take, is a
 * transition the state machine does not have: 487 for an existing campaign, 486 else.
 */
export class UpdateCampaignHandler {
  constructor(
    private readonly rr: RequestReplyClient,
    private readonly readModel: CampaignReadModel,
    private readonly mode: CampaignReads,
  ) {}

  async handle(campaignSid: string, status: CampaignStatus, enterpriseSid: string): Promise<Result<ReturnType<typeof presentCampaign>>> {
    const command = status === 'cancelled' ? 'CancelCampaign' : status === 'in-progress' ? 'ResumeCampaign' : null;
    if (!command) {
      const found = await findCampaign(this.rr, this.readModel, this.mode, campaignSid, enterpriseSid);
      return fail(found.ok ? Errors.campaignStatusCannotBeUpdated : found.error.code === Errors.campaignNotFound.code ? Errors.enterpriseCampaignNotFound : found.error);
    }
    const r = await this.rr.request<CampaignView>(TOPIC.campaignCommands, campaignSid, command, { campaignSid, enterpriseSid, requestedAt: new Date().toISOString() });
    if (!r.ok) return r;
    if (typeof r.value.version === 'number') await this.readModel.upsert(r.value as CampaignView & { version: number });
    return ok(presentCampaign(r.value));
  }
}
