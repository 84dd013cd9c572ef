import {
  LIMITS,
  OUTCOMES_PER_BATCH_MAX,
  TOPIC,
  fillTemplate,
  message,
  type Message,
  type RecipientFields,
  type RecipientOutcome,
  type QuietHoursPolicy,
  type Channel,
  type VoiceCallSettings,
} from '@clarion/contracts';
import { segmentsFor } from '@clarion/smpp';
import type { Tx } from '@clarion/platform';
import { countTransitions } from './state-counts';
import { CALLING } from './send.decider';

/**
 * Every statement of the send pipeline, each one per batch, never one per message. The states a
 * statement starts from are those of send.decider.ts; each UPDATE names them, so a late or
 * repeated input matches nothing. The tables are described in migrations.ts (DispatchPipeline2).
 */

/** Anything that runs SQL: a transaction, or the platform outside one. */
export interface Sql {
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface SendingCampaign {
  campaign_sid: string;
  enterprise_sid: string;
  body: string;
  from_numbers: string[];
  from_prefix: string | null;
  trace_headers: Record<string, string>;
  /** The campaign's quiet-hours policy (quiet-hours.ts); null: none applies. */
  quiet_hours?: QuietHoursPolicy | null;
  /** Voice campaigns: what their calls play. */
  voice?: VoiceCallSettings | null;
}

export interface ClaimedSend {
  msisdn: string;
  seq: number;
  attempts: number;
}

export interface Claim {
  id: string;
  campaignSid: string;
  sends: ClaimedSend[];
}

/** A send's row as outcomes are published from it. */
export interface OutcomeRow {
  campaign_sid: string;
  msisdn: string;
  state: string;
  carrier_message_id: string | null;
  error_code: string | null;
}

export interface Answer {
  seq: number;
  state: string;
  messageId: string | null;
  errorCode: string | null;
  /** A throttled answer: the attempt its claim counted is not used up (send.decider.ts afterSubmit). */
  attemptGivenBack?: boolean;
}

/**
 * seq orders a campaign's sends as uploaded and drives the from-number round robin and the claim
 * cursor: accepted recipients of batch b take b × batchSize + i (0, 1, 2 …), so claim ranges are
 * dense; opted-out ones take negative numbers, which no claim range ever covers.
 */
export function seqsFor(batchNo: number, accepted: number, optedOut: number, batchSize: number = LIMITS.recipientBatchSize): { accepted: number[]; optedOut: number[] } {
  const base = batchNo * batchSize;
  return {
    accepted: Array.from({ length: accepted }, (_, i) => base + i),
    optedOut: Array.from({ length: optedOut }, (_, i) => -(base + i + 1)),
  };
}

/**
 * Records one filtered batch and counts what it added; a repeated batch (a re-requested filtering
 * answers it again) adds nothing. A batch is loaded once, so the batch row is the guard (a number
 * listed twice in a call_duplicate_numbers campaign is two sends, two seqs), and the sends are loaded with COPY: at 5,000
 * numbers a batch, INSERT … unnest … ON CONFLICT took 54 ms, COPY takes 25 ms.
 */
export async function loadBatch(tx: Tx, campaignSid: string, batchNo: number, accepted: string[], optedOut: string[], acceptedFields?: Array<RecipientFields | null>): Promise<void> {
  const [fresh] = await tx.query(`INSERT INTO dispatch_batches (campaign_sid, batch_no) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING batch_no`, [campaignSid, batchNo]);
  if (!fresh) return;
  if (acceptedFields) {
    // A personalised batch (the gateway cuts those at LIMITS.personalisedBatchSize): each send keeps its recipient's fields.
    const seqs = seqsFor(batchNo, accepted.length, optedOut.length, LIMITS.personalisedBatchSize);
    await tx.copyRows(
      'sends',
      ['campaign_sid', 'msisdn', 'seq', 'state', 'name', 'custom1', 'custom2'],
      [
        ...accepted.map((n, i) => {
          const f = acceptedFields[i];
          return [campaignSid, n, seqs.accepted[i], 'queued', f?.name ?? null, f?.custom1 ?? null, f?.custom2 ?? null];
        }),
        ...optedOut.map((n, i) => [campaignSid, n, seqs.optedOut[i], 'opted-out', null, null, null]),
      ],
    );
    await countLoaded(tx, campaignSid, accepted.length, seqs.accepted);
    return;
  }
  const seqs = seqsFor(batchNo, accepted.length, optedOut.length);
  await tx.copyRows(
    'sends',
    ['campaign_sid', 'msisdn', 'seq', 'state'],
    [...accepted.map((n, i) => [campaignSid, n, seqs.accepted[i], 'queued']), ...optedOut.map((n, i) => [campaignSid, n, seqs.optedOut[i], 'opted-out'])],
  );
  await countLoaded(tx, campaignSid, accepted.length, seqs.accepted);
}

/** What a batch added to the campaign's intake: its loaded count, and the end of its seq range. */
async function countLoaded(tx: Tx, campaignSid: string, accepted: number, seqs: number[]): Promise<void> {
  await tx.query(
    `INSERT INTO dispatch_intake (campaign_sid, loaded, seq_end) VALUES ($1, $2, $3)
     ON CONFLICT (campaign_sid) DO UPDATE SET loaded = dispatch_intake.loaded + EXCLUDED.loaded, seq_end = GREATEST(dispatch_intake.seq_end, EXCLUDED.seq_end)`,
    [campaignSid, accepted, accepted > 0 ? seqs[accepted - 1] + 1 : 0],
  );
}

export function sendingCampaigns(sql: Sql, limit: number, channel: Channel = 'sms'): Promise<SendingCampaign[]> {
  return sql.query(
    `SELECT campaign_sid, enterprise_sid, body, from_numbers, from_prefix, trace_headers, quiet_hours, voice FROM dispatch_campaigns
     WHERE status = 'sending' AND channel = $2
       -- a voice campaign whose send window closed starts no call (the voice timer ends it)
       AND (voice IS NULL OR (voice -> 'options' ->> 'endAt') IS NULL OR (voice -> 'options' ->> 'endAt')::timestamptz > now())
     ORDER BY created_at LIMIT $1`,
    [limit, channel],
  );
}

/**
 * Claims the next range of a campaign's seq for this instance, in one call of dispatch_claim
 * (migrations.ts, DispatchClaimFunction5): it moves the campaign's cursor, records the claim, and
 * turns the range's queued sends into 'sending'. Returns null when the cursor is at the end; a
 * claim whose range held nothing queued comes back with no sends (its row is deleted by the
 * caller's next step). One statement, outside any transaction: the cursor is locked only while
 * the function runs.
 */
export async function claimRange(sql: Sql, campaignSid: string, width: number, instanceId: string): Promise<Claim | null> {
  const rows = await sql.query<{ claim_id: string; msisdn: string | null; seq: number | null; attempts: number | null }>('SELECT * FROM dispatch_claim($1, $2, $3)', [campaignSid, width, instanceId]);
  if (rows.length === 0) return null;
  const sends = rows.filter((r) => r.msisdn !== null).map((r) => ({ msisdn: r.msisdn!, seq: r.seq!, attempts: r.attempts! }));
  return { id: String(rows[0].claim_id), campaignSid, sends: sends.sort((x, y) => x.seq - y.seq) };
}

/**
 * The carrier's answers to one claim, in one transaction: the sends' new states, the campaign's
 * counters (finished sends counted; a send queued again rewinds the cursor to it), and the
 * claim itself, deleted when nothing of it is left in flight, else handed over as in doubt.
 * Returns the rows that reached a final state, for publishing.
 */
export async function recordAnswers(tx: Sql, claim: { id: string; campaignSid: string }, answers: Answer[], leftInFlight: number): Promise<OutcomeRow[]> {
  const settled =
    answers.length === 0
      ? []
      : await tx.query<OutcomeRow & { seq: number }>(
          `UPDATE sends s SET state = x.state, carrier_message_id = COALESCE(x.mid, s.carrier_message_id), error_code = x.err, attempts = s.attempts - x.back
     FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::int[]) AS x(seq, state, mid, err, back)
     WHERE s.campaign_sid = $1 AND s.seq = x.seq AND s.claim_id = $2 AND s.state = 'sending'
     RETURNING s.campaign_sid, s.msisdn, s.seq, s.state, s.carrier_message_id, s.error_code`,
          [
            claim.campaignSid,
            claim.id,
            answers.map((a) => a.seq),
            answers.map((a) => a.state),
            answers.map((a) => a.messageId),
            answers.map((a) => a.errorCode),
            answers.map((a) => (a.attemptGivenBack ? 1 : 0)),
          ],
        );
  // A placed call is not finished: its number is, once the call's outcome comes (voice/).
  const finished = settled.filter((r) => r.state !== 'queued' && r.state !== CALLING);
  if (leftInFlight === 0) await tx.query('DELETE FROM dispatch_claims WHERE id = $1', [claim.id]);
  else await tx.query('UPDATE dispatch_claims SET released = true WHERE id = $1', [claim.id]);
  await adjustCampaign(
    tx,
    claim.campaignSid,
    finished.length,
    settled.filter((r) => r.state === 'queued').map((r) => r.seq),
  );
  await countTransitions(tx, 'sending', finished);
  return finished;
}

/** Slots of a campaign's finished counter: writers pick one at random, so they rarely wait on each other. */
const PROGRESS_SLOTS = 16;

/** How many of campaign `c`'s sends are finished (SQL over `c.campaign_sid`). */
export const FINISHED_SQL = `COALESCE((SELECT sum(p.finished)::int FROM dispatch_progress p WHERE p.campaign_sid = c.campaign_sid), 0)`;

/**
 * `finished` sends counted for the campaign; the cursor back to the first re-queued seq (rare:
 * only the carrier's throttling or a send it never received does that). The counter row is the
 * last write of the transaction, so its lock is held for as short as possible.
 */
export async function adjustCampaign(tx: Sql, campaignSid: string, finished: number, requeuedSeqs: number[]): Promise<void> {
  if (requeuedSeqs.length > 0) {
    await tx.query(`UPDATE dispatch_campaigns SET claim_cursor = LEAST(claim_cursor, $2::int) WHERE campaign_sid = $1`, [campaignSid, Math.min(...requeuedSeqs)]);
  }
  if (finished > 0) {
    await tx.query(
      `INSERT INTO dispatch_progress (campaign_sid, slot, finished) VALUES ($1, $2, $3)
       ON CONFLICT (campaign_sid, slot) DO UPDATE SET finished = dispatch_progress.finished + EXCLUDED.finished`,
      [campaignSid, Math.floor(Math.random() * PROGRESS_SLOTS), finished],
    );
  }
}

/**
 * Claims that no live instance holds: released by their holder, or whose holder's lease ran out;
 * and this instance's own claims that it does not know of (`lost`): the claim committed but its
 * result never reached the claimer (the connection broke at that moment), so none of its sends was
 * written.
 */
export function claimsInDoubt(
  sql: Sql,
  leaseMs: number,
  limit: number,
  me: { instanceId: string; activeClaimIds: string[]; lostAfterMs: number },
): Promise<{ id: string; campaign_sid: string; seq_lo: number; seq_hi: number; claimed_at: Date; lost: boolean; channel: Channel }[]> {
  return sql.query(
    `SELECT c.id, c.campaign_sid, c.seq_lo, c.seq_hi, c.claimed_at,
       (c.instance_id = $3 AND NOT c.released) AS lost,
       coalesce((SELECT d.channel FROM dispatch_campaigns d WHERE d.campaign_sid = c.campaign_sid), 'sms') AS channel
     FROM dispatch_claims c LEFT JOIN dispatch_instances i USING (instance_id)
     WHERE NOT (c.instance_id = $3 AND c.id = ANY($4::bigint[])) -- what this process is working on is its own to settle
       AND (c.released OR i.heartbeat_at IS NULL OR i.heartbeat_at < now() - ($1::int * interval '1 millisecond')
            OR (c.instance_id = $3 AND c.claimed_at < now() - ($5::int * interval '1 millisecond')))
     ORDER BY c.id LIMIT $2`,
    [leaseMs, limit, me.instanceId, me.activeClaimIds, me.lostAfterMs],
  );
}

/** The sends of a claim still in flight. */
export function sendsOfClaim(sql: Sql, claim: { id: string; campaign_sid: string; seq_lo: number; seq_hi: number }): Promise<{ msisdn: string; seq: number }[]> {
  return sql.query(`SELECT msisdn, seq FROM sends WHERE campaign_sid = $1 AND seq >= $2 AND seq < $3 AND claim_id = $4 AND state = 'sending' ORDER BY seq`, [
    claim.campaign_sid,
    claim.seq_lo,
    claim.seq_hi,
    claim.id,
  ]);
}

/** Keeps this instance's lease: its claims are not in doubt while it beats. */
export async function heartbeat(sql: Sql, instanceId: string): Promise<void> {
  await sql.query(`INSERT INTO dispatch_instances (instance_id, heartbeat_at) VALUES ($1, now()) ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now()`, [instanceId]);
}

/** Instances gone for an hour are forgotten (their claims are settled long before). */
export async function forgetInstances(sql: Sql): Promise<void> {
  await sql.query(`DELETE FROM dispatch_instances WHERE heartbeat_at < now() - interval '1 hour'`);
}

/**
 * Receipts, matched by the carrier's message id together with the number, through an index.
 * Applied ones change their send; the rest (a receipt that overtook its send's answer, or a repeat)
 * wait in receipts_pending for the pending pass. Returns the applied rows.
 */
export async function applyReceipts(tx: Sql, receipts: { messageId: string; msisdn: string; state: string }[]): Promise<OutcomeRow[]> {
  if (receipts.length === 0) return [];
  // Each receipt probes the index for its own send (LATERAL … LIMIT 1). The plain join let the
  // planner, trusting statistics taken before the campaign had any message ids, hash every 'sent'
  // row of the table for each batch: 27 ms → 660 ms per batch as a campaign reached 500,000 sent.
  const applied = await tx.query<OutcomeRow>(
    `UPDATE sends s SET state = m.state
     FROM (SELECT t.campaign_sid, t.seq, x.state FROM unnest($1::text[], $2::text[], $3::text[]) AS x(mid, msisdn, state)
           CROSS JOIN LATERAL (SELECT campaign_sid, seq FROM sends WHERE carrier_message_id = x.mid AND msisdn = x.msisdn AND state = 'sent' LIMIT 1) t) m
     WHERE s.campaign_sid = m.campaign_sid AND s.seq = m.seq AND s.state = 'sent'
     RETURNING s.campaign_sid, s.msisdn, s.state, s.carrier_message_id, s.error_code`,
    [receipts.map((r) => r.messageId), receipts.map((r) => r.msisdn), receipts.map((r) => r.state)],
  );
  await countTransitions(tx, 'sent', applied);
  if (applied.length === receipts.length) return applied;
  const done = new Set(applied.map((r) => `${r.carrier_message_id} ${r.msisdn}`));
  const rest = receipts.filter((r) => !done.has(`${r.messageId} ${r.msisdn}`));
  // Kept without looking for their send again: its answer may commit between the statements, and
  // the pending pass applies it then (or drops it as a repeat when the send is already past 'sent').
  await tx.query(
    `INSERT INTO receipts_pending (carrier_message_id, msisdn, state)
     SELECT x.mid, x.msisdn, x.state FROM unnest($1::text[], $2::text[], $3::text[]) AS x(mid, msisdn, state)
     ON CONFLICT DO NOTHING`,
    [rest.map((r) => r.messageId), rest.map((r) => r.msisdn), rest.map((r) => r.state)],
  );
  return applied;
}

/** Pending receipts whose send now has its message id are applied; ones past their time are dropped. */
export async function applyPendingReceipts(tx: Sql, keepMs: number, limit: number): Promise<{ applied: OutcomeRow[]; dropped: number }> {
  // Nearly always empty: then the join below is not worth planning at all.
  if ((await tx.query('SELECT 1 FROM receipts_pending LIMIT 1')).length === 0) return { applied: [], dropped: 0 };
  const matched = await tx.query<OutcomeRow & { pending_state: string }>(
    // Probes per receipt, as in applyReceipts: never a join the planner could turn into a scan of sends.
    `WITH m AS (
       SELECT p.pid, t.campaign_sid, t.seq, p.state
       FROM (SELECT ctid AS pid, carrier_message_id, msisdn, state FROM receipts_pending ORDER BY received_at LIMIT $1) p
       CROSS JOIN LATERAL (SELECT campaign_sid, seq FROM sends WHERE carrier_message_id = p.carrier_message_id AND msisdn = p.msisdn LIMIT 1) t),
     d AS (DELETE FROM receipts_pending WHERE ctid IN (SELECT pid FROM m))
     UPDATE sends s SET state = m.state FROM m
     WHERE s.campaign_sid = m.campaign_sid AND s.seq = m.seq AND s.state = 'sent'
     RETURNING s.campaign_sid, s.msisdn, s.state, s.carrier_message_id, s.error_code`,
    [limit],
  );
  await countTransitions(tx, 'sent', matched);
  const dropped = await tx.query(`DELETE FROM receipts_pending WHERE received_at < now() - ($1::int * interval '1 millisecond') RETURNING 1`, [keepMs]);
  return { applied: matched, dropped: dropped.length };
}

/** The recipient fields of claimed sends of a personalised campaign, by seq. */
export async function fieldsOfSends(sql: Sql, campaignSid: string, seqs: number[]): Promise<Map<number, RecipientFields | null>> {
  const rows = await sql.query<{ seq: number; name: string | null; custom1: string | null; custom2: string | null }>(
    'SELECT seq, name, custom1, custom2 FROM sends WHERE campaign_sid = $1 AND seq = ANY($2::int[])',
    [campaignSid, seqs],
  );
  return new Map(
    rows.map((r) => [r.seq, r.name === null && r.custom1 === null && r.custom2 === null ? null : { name: r.name ?? undefined, custom1: r.custom1 ?? undefined, custom2: r.custom2 ?? undefined }]),
  );
}

/** Rows read per page when summing a personalised campaign's credits. */
const CREDIT_PAGE_ROWS = 10_000;

/**
 * What a personalised campaign used: each send the carrier took (`charged`) costs the segments of
 * its own text, rendered from the body exactly as the sender rendered it. Read in pages of seq, so
 * a campaign of any size costs one page of memory.
 */
export async function personalisedCredits(sql: Sql, campaignSid: string, body: string, charged: readonly string[]): Promise<number> {
  let credits = 0;
  let after = -1;
  for (;;) {
    const rows = await sql.query<{ seq: number; name: string | null; custom1: string | null; custom2: string | null }>(
      `SELECT seq, name, custom1, custom2 FROM sends WHERE campaign_sid = $1 AND seq > $2 AND state = ANY($3::text[]) AND (error_code IS NULL OR error_code <> ALL($5::text[])) ORDER BY seq LIMIT $4`,
      [campaignSid, after, charged, CREDIT_PAGE_ROWS, UNSENT_EXPIRY_CODES],
    );
    for (const r of rows) credits += segmentsFor(fillTemplate(body, { name: r.name ?? undefined, custom1: r.custom1 ?? undefined, custom2: r.custom2 ?? undefined }));
    if (rows.length < CREDIT_PAGE_ROWS) return credits;
    after = rows[rows.length - 1].seq;
  }
}

/** Campaigns whose every send is final, not yet reported. */
export function finishedCampaigns(sql: Sql): Promise<{ campaign_sid: string }[]> {
  return sql.query(`SELECT campaign_sid FROM dispatch_campaigns c WHERE status = 'sending' AND ${FINISHED_SQL} >= accepted_count LIMIT 100`);
}

/** Scheduled campaigns whose time has come and whose every accepted recipient has arrived. */
export function dueCampaigns(sql: Sql): Promise<{ campaign_sid: string; trace_headers: Record<string, string> }[]> {
  return sql.query(
    `SELECT c.campaign_sid, c.trace_headers FROM dispatch_campaigns c JOIN dispatch_intake i USING (campaign_sid)
     WHERE c.status = 'scheduled' AND (c.start_time IS NULL OR c.start_time <= now()) AND i.loaded >= c.accepted_count
     LIMIT 100`,
  );
}

/** The key of final counts for the sends skipped at send time (part of 'opted-out', which also has those filtered at creation). */
export const OPTED_OUT_AT_SEND = 'opted-out-at-send';

/**
 * The campaign's final count by state: read once, when it completes (or when asked again).
 * 'opted-out' counts every opted-out recipient, as before; OPTED_OUT_AT_SEND those of them the
 * claim skipped (accepted ones: seq ≥ 0), which the campaign's dispatch counts show.
 */
export async function countsByState(sql: Sql, campaignSid: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const r of await sql.query<{ state: string; n: number; accepted: number }>(
    'SELECT state, count(*)::int AS n, count(*) FILTER (WHERE seq >= 0)::int AS accepted FROM sends WHERE campaign_sid = $1 GROUP BY state',
    [campaignSid],
  )) {
    counts[r.state] = r.n;
    if (r.state === 'opted-out' && r.accepted > 0) counts[OPTED_OUT_AT_SEND] = r.accepted;
  }
  return counts;
}

