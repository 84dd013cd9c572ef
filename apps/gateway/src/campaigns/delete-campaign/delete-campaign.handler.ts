import { TOPIC, ok, type CampaignDeletedReply, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import { presentCampaign, type CampaignReadModel } from '../../read-model';

/**
 * Deletes a scheduled campaign: campaign-svc decides (464 once it is not scheduled, 463 when it is
 * not the caller's), releases its credits and forgets it. The removal is stored in the read model
 * before the answer, so the campaign is gone from GET (463) and search at once. The answer shows
 * the campaign as it was when deleted.
 */
export class DeleteCampaignHandler {
  constructor(
    private readonly rr: RequestReplyClient,
    private readonly readModel: CampaignReadModel,
  ) {}

  async handle(campaignSid: string, enterpriseSid: string): Promise<Result<ReturnType<typeof presentCampaign>>> {
    const r = await this.rr.request<CampaignDeletedReply>(TOPIC.campaignCommands, campaignSid, 'DeleteCampaign', { campaignSid, enterpriseSid, requestedAt: new Date().toISOString() });
    if (!r.ok) return r;
    await this.readModel.remove(campaignSid, enterpriseSid, r.value.version);
    return ok(presentCampaign(r.value.view));
  }
}
