import { Errors, TOPIC, fail, ok, type CallDetailsPage, type CampaignEdits, type CampaignView, type Result, type VoiceCampaignOptions, type VoiceWebhookUrls } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import type { CampaignReadModel, CampaignReads } from '../read-model';
import { findCampaign } from '../campaigns/get-campaign/get-campaign.handler';
import type { V2Edits, V2ListQuery, V2Update } from './v2-campaign.request';
import { parseFromNumbers } from '../campaigns/create-campaign/create-campaign.request';

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

  /** The settings first (only before the start), then the callbacks (whenever), then the action. */
  async update(campaignSid: string, enterpriseSid: string, u: V2Update): Promise<Result<CampaignView>> {
    const current = await this.get(campaignSid, enterpriseSid);
    if (!current.ok) return current;
    let view = current.value;
    if (u.edits) {
      const changes = editsOf(view, u.edits);
      if (!changes.ok) return changes;
      const r = await this.command(campaignSid, 'EditCampaign', { campaignSid, enterpriseSid, changes: changes.value });
      if (!r.ok) return r;
      view = r.value;
    }
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

/** The v2 update's settings as edits of the campaign's definition, merged with what it has. */
export function editsOf(view: CampaignView, e: V2Edits): Result<CampaignEdits> {
  const changes: CampaignEdits = {};
  if (e.name !== undefined) changes.name = e.name;
  if (e.callerId !== undefined) {
    const from = parseFromNumbers([e.callerId]);
    if (from.length === 0) return fail(Errors.invalidParameter('caller_id must be a phone number.'));
    changes.fromNumbers = from;
  }
  if (e.url !== undefined) {
    // An announcement's campaign plays what the gateway serves; its flow is not a URL to replace.
    if (!view.rcmlUrl) return fail(Errors.invalidParameter('url cannot replace the announcement of a campaign made with announcement_sid.'));
    changes.rcmlUrl = e.url;
  }
  if (e.sendAt !== undefined) changes.startTime = e.sendAt ? e.sendAt.toISOString() : null;
  const before: VoiceCampaignOptions = view.voiceOptions ?? { retries: null, endAt: null, webhooks: null, customField: null, callDuplicateNumbers: false };
  if (e.endAt !== undefined || e.customField !== undefined || e.retries !== undefined) {
    changes.voiceOptions = {
      ...before,
      ...(e.endAt !== undefined ? { endAt: e.endAt } : {}),
      ...(e.customField !== undefined ? { customField: e.customField } : {}),
      ...(e.retries !== undefined ? { retries: e.retries } : {}),
    };
  }
  const start = changes.startTime !== undefined ? changes.startTime : view.startTime;
  const end = changes.voiceOptions?.endAt ?? before.endAt;
  if (end && start && Date.parse(end) <= Date.parse(start)) return fail(Errors.invalidParameter('schedule.end_at must be after send_at.'));
  return ok(changes);
}
