import type { Platform } from '@clarion/platform';
import { publishGrouped, type OutcomeRow } from '../sends.repository';

/** Outcomes published per tick at most: one transaction, a few outbox rows. */
const OUTCOMES_PER_TICK_MAX = 5000;

/**
 * The opted-out timer: sends the claim skipped because their number opted out while the campaign
 * ran (dispatch_claim, migrations.ts DispatchSendTimeOptOuts9) are already final and counted; here
 * their outcomes are published on campaign.deliveries.v1 like every other, through the outbox, in
 * the same transaction that takes them off the waiting table. SKIP LOCKED lets several instances
 * tick at once without taking the same rows.
 */
export class OptedOutTimer {
  constructor(private readonly platform: Platform) {}

  async tick(): Promise<number> {
    // Nearly always empty: then no transaction is worth opening.
    if ((await this.platform.query('SELECT 1 FROM dispatch_opted_out_outbox LIMIT 1')).length === 0) return 0;
    return this.platform.tx(async (tx) => {
      const rows = await tx.query<{ campaign_sid: string; msisdn: string }>(
        `DELETE FROM dispatch_opted_out_outbox WHERE id IN (SELECT id FROM dispatch_opted_out_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING campaign_sid, msisdn`,
        [OUTCOMES_PER_TICK_MAX],
      );
      const outcomes: OutcomeRow[] = rows.map((r) => ({ campaign_sid: r.campaign_sid, msisdn: r.msisdn, state: 'opted-out', carrier_message_id: null, error_code: null }));
      await publishGrouped(tx, outcomes);
      return rows.length;
    });
  }
}
