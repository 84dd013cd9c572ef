import type { Platform } from '@clarion/platform';
import { adjustCampaign, publishGrouped, type OutcomeRow } from '../sends.repository';
import { countTransitions } from '../state-counts';

/** Outcomes published per tick at most: one transaction, a few outbox rows. */
const OUTCOMES_PER_TICK_MAX = 5000;

/**
 * The opted-out timer: sends the claim skipped because their number opted out while the campaign
 * ran (dispatch_claim, migrations.ts DispatchSendTimeOptOuts9 and DispatchClaimOptOutProbe12) are
 * already final; here, in the transaction that takes them off the waiting table, they are counted
 * finished and per state, and their outcomes are published on campaign.deliveries.v1 like every
 * other, through the outbox. Counting here rather than in the claim keeps the claim (which holds
 * its campaign's cursor) off the counter rows that every batch of answers locks; and a campaign
 * cannot complete before its skipped outcomes are published, since they are not finished before.
 * SKIP LOCKED lets several instances tick at once without taking the same rows.
 */
export class OptedOutTimer {
  constructor(private readonly platform: Platform) {}

  async tick(): Promise<number> {
    // Nearly always empty: then no transaction is worth opening.
    if ((await this.platform.query('SELECT 1 FROM dispatch_opted_out_outbox LIMIT 1')).length === 0) return 0;
    return this.platform.tx(async (tx) => {
      const rows = await tx.query<{ campaign_sid: string; msisdn: string; counted: boolean }>(
        `DELETE FROM dispatch_opted_out_outbox WHERE id IN (SELECT id FROM dispatch_opted_out_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING campaign_sid, msisdn, counted`,
        [OUTCOMES_PER_TICK_MAX],
      );
      const outcomes: OutcomeRow[] = rows.map((r) => ({ campaign_sid: r.campaign_sid, msisdn: r.msisdn, state: 'opted-out', carrier_message_id: null, error_code: null }));
      // Rows a claim queued before migration 12 were counted by that claim.
      const uncounted = outcomes.filter((_, i) => !rows[i].counted);
      const perCampaign = new Map<string, number>();
      for (const o of uncounted) perCampaign.set(o.campaign_sid, (perCampaign.get(o.campaign_sid) ?? 0) + 1);
      for (const [sid, n] of perCampaign) await adjustCampaign(tx, sid, n, []);
      await countTransitions(tx, 'queued', uncounted);
      await publishGrouped(tx, outcomes);
      return rows.length;
    });
  }
}