/** The opted-out recipients of a campaign (negative seq), in pages. */
export function optedOutNumbers(sql: Sql, campaignSid: string): Promise<{ msisdn: string }[]> {
  return sql.query(`SELECT msisdn FROM sends WHERE campaign_sid = $1 AND seq < 0 ORDER BY seq DESC`, [campaignSid]);
}

/** Error codes of sends expired before they were ever submitted (the campaign failed or was cancelled): never charged. */
export const UNSENT_EXPIRY_CODES: readonly string[] = ['campaign-failed', 'campaign-cancelled'];

/**
 * A campaign failed (or was cancelled) while sending or paused: what was not sent yet expires, and
 * counts as finished. That includes sends deferred to their recipient's quiet-hours opening: left
 * 'deferred', they would never finish, and the campaign would never complete nor settle its credits.
 */
export async function expireQueued(tx: Sql, campaignSid: string, errorCode = 'campaign-failed'): Promise<OutcomeRow[]> {
  const rows = await tx.query<OutcomeRow>(
    `UPDATE sends s SET state = 'expired', error_code = $2, not_before = NULL FROM dispatch_campaigns c
     WHERE c.campaign_sid = $1 AND c.status IN ('sending', 'paused') AND s.campaign_sid = c.campaign_sid AND s.seq >= 0 AND s.state IN ('queued', 'deferred')
     RETURNING s.campaign_sid, s.msisdn, s.state, s.carrier_message_id, s.error_code`,
    [campaignSid, errorCode],
  );
  await adjustCampaign(tx, campaignSid, rows.length, []);
  await countTransitions(tx, 'queued', rows);
  return rows;
}

