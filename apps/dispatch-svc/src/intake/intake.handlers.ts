import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  type CampaignCancelled,
  type CampaignPaused,
  type CampaignEdited,
  type CampaignWebhooksChanged,
  type VoiceCallSettings,
  type CampaignDeleted,
  type CampaignFailed,
  type CampaignScheduled,
  type CampaignStarted,
  type DispatchStatusRequested,
  type RecipientsFiltered,
  TOPIC,
  message,
} from '@clarion/contracts';
import { currentTraceHeaders, type MessageContext } from '@clarion/platform';
import { readVoiceSettings } from '@clarion/voice';
import { enqueueWebhook } from '../webhooks/webhooks';
import { campaignStatusBody, statusWebhook } from '../voice/webhook-bodies';
import { publishDispatchCompleted } from '../sending/timers/completion.timer';
import { FINISHED_SQL, NO_VOICE_CARRIER, expireQueued, failQueued, loadBatch, optedOutNumbers, publishOutcomes } from '../sending/sends.repository';

/** Records what dispatch needs to know from the other services' events. */
@Controller()
export class IntakeHandlers {
  private readonly voiceConfigured = readVoiceSettings() !== null;

  @EventPattern('RecipientsFiltered')
  async recipients(@Payload() m: RecipientsFiltered, @Ctx() ctx: MessageContext): Promise<void> {
    const { campaignSid, batchNo, accepted, optedOut, acceptedFields } = m.data;
    await loadBatch(ctx.db, campaignSid, batchNo, accepted, optedOut, acceptedFields);
  }

  /**
   * The schedule, or the watchdog's re-request of it: a campaign whose StartCampaign went out but
   * never took effect ('starting') is due again, so the start timer sends it once more (the
   * aggregate ignores a second start).
   */
  @EventPattern('CampaignScheduled')
  async scheduled(@Payload() m: CampaignScheduled, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    await ctx.db.query(
      `INSERT INTO dispatch_campaigns (campaign_sid, enterprise_sid, status, body, from_numbers, from_prefix, start_time, accepted_count, credits_per_recipient, trace_headers, channel, quiet_hours, ignore_quiet_hours, voice)
       VALUES ($1, $2, 'scheduled', $3, $4::jsonb, $5, $6, $7, $8, $9::jsonb, $10, $11::jsonb, $12, $13::jsonb)
       ON CONFLICT (campaign_sid) DO UPDATE SET status = 'scheduled', updated_at = now() WHERE dispatch_campaigns.status = 'starting'`,
      [
        d.campaignSid,
        d.enterpriseSid,
        d.body,
        JSON.stringify(d.fromNumbers),
        d.fromPrefix,
        d.startTime,
        d.acceptedCount,
        d.creditsPerRecipient,
        JSON.stringify(currentTraceHeaders()),
        d.channel ?? 'sms',
        d.quietHours ? JSON.stringify(d.quietHours) : null,
        d.ignoreQuietHours === true,
        d.voice ? JSON.stringify(d.voice) : null,
      ],
    );
  }

  @EventPattern('CampaignStarted')
  async started(@Payload() m: CampaignStarted, @Ctx() ctx: MessageContext): Promise<void> {
    const [started] = await ctx.db.query<{ channel: string; voice: VoiceCallSettings | null }>(
      `UPDATE dispatch_campaigns SET status = 'sending', trace_headers = $2::jsonb, updated_at = now() WHERE campaign_sid = $1 AND status IN ('scheduled', 'starting') RETURNING channel, voice`,
      [m.data.campaignSid, JSON.stringify(currentTraceHeaders())],
    );
    if (!started) return;
    // Opted-out recipients are final from the start; subscribers hear about them with the rest.
    const optedOut = await optedOutNumbers(ctx.db, m.data.campaignSid);
    publishOutcomes(
      ctx.db,
      m.data.campaignSid,
      m.data.enterpriseSid,
      optedOut.map(({ msisdn }) => ({ msisdn, state: 'opted-out', carrier_message_id: null, error_code: null })),
      m,
    );
    if (started.channel === 'voice') {
      const hook = statusWebhook(m.data.campaignSid, started.voice, campaignStatusBody(m.data.campaignSid, 'campaign_started', 'in-progress', started.voice?.options?.customField ?? null));
      if (hook) await enqueueWebhook(ctx.db, hook);
    }
    if (started.channel !== 'sms' && !this.voiceConfigured) {
      // No voice carrier is configured (VOICE_API_URL unset): every call fails at once with a code
      // that says so, nothing is charged, and the campaign completes, giving its whole reservation
      // back. Never sent over SMPP.
      const failed = await failQueued(ctx.db, m.data.campaignSid, NO_VOICE_CARRIER);
      publishOutcomes(ctx.db, m.data.campaignSid, m.data.enterpriseSid, failed, m);
    }
  }

  @EventPattern('CampaignCancelled')
  async cancelled(@Payload() m: CampaignCancelled, @Ctx() ctx: MessageContext): Promise<void> {
    // A paused campaign (the only running one that can be cancelled) ends as a failed one does:
    // what was not sent expires uncharged, it goes back to 'sending' so the completion timer
    // reports its final count once the sends in flight settle, and campaign-svc charges that.
    const [paused] = await ctx.db.query(`UPDATE dispatch_campaigns SET status = 'sending', updated_at = now() WHERE campaign_sid = $1 AND status = 'paused' RETURNING campaign_sid`, [
      m.data.campaignSid,
    ]);
    if (paused) {
      const expired = await expireQueued(ctx.db, m.data.campaignSid, 'campaign-cancelled');
      publishOutcomes(ctx.db, m.data.campaignSid, m.data.enterpriseSid, expired, m);
      return;
    }
    await this.drop(ctx, m.data.campaignSid, 'cancelled');
  }

