import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  LIMITS,
  TOPIC,
  message,
  type RecipientOutcome,
  type CampaignCancelled,
  type CampaignFailed,
  type CampaignScheduled,
  type CampaignStarted,
  type DispatchStatusRequested,
  type RecipientsFiltered,
} from '@clarion/contracts';
import { publishDispatchCompleted } from '../sending/completion';
import { currentTraceHeaders, type MessageContext } from '@clarion/platform';

/** Records what dispatch needs to know from the other services' events. */
@Controller()
export class IntakeHandlers {
  @EventPattern('RecipientsFiltered')
  async recipients(@Payload() m: RecipientsFiltered, @Ctx() ctx: MessageContext): Promise<void> {
    const { campaignSid, batchNo, accepted, optedOut } = m.data;
    // seq orders the sends as uploaded and drives the from-number round robin.
    const base = batchNo * LIMITS.recipientBatchSize * 2;
    const numbers = [...accepted, ...optedOut];
    const states = [...accepted.map(() => 'queued'), ...optedOut.map(() => 'opted-out')];
    const seqs = numbers.map((_, i) => base + i);
    await ctx.db.query(
      `INSERT INTO sends (campaign_sid, msisdn, seq, state) SELECT $1, n, s, st FROM unnest($2::text[], $3::int[], $4::text[]) AS x(n, s, st)
       ON CONFLICT DO NOTHING`,
      [campaignSid, numbers, seqs, states],
    );
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
      `INSERT INTO dispatch_campaigns (campaign_sid, enterprise_sid, status, body, from_numbers, from_prefix, start_time, accepted_count, credits_per_recipient, trace_headers)
       VALUES ($1, $2, 'scheduled', $3, $4::jsonb, $5, $6, $7, $8, $9::jsonb)
       ON CONFLICT (campaign_sid) DO UPDATE SET status = 'scheduled', updated_at = now() WHERE dispatch_campaigns.status = 'starting'`,
      [d.campaignSid, d.enterpriseSid, d.body, JSON.stringify(d.fromNumbers), d.fromPrefix, d.startTime, d.acceptedCount, d.creditsPerRecipient, JSON.stringify(currentTraceHeaders())],
    );
  }

  @EventPattern('CampaignStarted')
  async started(@Payload() m: CampaignStarted, @Ctx() ctx: MessageContext): Promise<void> {
    const [started] = await ctx.db.query(
      `UPDATE dispatch_campaigns SET status = 'sending', trace_headers = $2::jsonb, updated_at = now() WHERE campaign_sid = $1 AND status IN ('scheduled', 'starting') RETURNING campaign_sid`,
      [m.data.campaignSid, JSON.stringify(currentTraceHeaders())],
    );
    if (!started) return;
    // Opted-out recipients are final from the start; subscribers hear about them with the rest.
    const optedOut = await ctx.db.query<{ msisdn: string }>(`SELECT msisdn FROM sends WHERE campaign_sid = $1 AND state = 'opted-out'`, [m.data.campaignSid]);
    for (const { msisdn } of optedOut) {
      const outcome: RecipientOutcome = { campaignSid: m.data.campaignSid, enterpriseSid: m.data.enterpriseSid, to: msisdn, status: 'opted-out', carrierMessageId: null, errorCode: null, occurredAt: m.data.startedAt };
      ctx.db.publish(TOPIC.campaignDeliveries, m.data.campaignSid, message('RecipientOutcomeRecorded', outcome, { causedBy: m }));
    }
  }

  @EventPattern('CampaignCancelled')
  async cancelled(@Payload() m: CampaignCancelled, @Ctx() ctx: MessageContext): Promise<void> {
    await this.drop(ctx, m.data.campaignSid, 'cancelled');
  }

  @EventPattern('CampaignFailed')
  async failed(@Payload() m: CampaignFailed, @Ctx() ctx: MessageContext): Promise<void> {
    // A campaign failed while sending (its run limit passed): nothing more goes out. Recipients not
    // yet sent end 'expired' (and are not charged); sends in flight settle as usual, and then the
    // engine reports the final count, which campaign-svc charges.
    const expired = await ctx.db.query<{ msisdn: string }>(
      `UPDATE sends s SET state = 'expired', error_code = 'campaign-failed', updated_at = now() FROM dispatch_campaigns c
       WHERE c.campaign_sid = $1 AND c.status = 'sending' AND s.campaign_sid = c.campaign_sid AND s.state = 'queued' RETURNING s.msisdn`,
      [m.data.campaignSid],
    );
    const occurredAt = new Date().toISOString();
    for (const { msisdn } of expired) {
      const outcome: RecipientOutcome = { campaignSid: m.data.campaignSid, enterpriseSid: m.data.enterpriseSid, to: msisdn, status: 'expired', carrierMessageId: null, errorCode: 'campaign-failed', occurredAt };
      ctx.db.publish(TOPIC.campaignDeliveries, m.data.campaignSid, message('RecipientOutcomeRecorded', outcome, { causedBy: m }));
    }
    await this.drop(ctx, m.data.campaignSid, 'failed');
  }

  /** The campaign's watchdog asks how it is going: the final count again, or what is left. */
  @EventPattern('DispatchStatusRequested')
  async statusRequested(@Payload() m: DispatchStatusRequested, @Ctx() ctx: MessageContext): Promise<void> {
    const [c] = await ctx.db.query('SELECT campaign_sid, enterprise_sid, status, credits_per_recipient FROM dispatch_campaigns WHERE campaign_sid = $1', [m.data.campaignSid]);
    if (!c) return; // never scheduled here: the start re-request will bring it
    if (c.status === 'completed') return publishDispatchCompleted(ctx.db, c, m);
    if (c.status !== 'sending') return;
    const [{ remaining }] = await ctx.db.query(`SELECT count(*)::int AS remaining FROM sends WHERE campaign_sid = $1 AND state IN ('queued', 'sending')`, [m.data.campaignSid]);
    ctx.db.publish(TOPIC.dispatchEvents, m.data.campaignSid, message('DispatchProgressed', { campaignSid: m.data.campaignSid, enterpriseSid: c.enterprise_sid, remaining, at: new Date().toISOString() }, { causedBy: m }));
  }

  /** A campaign that will never start keeps no recipients here. */
  private async drop(ctx: MessageContext, campaignSid: string, status: string): Promise<void> {
    const dropped = await ctx.db.query(`UPDATE dispatch_campaigns SET status = $2, updated_at = now() WHERE campaign_sid = $1 AND status IN ('scheduled', 'starting') RETURNING campaign_sid`, [campaignSid, status]);
    // Only a campaign that never started loses its rows: a running one keeps them for its final count.
    if (dropped.length > 0) await ctx.db.query(`DELETE FROM sends WHERE campaign_sid = $1 AND state IN ('queued', 'opted-out')`, [campaignSid]);
  }
}