/** The error code of a voice campaign's calls while no voice carrier exists. */
export const NO_VOICE_CARRIER = 'no-voice-carrier';

/** Every queued send of a sending campaign fails with `errorCode` (not charged) and counts as finished. */
export async function failQueued(tx: Sql, campaignSid: string, errorCode: string): Promise<OutcomeRow[]> {
  const rows = await tx.query<OutcomeRow>(
    `UPDATE sends s SET state = 'failed', error_code = $2 FROM dispatch_campaigns c
     WHERE c.campaign_sid = $1 AND c.status = 'sending' AND s.campaign_sid = c.campaign_sid AND s.seq >= 0 AND s.state = 'queued'
     RETURNING s.campaign_sid, s.msisdn, s.state, s.carrier_message_id, s.error_code`,
    [campaignSid, errorCode],
  );
  await adjustCampaign(tx, campaignSid, rows.length, []);
  return rows;
}

/**
 * Publishes outcomes as batch messages (one outbox row per OUTCOMES_PER_BATCH_MAX recipients); the
 * outbox relay puts one RecipientOutcomeRecorded record per recipient on campaign.deliveries.v1.
 */
export function publishOutcomes(
  tx: Tx,
  campaignSid: string,
  enterpriseSid: string,
  rows: Pick<OutcomeRow, 'msisdn' | 'state' | 'carrier_message_id' | 'error_code'>[],
  causedBy?: Message,
  /** The campaign's trace, for outcomes recorded outside it (the sender's answers, receipts, timers). */
  traceHeaders?: Record<string, string>,
): void {
  const occurredAt = new Date().toISOString();
  for (let i = 0; i < rows.length; i += OUTCOMES_PER_BATCH_MAX) {
    const items: RecipientOutcome[] = rows.slice(i, i + OUTCOMES_PER_BATCH_MAX).map((r) => ({
      campaignSid,
      enterpriseSid,
      to: r.msisdn,
      status: r.state as RecipientOutcome['status'],
      carrierMessageId: r.carrier_message_id,
      errorCode: r.error_code,
      occurredAt,
    }));
    tx.publish(TOPIC.campaignDeliveries, campaignSid, message('RecipientOutcomesRecorded', { itemType: 'RecipientOutcomeRecorded', items }, causedBy ? { causedBy } : {}), traceHeaders);
  }
}

