import { DISPATCH_COUNT_STATES, type DispatchCounts } from '@clarion/contracts';
import type { Sql } from './sends.repository';

/**
 * Recipients per final state, counted where sends change state: each batch statement of the send
 * pipeline that moves sends adds one upsert of the differences per (campaign, state), never a
 * statement per message. The table (migrations.ts, DispatchStateCounts6) is striped like
 * dispatch_progress: a writer picks one of STATE_COUNT_SLOTS at random, so writers rarely wait on
 * each other, and a campaign's count is the sum of its slots (a slot alone may even be negative).
 * `queued` is not counted: it is the accepted count minus every final one.
 */
const STATE_COUNT_SLOTS = 16;

/** The states a recipient can be counted in here ('opted-out': skipped at send time, counted by dispatch_claim itself); 'queued' is derived. */
const COUNTED = new Set<string>(DISPATCH_COUNT_STATES.filter((s) => s !== 'queued'));

/**
 * The differences a batch of sends makes, moved from `from` to each row's state (pure): +1 to the
 * new state, and −1 to the old one when that is a counted state (a receipt turns 'sent' into
 * 'delivered'). A row that stays where it was changes nothing. Sorted by campaign and state, so
 * two transactions lock the same rows in the same order and cannot deadlock on them.
 */
export function stateDeltas(from: string, rows: { campaign_sid: string; state: string }[]): { campaignSid: string; state: string; delta: number }[] {
  const deltas = new Map<string, number>();
  const add = (campaignSid: string, state: string, d: number) => {
    if (!COUNTED.has(state)) return;
    const key = `${campaignSid}\u0000${state}`;
    deltas.set(key, (deltas.get(key) ?? 0) + d);
  };
  for (const r of rows) {
    if (r.state === from) continue;
    add(r.campaign_sid, r.state, 1);
    add(r.campaign_sid, from, -1);
  }
  return [...deltas.entries()]
    .filter(([, d]) => d !== 0)
    .map(([key, delta]) => {
      const [campaignSid, state] = key.split('\u0000');
      return { campaignSid, state, delta };
    })
    .sort((a, b) => (a.campaignSid === b.campaignSid ? (a.state < b.state ? -1 : 1) : a.campaignSid < b.campaignSid ? -1 : 1));
}

/** Counts the move of a batch of sends from `from` to their new states, in the caller's transaction: one statement. */
export async function countTransitions(tx: Sql, from: string, rows: { campaign_sid: string; state: string }[]): Promise<void> {
  const deltas = stateDeltas(from, rows);
  if (deltas.length === 0) return;
  await tx.query(
    `INSERT INTO dispatch_state_counts AS c (campaign_sid, slot, state, n)
     SELECT x.sid, $1, x.state, x.delta FROM unnest($2::text[], $3::text[], $4::int[]) WITH ORDINALITY AS x(sid, state, delta, i) ORDER BY x.i
     ON CONFLICT (campaign_sid, slot, state) DO UPDATE SET n = c.n + EXCLUDED.n`,
    [Math.floor(Math.random() * STATE_COUNT_SLOTS), deltas.map((d) => d.campaignSid), deltas.map((d) => d.state), deltas.map((d) => d.delta)],
  );
}

/** A campaign's counts from its final states' sums and its accepted count (pure). */
export function dispatchCounts(accepted: number, finals: Record<string, number>): DispatchCounts {
  const counts: DispatchCounts = { queued: 0, sent: 0, delivered: 0, undelivered: 0, failed: 0, expired: 0, unknown: 0, 'opted-out': 0 };
  let final = 0;
  for (const s of DISPATCH_COUNT_STATES) {
    if (s === 'queued') continue;
    const n = finals[s] ?? 0;
    counts[s] = n;
    final += n;
  }
  counts.queued = Math.max(0, accepted - final);
  return counts;
}

export const sameCounts = (a: DispatchCounts | null | undefined, b: DispatchCounts): boolean => !!a && DISPATCH_COUNT_STATES.every((s) => a[s] === b[s]);
