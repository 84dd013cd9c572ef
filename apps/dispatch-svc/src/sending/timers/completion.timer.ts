import { DISPATCH_COUNT_STATES, TOPIC, hasPlaceholders, message, type DispatchCompleted, type Message, type VoiceCallSettings } from '@clarion/contracts';
import { callsPlaced } from '../../voice/calls.repository';
import { campaignStatusBody, statusWebhook } from '../../voice/webhook-bodies';
import { enqueueWebhook } from '../../webhooks/webhooks';
import type { Platform, Tx } from '@clarion/platform';
import { CHARGED_STATES } from '../send.decider';
import { FINISHED_SQL, OPTED_OUT_AT_SEND, UNSENT_EXPIRY_CODES, countsByState, finishedCampaigns, personalisedCredits } from '../sends.repository';
import { dispatchCounts } from '../state-counts';

interface CompletedCampaign {
  campaign_sid: string;
  enterprise_sid: string;
  credits_per_recipient: number;
  final_counts: Record<string, number> | null;
  /** A personalised campaign's credits, summed over its sends' own texts when it completed; null otherwise. */
  used_credits: number | null;
  /** The campaign's trace: a timer's DispatchCompleted continues it (a handler's has its own span). */
  trace_headers?: Record<string, string>;
  /** When final_counts was read (the database's clock), where known. */
  counted_at?: Date;
}

/**
 * The completion timer: a campaign whose finished count reached its accepted count has every send final. It
 * is marked completed, its final count by state is kept on the campaign row (so it can be reported
 * again after its sends are pruned), and DispatchCompleted tells campaign-svc what to charge.
 */
export class CompletionTimer {
  constructor(private readonly platform: Platform) {}

  async tick(): Promise<number> {
    const done = await finishedCampaigns(this.platform);
    for (const { campaign_sid } of done) {
      await this.platform.tx(async (tx) => {
        const counts = await countsByState(tx, campaign_sid);
        // Recipients of a personalised body got texts of different lengths: each one's own segments count.
        const [{ body, channel, voice }] = await tx.query<{ body: string; channel: string; voice: VoiceCallSettings | null }>(
          'SELECT body, channel, voice FROM dispatch_campaigns WHERE campaign_sid = $1',
          [campaign_sid],
        );
        // A voice campaign is charged per call placed, retries included; the rest of its hold comes back.
        let used = channel === 'voice' ? await callsPlaced(tx, campaign_sid) : channel === 'sms' && hasPlaceholders(body) ? await personalisedCredits(tx, campaign_sid, body, CHARGED_STATES) : null;
        // 'expired' is charged when the network expired a message it took; sends the campaign's
        // failure or cancel expired before they were ever submitted cost nothing.
        if (used === null && (counts.expired ?? 0) > 0) {
          const [x] = await tx.query<{ unsent: number; cpr: number }>(
            `SELECT count(*)::int AS unsent, (SELECT credits_per_recipient FROM dispatch_campaigns WHERE campaign_sid = $1) AS cpr FROM sends WHERE campaign_sid = $1 AND state = 'expired' AND error_code = ANY($2::text[])`,
            [campaign_sid, UNSENT_EXPIRY_CODES],
          );
          if (x.unsent > 0) used = (CHARGED_STATES.reduce((sum, st) => sum + (counts[st] ?? 0), 0) - x.unsent) * x.cpr;
        }
        const [c] = await tx.query<CompletedCampaign>(
          `UPDATE dispatch_campaigns c SET status = 'completed', final_counts = $2::jsonb, used_credits = $3, updated_at = now() WHERE campaign_sid = $1 AND status = 'sending' AND ${FINISHED_SQL} >= accepted_count
           RETURNING *, clock_timestamp() AS counted_at`,
          [campaign_sid, JSON.stringify(counts), used],
        );
        if (!c) return;
        // The exact count goes out with the completion; kept as the last report, the progress
        // timer publishes only what changes after it (receipts of the last messages).
        await tx.query(
          `INSERT INTO dispatch_count_reports AS r (campaign_sid, counts, as_of) VALUES ($1, $2::jsonb, $3)
           ON CONFLICT (campaign_sid) DO UPDATE SET counts = EXCLUDED.counts, as_of = EXCLUDED.as_of WHERE r.as_of < EXCLUDED.as_of`,
          [campaign_sid, JSON.stringify(finalCounts(counts)), c.counted_at],
        );
        publishDispatchCompleted(tx, c);
        const hook =
          channel === 'voice'
            ? statusWebhook(campaign_sid, voice, campaignStatusBody(campaign_sid, 'campaign_completed', 'completed', voice?.options?.customField ?? null, finalCounts(counts)))
            : null;
        if (hook) await enqueueWebhook(tx, hook);
      });
    }
    return done.length;
  }
}

/**
 * The campaign's final count, as DispatchCompleted reports it and campaign-svc charges it: every
 * state the carrier took a message in costs the campaign's credits per recipient. Published when
 * the campaign completes, and again whenever the campaign's watchdog asks. A personalised campaign's
 * figure was summed over its sends' own texts when it completed (used_credits).
 */
export function publishDispatchCompleted(tx: Tx, c: CompletedCampaign, causedBy?: Message): void {
  const counts = c.final_counts ?? {};
  const charged = CHARGED_STATES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  const data: DispatchCompleted['data'] = {
    campaignSid: c.campaign_sid,
    enterpriseSid: c.enterprise_sid,
    sent: charged,
    failed: counts.failed ?? 0,
    unknown: counts.unknown ?? 0,
    optedOut: counts['opted-out'] ?? 0,
    usedCredits: c.used_credits ?? charged * c.credits_per_recipient,
    completedAt: new Date().toISOString(),
    counts: finalCounts(counts),
    ...(c.counted_at ? { countsAsOf: new Date(c.counted_at).toISOString() } : {}),
  };
  tx.publish(TOPIC.dispatchEvents, c.campaign_sid, message('DispatchCompleted', data, causedBy ? { causedBy } : {}), causedBy ? undefined : c.trace_headers);
}

/**
 * The count by state of a finished campaign's sends, as DispatchCounts (a send still in flight
 * counts as queued). Of the opted-out, only those skipped at send time were accepted: the others
 * are campaign-svc's filtering count.
 */
function finalCounts(byState: Record<string, number>): ReturnType<typeof dispatchCounts> {
  const finals: Record<string, number> = { ...byState, 'opted-out': byState[OPTED_OUT_AT_SEND] ?? 0 };
  const finished = DISPATCH_COUNT_STATES.reduce((sum, s) => (s === 'queued' ? sum : sum + (finals[s] ?? 0)), 0);
  return dispatchCounts(finished + (byState.queued ?? 0) + (byState.sending ?? 0), finals);
}