/** Outcomes of rows from several campaigns (receipts, in-doubt settling), grouped per campaign. */
export async function publishGrouped(tx: Tx, rows: OutcomeRow[]): Promise<void> {
  if (rows.length === 0) return;
  const sids = [...new Set(rows.map((r) => r.campaign_sid))];
  const owners = new Map<string, { enterprise_sid: string; trace_headers: Record<string, string> }>(
    (
      await tx.query<{ campaign_sid: string; enterprise_sid: string; trace_headers: Record<string, string> }>(
        'SELECT campaign_sid, enterprise_sid, trace_headers FROM dispatch_campaigns WHERE campaign_sid = ANY($1::text[])',
        [sids],
      )
    ).map((r) => [r.campaign_sid, r]),
  );
  for (const sid of sids)
    publishOutcomes(
      tx,
      sid,
      owners.get(sid)?.enterprise_sid ?? '',
      rows.filter((r) => r.campaign_sid === sid),
      undefined,
      owners.get(sid)?.trace_headers,
    );
}

/**
 * Rows of campaigns finished longer ago than the retention are deleted, a bounded number per call,
 * so the sends table holds live campaigns and recent history only.
 */
export async function pruneFinished(sql: Sql, retentionMs: number, rowsMax: number): Promise<number> {
  const rows = await sql.query(
    `DELETE FROM sends WHERE ctid IN (
       SELECT s.ctid FROM dispatch_campaigns c JOIN sends s USING (campaign_sid)
       WHERE c.status IN ('completed', 'cancelled', 'failed') AND c.updated_at < now() - ($1::bigint * interval '1 millisecond')
       LIMIT $2)
     RETURNING 1`,
    [retentionMs, rowsMax],
  );
  if (rows.length < rowsMax) {
    // Once their sends are gone, the campaign's other bookkeeping rows go too.
    for (const table of ['dispatch_progress', 'dispatch_intake', 'dispatch_claims', 'dispatch_batches']) {
      await sql.query(
        `DELETE FROM ${table} t USING dispatch_campaigns d WHERE d.campaign_sid = t.campaign_sid AND d.status IN ('completed', 'cancelled', 'failed') AND d.updated_at < now() - ($1::bigint * interval '1 millisecond')`,
        [retentionMs],
      );
    }
  }
  return rows.length;
}

