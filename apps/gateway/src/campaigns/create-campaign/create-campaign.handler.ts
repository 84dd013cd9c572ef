import { presentCampaign } from '../../read-model';
import { Errors, TOPIC, fail, message, newSid, ok, type AnnouncementView, type CampaignView, type ClarionError, type OptInListView, type QuietHoursPolicy, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import type { Caller } from '../../identity/identity.service';
import type { CreateCampaignRequest } from './create-campaign.request';
import { invalidNumbersError, recipientBatches, type RecipientFile } from './recipient-file';

/** What the create answers: the campaign as recorded, dates in the seed's form, and what the upload held. */
export type CreatedCampaign = CampaignView & { upload: { lines: number; valid: number; invalid: number } };

/** The request-reply calls the handler makes; RequestReplyClient in production, a fake in unit tests. */
export type Requests = Pick<RequestReplyClient, 'request' | 'send'>;

/** A failure with the data its answer carries (the invalid lines, or the request as given). */
export type CreateFailure = { error: ClarionError; data?: unknown };

/**
 * Create Campaign, orchestrated: the recipients' checks (present, valid unless ignored, at least
 * one), then what other services own (the announcement of a voice campaign, the named opt-in
 * list), then CreateCampaign, every recipient batch and the seal. Nothing is sent before every
 * check passed, so a refused request leaves nothing behind; when this answers, every batch is on
 * the broker (all replicas).
 */
export class CreateCampaignHandler {
  /** `quietHoursOf`: the enterprise's policy a new campaign takes as its snapshot, or null for none. */
  constructor(
    private readonly rr: Requests,
    private readonly quietHoursOf: (enterpriseSid: string) => Promise<QuietHoursPolicy | null> = async () => null,
    /** Keeps what a voice campaign's calls play, for the gateway to serve to the carrier (voice/). */
    private readonly keepCallFlow: (campaignSid: string, enterpriseSid: string, announcement: AnnouncementView) => Promise<void> = async () => undefined,
  ) {}

  async execute(
    caller: Caller,
    req: CreateCampaignRequest,
    fromNumbers: string[],
    to: RecipientFile | null,
    now = new Date(),
  ): Promise<{ ok: true; value: CreatedCampaign } | ({ ok: false } & CreateFailure)> {
    if (!to) return { ok: false, error: Errors.mandatoryMissing('toFile') };
    if (to.invalid > 0 && !req.ignoreInvalidPhoneNumbers) return { ok: false, ...invalidNumbersError(to) };
    if (to.valid === 0) return { ok: false, error: Errors.noValidRecipients, data: { lines: to.lines, invalid: to.invalid } };

    let announcement: AnnouncementView | null = null;
    if (req.channel === 'voice' && req.announcementSid) {
      const a = await this.findAnnouncement(req.announcementSid, caller.enterpriseSid);
      if (!a.ok) return { ok: false, error: a.error, data: { announcementSid: req.announcementSid } };
      announcement = a.value;
      // Its calls would play nothing: refused now rather than every call failing later.
      if (announcement.type === 'play' && !announcement.fileUri)
        return { ok: false, error: Errors.invalidParameter('The announcement has no audio file yet: upload its WAV before using it in a campaign.'), data: { announcementSid: req.announcementSid } };
    }
    if (req.optIn) {
      const l = await this.findOptInList(req.optIn, caller.enterpriseSid);
      if (!l.ok) return { ok: false, error: l.error, data: { optIn: req.optIn } };
    }

    // Read before anything is sent, so a failing read leaves nothing behind either.
    const quietHours = req.ignoreQuietHours ? null : await this.quietHoursOf(caller.enterpriseSid);
    const campaignSid = newSid('campaign');
    if (announcement) await this.keepCallFlow(campaignSid, caller.enterpriseSid, announcement);
    const created = await this.rr.request<CampaignView>(TOPIC.campaignCommands, campaignSid, 'CreateCampaign', {
      campaignSid,
      enterpriseSid: caller.enterpriseSid,
      accountSid: caller.accountSid,
      accountEmail: caller.email,
      name: req.name,
      channel: req.channel,
      body: req.body,
      creditsPerRecipient: req.creditsPerRecipient,
      fromNumbers,
      fromPrefix: req.fromPrefix,
      startTime: req.startTime ? req.startTime.toISOString() : null,
      optOut: req.optOut,
      optIn: req.optIn,
      ...(req.channel === 'voice'
        ? {
            announcementSid: req.announcementSid,
            rcmlUrl: req.rcmlUrl,
            dialTimeoutSeconds: req.dialTimeoutSeconds ?? undefined,
            voiceOptions: req.voiceOptions ?? null,
            // Only a campaign with webhooks needs the key they are signed with.
            webhookKey: req.voiceOptions?.webhooks ? (caller.webhookKey ?? null) : null,
          }
        : {}),
      quietHours,
      ignoreQuietHours: req.ignoreQuietHours,
      requestedAt: now.toISOString(),
    });
    if (!created.ok) return { ok: false, error: created.error };
    let batchNo = 0;
    for await (const batch of recipientBatches(to)) {
      // The message id is derived from campaign and batch, so a resend is recognised as a repeat.
      await this.rr.send(TOPIC.campaignCommands, campaignSid, message('AddRecipients', { campaignSid, batchNo, ...batch }, { messageId: `${campaignSid}:batch:${batchNo}` }));
      batchNo++;
    }
    await this.rr.send(
      TOPIC.campaignCommands,
      campaignSid,
      message('SealRecipients', { campaignSid, batchCount: batchNo, invalidCount: to.invalid, lineCount: to.lines }, { messageId: `${campaignSid}:seal` }),
    );
    return { ok: true, value: { ...presentCampaign(created.value), upload: { lines: to.lines, valid: to.valid, invalid: to.invalid } } };
  }

  /** 500 for an announcement the enterprise does not have, whether campaign-svc answers with the error or with nothing. */
  private async findAnnouncement(announcementSid: string, enterpriseSid: string): Promise<Result<AnnouncementView>> {
    if (!/^AN[0-9a-f]{32}$/.test(announcementSid)) return fail(Errors.announcementNotFound);
    const r = await this.rr.request<AnnouncementView | null>(TOPIC.campaignQueries, announcementSid, 'GetAnnouncement', { announcementSid, enterpriseSid });
    if (!r.ok) return fail(r.error.code === Errors.announcementNotFound.code ? Errors.announcementNotFound : r.error);
    return r.value ? ok(r.value) : fail(Errors.announcementNotFound);
  }

  /** 4001 for an opt-in list the enterprise does not have (dnd-svc answers the query, keyed by enterprise). */
  private async findOptInList(name: string, enterpriseSid: string): Promise<Result<OptInListView>> {
    const r = await this.rr.request<OptInListView | null>(TOPIC.dndQueries, enterpriseSid, 'FindOptInList', { enterpriseSid, name });
    const notFound = Errors.optInListNotFound(name);
    if (!r.ok) return fail(r.error.code === notFound.code || r.error.code === Errors.optInNotFound.code ? notFound : r.error);
    return r.value ? ok(r.value) : fail(notFound);
  }
}
