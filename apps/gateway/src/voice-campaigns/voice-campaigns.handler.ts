import { Errors, TOPIC, fail, ok, type CallDetailsPage, type CampaignView, type Result, type VoiceWebhookUrls } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import type { CampaignReadModel, CampaignReads } from '../read-model';
import { findCampaign } from '../campaigns/get-campaign/get-campaign.handler';
import type { V2ListQuery, V2Update } from './v2-campaign.request';

/**
 * The voice-campaign API's commands and reads, mapped onto Clarion's: pause and resume, the webhook
 * URLs, and the call details dispatch-svc holds. Each command's answer (the campaign's new view
 * and its version) is stored in the read model before the caller hears it, as for the native API.
 */
export class VoiceCampaignsHandler {
  constructor(
    private readonly rr: RequestReplyClient,
    private readonly readModel: CampaignReadModel,
    private readonly mode: CampaignReads,
  ) {}

  /** One of the enterprise's voice campaigns; an SMS campaign is not one of this API's. */
  async get(campaignSid: string, enterpriseSid: string): Promise<Result<CampaignView>> {
    const found = await findCampaign(this.rr, this.readModel, this.mode, campaignSid, enterpriseSid);
    if (!found.ok) return fail(found.error.code === Errors.campaignNotFound.code ? Errors.enterpriseCampaignNotFound : found.error);
    return found.value.channel === 'voice' ? found : fail(Errors.enterpriseCampaignNotFound);
  }

  async list(enterpriseSid: string, q: V2ListQuery): Promise<{ total: number; data: CampaignView[] }> {
    return this.readModel.search({
      enterpriseSid,
      page: 0,
      pageSize: q.limit,
      offset: q.offset,
      name: q.name,
      status: q.statuses,
      channel: 'voice',
      createdFrom: null,
      createdTo: null,
      sortBy: q.sortBy,
      sortDirection: q.sortDirection,
    });
  }

  /** The callbacks first (they may be changed whatever the action does), then the action. */
  async update(campaignSid: string, enterpriseSid: string, u: V2Update): Promise<Result<CampaignView>> {
    const current = await this.get(campaignSid, enterpriseSid);
    if (!current.ok) return current;
    let view = current.value;
    if (u.webhooks) {
      const before: VoiceWebhookUrls = view.voiceOptions?.webhooks ?? { statusCallback: null, callStatusCallback: null, callScheduleCallback: null };
      const r = await this.command(campaignSid, 'UpdateCampaignWebhooks', { campaignSid, enterpriseSid, webhooks: { ...before, ...u.webhooks } });
      if (!r.ok) return r;
      view = r.value;
    }
    if (u.action) {
      const r = await this.command(campaignSid, u.action === 'pause' ? 'PauseCampaign' : 'ResumeCampaign', { campaignSid, enterpriseSid });
      if (!r.ok) return r;
      view = r.value;
    }
    return ok(view);
  }

  async callDetails(campaignSid: string, enterpriseSid: string, offset: number, limit: number): Promise<Result<CallDetailsPage>> {
    const found = await this.get(campaignSid, enterpriseSid);
    if (!found.ok) return found;
    return this.rr.request<CallDetailsPage>(TOPIC.dispatchQueries, campaignSid, 'GetCallDetails', { campaignSid, enterpriseSid, offset, limit });
  }

  private async command(campaignSid: string, type: string, data: Record<string, unknown>): Promise<Result<CampaignView>> {
    const r = await this.rr.request<CampaignView>(TOPIC.campaignCommands, campaignSid, type, { ...data, requestedAt: new Date().toISOString() });
    if (!r.ok) return r;
    if (typeof r.value.version === 'number') await this.readModel.upsert(r.value as CampaignView & { version: number });
    return r;
  }
}