/** A grant of the shared cap: messages granted, the slot they came from, and how long until the next slot. */
export interface RateGrant {
  granted: number;
  slot: number;
  waitMs: number;
}

/**
 * Grants up to `want` messages of `unit` PDUs each from the carrier's current 100 ms slot, in one
 * statement that every instance runs against the same row, on the database's clock (so instances
 * agree on the slot whatever their own clocks say). The slot's quota is `slotQuota` of rate.ts,
 * written again here: ⌊cap·(r+1)/10⌋ − ⌊cap·r/10⌋ for r = slot mod 10. A message larger than a whole slot's
 * quota (a long text at a tiny cap) is granted alone in an unused slot, or it could never go.
 */
export async function grantRate(sql: Sql, carrier: string, capPerSecond: number, want: number, unit: number): Promise<RateGrant> {
  // Messages granted from `avail` PDUs of the slot, `used` of which are spent already.
  const grant = (avail: string, used: string) => `CASE WHEN ${avail} >= $4 THEN LEAST($3, ${avail} / $4) WHEN ${used} = 0 AND ${avail} > 0 THEN 1 ELSE 0 END`;
  const [row] = await sql.query<{ granted: number; slot: string; wait_ms: string }>(
    `WITH s AS (SELECT floor(extract(epoch FROM clock_timestamp()) * 10)::bigint AS slot),
     q AS (SELECT slot, (($2::bigint * (slot % 10 + 1)) / 10 - ($2::bigint * (slot % 10)) / 10)::int AS quota FROM s),
     g AS (SELECT slot, quota, ${grant('quota', '0')} AS granted FROM q)
     INSERT INTO dispatch_rate_slots AS r (carrier, slot, quota, used, granted)
     SELECT $1, slot, quota, granted * $4, granted FROM g
     ON CONFLICT (carrier) DO UPDATE SET
       granted = CASE WHEN r.slot = EXCLUDED.slot THEN ${grant('(r.quota - r.used)', 'r.used')} ELSE EXCLUDED.granted END,
       used = CASE WHEN r.slot = EXCLUDED.slot THEN r.used + ${grant('(r.quota - r.used)', 'r.used')} * $4 ELSE EXCLUDED.used END,
       quota = EXCLUDED.quota,
       slot = EXCLUDED.slot
     RETURNING granted, slot, ((slot + 1) * 100 - floor(extract(epoch FROM clock_timestamp()) * 1000))::bigint AS wait_ms`,
    [carrier, capPerSecond, want, unit],
  );
  return { granted: row.granted, slot: Number(row.slot), waitMs: Math.max(1, Number(row.wait_ms)) };
}
