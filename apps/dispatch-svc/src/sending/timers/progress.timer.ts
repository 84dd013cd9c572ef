import { TOPIC, message, type DeferredSends, type DispatchCounts, type DispatchCountsReported } from '@clarion/contracts';
import { intFromEnv, type Platform } from '@clarion/platform';
import { dispatchCounts, sameCounts } from '../state-counts';

/** Campaigns reported per tick at most. */
const CAMPAIGNS_PER_TICK_MAX = 100;

/**
 * How often counts are read and reported (DISPATCH_PROGRESS_INTERVAL_MS, default 1 s), and how long
 * a finished campaign whose counts stand still is still looked at (DISPATCH_COUNTS_QUIET_MS, 10 min).
 */
export function readProgressSettings(env: NodeJS.ProcessEnv = process.env): { intervalMs: number; quietMs: number } {
  return { intervalMs: Math.max(100, intFromEnv('DISPATCH_PROGRESS_INTERVAL_MS', 1000, env)), quietMs: Math.max(1000, intFromEnv('DISPATCH_COUNTS_QUIET_MS', 600_000, env)) };
}

interface Reportable {
  campaign_sid: string;
  enterprise_sid: string;
  accepted_count: number;
  finals: Record<string, number>;
  /** The last report: its counts, and its deferred sends under `deferred`. */
  reported: (DispatchCounts & { deferred?: DeferredSends | null }) | null;
  deferred: { count: number; until: string; latest: string } | null;
  as_of: Date;
}

/**
 * The progress timer: every tick (about a second) each sending campaign's counts per state, read
 * from the striped counters (a few rows per campaign, never the sends), are published as
 * DispatchCountsReported when they changed since the last report. A finished campaign goes on being
 * reported while its counts still change (receipts of its last messages), until they have been still
 * for `quietMs`. The last report is kept per campaign, so a change is published once per instance (a
 * second instance may repeat it: harmless); `asOf` (the database's clock at the read) lets
 * campaign-svc drop a report older than one it holds, whatever order reports arrive in.
 */
export class ProgressTimer {
  constructor(
    private readonly platform: Platform,
    private readonly quietMs: number,
  ) {}

  async tick(): Promise<number> {
    const due = await this.platform.query<Reportable>(
      `SELECT c.campaign_sid, c.enterprise_sid, c.accepted_count, r.counts AS reported, statement_timestamp() AS as_of,
         (SELECT CASE WHEN count(*) > 0 THEN jsonb_build_object('count', count(*)::int, 'until', min(d.not_before), 'latest', max(d.not_before)) END
            FROM sends d WHERE d.campaign_sid = c.campaign_sid AND d.state = 'deferred') AS deferred,
         COALESCE((SELECT jsonb_object_agg(x.state, x.n) FROM (SELECT state, sum(n)::int AS n FROM dispatch_state_counts s WHERE s.campaign_sid = c.campaign_sid GROUP BY state) x), '{}'::jsonb) AS finals
       FROM dispatch_campaigns c LEFT JOIN dispatch_count_reports r USING (campaign_sid)
       WHERE c.status IN ('sending', 'paused') -- a paused campaign's answers in flight still settle
          OR (c.status IN ('completed', 'failed') AND r.as_of > now() - ($1::int * interval '1 millisecond'))
       ORDER BY c.created_at LIMIT $2`,
      [this.quietMs, CAMPAIGNS_PER_TICK_MAX],
    );
    const changed = due
      .map((c) => ({ c, counts: dispatchCounts(c.accepted_count, c.finals), deferred: deferredOfRow(c.deferred) }))
      .filter(({ c, counts, deferred }) => !sameCounts(c.reported, counts) || !sameDeferred(c.reported?.deferred ?? null, deferred));
    if (changed.length === 0) return 0;
    // Straight to the broker, not through the outbox: a report is a reading, not a state change, and
    // the outbox is busy with every recipient's outcome (a million-recipient campaign's deliveries run
    // seconds behind its sends), which would hold the counts back by as much. A report lost in a crash
    // is followed by the next one, and the completion's exact count goes through the outbox.
    await this.platform.producer.send({
      topic: this.platform.config.topicPrefix + TOPIC.dispatchEvents,
      acks: -1,
      messages: changed.map(({ c, counts, deferred }) => {
        const data: DispatchCountsReported['data'] = { campaignSid: c.campaign_sid, enterpriseSid: c.enterprise_sid, counts, asOf: c.as_of.toISOString(), deferred };
        return { key: c.campaign_sid, value: JSON.stringify(message('DispatchCountsReported', data)) };
      }),
    });
    // Then the report is remembered (never over a later one of another instance), so it is not sent again.
    await this.platform.tx(async (tx) => {
      for (const { c, counts, deferred } of changed) {
        await tx.query(
          `INSERT INTO dispatch_count_reports AS r (campaign_sid, counts, as_of) VALUES ($1, $2::jsonb, $3)
           ON CONFLICT (campaign_sid) DO UPDATE SET counts = EXCLUDED.counts, as_of = EXCLUDED.as_of WHERE r.as_of < EXCLUDED.as_of`,
          [c.campaign_sid, JSON.stringify({ ...counts, deferred }), c.as_of],
        );
      }
      // Reports of campaigns finished long ago are never looked at again.
      await tx.query(
        `DELETE FROM dispatch_count_reports r USING dispatch_campaigns c
         WHERE c.campaign_sid = r.campaign_sid AND c.status <> 'sending' AND r.as_of < now() - interval '1 day'`,
      );
    });
    return changed.length;
  }
}

/** The deferred sends as reported: instants in ISO-8601 UTC (jsonb gives Postgres' own form). */
function deferredOfRow(d: Reportable['deferred']): DeferredSends | null {
  return d ? { count: d.count, until: new Date(d.until).toISOString(), latest: new Date(d.latest).toISOString() } : null;
}

const sameDeferred = (a: DeferredSends | null, b: DeferredSends | null): boolean => (a === null || b === null ? a === b : a.count === b.count && a.until === b.until && a.latest === b.latest);