  /** The account paused the campaign (an auto-pause was dispatch's own, and it is paused already): no new send or call starts; those under way finish. */
  @EventPattern('CampaignPaused')
  async paused(@Payload() m: CampaignPaused, @Ctx() ctx: MessageContext): Promise<void> {
    await ctx.db.query(`UPDATE dispatch_campaigns SET status = 'paused', pause_reason = $2, updated_at = now() WHERE campaign_sid = $1 AND status = 'sending'`, [m.data.campaignSid, m.data.reason]);
  }

  /**
   * A campaign not started yet was edited: its senders, start time and call settings change here.
   * One whose start was already asked ('starting') goes back to waiting for its (new) time:
   * campaign-svc ignores a start asked before the start time.
   */
  @EventPattern('CampaignEdited')
  async edited(@Payload() m: CampaignEdited, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    await ctx.db.query(
      `UPDATE dispatch_campaigns SET from_numbers = $2::jsonb, start_time = $3, voice = $4::jsonb, status = 'scheduled', updated_at = now()
       WHERE campaign_sid = $1 AND status IN ('scheduled', 'starting')`,
      [d.campaignSid, JSON.stringify(d.fromNumbers), d.startTime, d.voice ? JSON.stringify(d.voice) : null],
    );
  }

  /** New webhook URLs of a voice campaign: the next webhooks go there (those queued keep theirs). */
  @EventPattern('CampaignWebhooksChanged')
  async webhooksChanged(@Payload() m: CampaignWebhooksChanged, @Ctx() ctx: MessageContext): Promise<void> {
    await ctx.db.query(
      `UPDATE dispatch_campaigns SET voice = jsonb_set(voice, '{options,webhooks}', $2::jsonb), updated_at = now() WHERE campaign_sid = $1 AND voice ? 'options' AND voice -> 'options' <> 'null'::jsonb`,
      [m.data.campaignSid, JSON.stringify(m.data.webhooks)],
    );
  }

  /** Deleted while scheduled: like a cancel, it never starts here. */
  @EventPattern('CampaignDeleted')
  async deleted(@Payload() m: CampaignDeleted, @Ctx() ctx: MessageContext): Promise<void> {
    await this.drop(ctx, m.data.campaignSid, 'deleted');
  }

  @EventPattern('CampaignFailed')
  async failed(@Payload() m: CampaignFailed, @Ctx() ctx: MessageContext): Promise<void> {
    // A campaign failed while sending (its run limit passed): nothing more goes out. Recipients not
    // yet sent end 'expired' (and are not charged); sends in flight settle as usual, and then the
    // engine reports the final count, which campaign-svc charges.
    const expired = await expireQueued(ctx.db, m.data.campaignSid);
    publishOutcomes(ctx.db, m.data.campaignSid, m.data.enterpriseSid, expired, m);
    // Failed while dispatch had paused it (the two crossed): the completion timer reports it as for a running one.
    await ctx.db.query(`UPDATE dispatch_campaigns SET status = 'sending', updated_at = now() WHERE campaign_sid = $1 AND status = 'paused'`, [m.data.campaignSid]);
    await this.drop(ctx, m.data.campaignSid, 'failed');
  }

  /** The campaign's watchdog asks how it is going: the final count again, or what is left. */
  @EventPattern('DispatchStatusRequested')
  async statusRequested(@Payload() m: DispatchStatusRequested, @Ctx() ctx: MessageContext): Promise<void> {
    const [c] = await ctx.db.query(
      `SELECT campaign_sid, enterprise_sid, status, credits_per_recipient, final_counts, used_credits, accepted_count - ${FINISHED_SQL} AS remaining FROM dispatch_campaigns c WHERE campaign_sid = $1`,
      [m.data.campaignSid],
    );
    if (!c) return; // never scheduled here: the start re-request will bring it
    if (c.status === 'completed') return publishDispatchCompleted(ctx.db, c, m);
    if (c.status !== 'sending' && c.status !== 'paused') return;
    ctx.db.publish(
      TOPIC.dispatchEvents,
      m.data.campaignSid,
      message('DispatchProgressed', { campaignSid: m.data.campaignSid, enterpriseSid: c.enterprise_sid, remaining: c.remaining, at: new Date().toISOString() }, { causedBy: m }),
    );
  }

  /** A campaign that will never start keeps no recipients here. */
  private async drop(ctx: MessageContext, campaignSid: string, status: string): Promise<void> {
    const dropped = await ctx.db.query(`UPDATE dispatch_campaigns SET status = $2, updated_at = now() WHERE campaign_sid = $1 AND status IN ('scheduled', 'starting') RETURNING campaign_sid`, [
      campaignSid,
      status,
    ]);
    // Only a campaign that never started loses its rows: a running one keeps them for its final count.
    if (dropped.length > 0) {
      await ctx.db.query(`DELETE FROM sends WHERE campaign_sid = $1`, [campaignSid]);
      await ctx.db.query(`DELETE FROM dispatch_intake WHERE campaign_sid = $1`, [campaignSid]);
      await ctx.db.query(`DELETE FROM dispatch_batches WHERE campaign_sid = $1`, [campaignSid]);
    }
  }
}
