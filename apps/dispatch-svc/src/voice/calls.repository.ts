import type { Tx } from '@clarion/platform';
import type { VoiceCallSettings } from '@clarion/contracts';
import type { CallStatus } from '@clarion/voice';
import { adjustCampaign, type OutcomeRow, type Sql } from '../sending/sends.repository';
import { CALLING } from '../sending/send.decider';
import { countTransitions } from '../sending/state-counts';
import { enqueueWebhooks } from '../webhooks/webhooks';
import { afterCall } from './call.decider';
import { callScheduleBody, callStatusBody, webhooksOf, type CallWebhook } from './webhook-bodies';

/**
 * Calls the carrier took (their answers recorded 'calling' in the same transaction): each send
 * counts its call, and the attempt is kept for the call details. The attempt's unique call sid is
 * the gate: a call recorded twice (its answer, and its outcome adopting a lost answer) counts once.
 */
export async function recordCallsPlaced(tx: Sql, campaignSid: string, placed: { seq: number; callSid: string }[]): Promise<void> {
  if (placed.length === 0) return;
  await tx.query(
    `WITH ins AS (
       INSERT INTO call_attempts (campaign_sid, seq, attempt, msisdn, call_sid)
       SELECT $1, s.seq, s.calls + 1, s.msisdn, x.sid FROM unnest($2::int[], $3::text[]) AS x(seq, sid)
       JOIN sends s ON s.campaign_sid = $1 AND s.seq = x.seq AND s.carrier_message_id = x.sid
       ON CONFLICT (call_sid) DO NOTHING RETURNING seq)
     UPDATE sends SET calls = calls + 1 FROM ins WHERE sends.campaign_sid = $1 AND sends.seq = ins.seq`,
    [campaignSid, placed.map((p) => p.seq), placed.map((p) => p.callSid)],
  );
}

/**
 * Outcomes of calls whose answer never reached Clarion (a timeout, or a crash between the request
 * and its recording): their send is still 'sending'. The reference the callback URL carried names
 * it, so it takes the call as placed, and the outcome then applies as to any other call. Returns
 * how many were adopted.
 */
async function adoptLostCalls(tx: Sql, outcomes: CallOutcomeInput[]): Promise<number> {
  const refs = outcomes.flatMap((o) => {
    const m = o.reference ? /^(CP[0-9a-f]{32}):(\d+)$/.exec(o.reference) : null;
    return m ? [{ campaignSid: m[1], seq: Number(m[2]), o }] : [];
  });
  if (refs.length === 0) return 0;
  const adopted = await tx.query<{ campaign_sid: string; seq: number; sid: string }>(
    `UPDATE sends s SET state = '${CALLING}', carrier_message_id = x.sid
     FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) AS x(campaign, seq, msisdn, sid)
     WHERE s.campaign_sid = x.campaign AND s.seq = x.seq AND s.msisdn = x.msisdn AND s.state = 'sending'
     RETURNING s.campaign_sid, s.seq, x.sid`,
    [refs.map((r) => r.campaignSid), refs.map((r) => r.seq), refs.map((r) => r.o.msisdn), refs.map((r) => r.o.callSid)],
  );
  for (const sid of new Set(adopted.map((a) => a.campaign_sid)))
    await recordCallsPlaced(
      tx,
      sid,
      adopted.filter((a) => a.campaign_sid === sid).map((a) => ({ seq: a.seq, callSid: a.sid })),
    );
  return adopted.length;
}

export interface CallOutcomeInput {
  callSid: string;
  msisdn: string;
  status: CallStatus;
  durationSeconds: number | null;
  /** When Clarion received it (kept while it waits for its call's answer). */
  receivedAt?: Date;
  /** The send it was placed for (`{campaignSid}:{seq}`), from the callback URL. */
  reference?: string | null;
}

export interface CallSettings {
  nowMs: number;
  minuteMs: number;
  /** An outcome whose call is not known yet is kept this long, then dropped. */
  pendingKeepMs: number;
}

interface CallRow {
  campaign_sid: string;
  seq: number;
  msisdn: string;
  calls: number;
  call_sid: string;
  voice: VoiceCallSettings | null;
}

/**
 * Final call statuses, applied in the caller's transaction: each number is delivered, undelivered
 * or expired, or deferred to its retry (call.decider.ts). Only a send still 'calling' under that
 * call sid changes, so a repeated callback changes nothing. Outcomes that overtook their call's
 * answer wait in call_outcomes_pending. Returns the numbers that reached a final state, for publishing.
 */
export async function applyCallOutcomes(tx: Tx, outcomes: CallOutcomeInput[], settings: CallSettings): Promise<OutcomeRow[]> {
  if (outcomes.length === 0) return [];
  await adoptLostCalls(tx, outcomes);
  const found = await tx.query<CallRow>(
    `SELECT s.campaign_sid, s.seq, s.msisdn, s.calls, s.carrier_message_id AS call_sid, c.voice
     FROM unnest($1::text[], $2::text[]) AS x(sid, msisdn)
     CROSS JOIN LATERAL (SELECT campaign_sid, seq, msisdn, calls, carrier_message_id FROM sends
                         WHERE carrier_message_id = x.sid AND msisdn = x.msisdn AND state = '${CALLING}' LIMIT 1) s
     JOIN dispatch_campaigns c ON c.campaign_sid = s.campaign_sid`,
    [outcomes.map((o) => o.callSid), outcomes.map((o) => o.msisdn)],
  );
  const byCall = new Map(found.map((r) => [r.call_sid, r]));
  const decided = outcomes.flatMap((o) => {
    const row = byCall.get(o.callSid);
    if (!row) return [];
    const options = row.voice?.options ?? null;
    const endAtMs = options?.endAt ? Date.parse(options.endAt) : null;
    return [{ o, row, next: afterCall(o.status, { calls: row.calls, retries: options?.retries ?? null, endAtMs, nowMs: settings.nowMs, minuteMs: settings.minuteMs }) }];
  });
  // Only what is still 'calling' moves: of two deliveries of one callback, the second finds nothing.
  const moved = decided.length
    ? await tx.query<{ campaign_sid: string; seq: number; state: string }>(
        `UPDATE sends s SET state = x.state, error_code = x.err, not_before = CASE WHEN x.nb IS NULL THEN NULL ELSE to_timestamp(x.nb / 1000.0) END
         FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::float8[]) AS x(sid, seq, state, err, nb)
         WHERE s.campaign_sid = x.sid AND s.seq = x.seq AND s.state = '${CALLING}'
         RETURNING s.campaign_sid, s.seq, s.state`,
        [
          decided.map((d) => d.row.campaign_sid),
          decided.map((d) => d.row.seq),
          decided.map((d) => d.next.state),
          decided.map((d) => (d.next.state === 'deferred' ? null : d.next.errorCode)),
          decided.map((d) => (d.next.state === 'deferred' ? d.next.notBeforeMs : null)),
        ],
      )
    : [];
  const applied = new Set(moved.map((m) => `${m.campaign_sid}:${m.seq}`));
  const done = decided.filter((d) => applied.has(`${d.row.campaign_sid}:${d.row.seq}`));
  if (done.length > 0) {
    await tx.query(
      `UPDATE call_attempts a SET status = x.status, duration_seconds = x.dur, ended_at = now()
       FROM unnest($1::text[], $2::text[], $3::int[]) AS x(sid, status, dur) WHERE a.call_sid = x.sid`,
      [done.map((d) => d.o.callSid), done.map((d) => d.o.status), done.map((d) => d.o.durationSeconds)],
    );
  }
  const finals: OutcomeRow[] = done.flatMap((d) =>
    d.next.state === 'deferred' ? [] : [{ campaign_sid: d.row.campaign_sid, msisdn: d.row.msisdn, state: d.next.state, carrier_message_id: d.o.callSid, error_code: d.next.errorCode }],
  );
  for (const sid of new Set(finals.map((f) => f.campaign_sid))) await adjustCampaign(tx, sid, finals.filter((f) => f.campaign_sid === sid).length, []);
  await countTransitions(tx, CALLING, finals);

  const hooks: CallWebhook[] = [];
  for (const d of done) {
    const w = webhooksOf(d.row.voice);
    if (!w) continue;
    const base = { campaignSid: d.row.campaign_sid, signingKey: w.signingKey };
    if (w.urls.callStatusCallback)
      hooks.push({ ...base, url: w.urls.callStatusCallback, kind: 'call-status', body: callStatusBody(d.row.campaign_sid, d.row.msisdn, d.row.calls, d.o, w.customField) });
    if (w.urls.callScheduleCallback && d.next.state !== 'deferred')
      hooks.push({ ...base, url: w.urls.callScheduleCallback, kind: 'call-schedule', body: callScheduleBody(d.row.campaign_sid, d.row.msisdn, d.row.calls, d.next.state, d.o.status, w.customField) });
  }
  await enqueueWebhooks(tx, hooks);

  const unmatched = outcomes.filter((o) => !byCall.has(o.callSid) && (!o.receivedAt || settings.nowMs - o.receivedAt.getTime() < settings.pendingKeepMs));
  if (unmatched.length > 0) {
    await tx.query(
      `INSERT INTO call_outcomes_pending (call_sid, msisdn, status, duration_seconds, reference, received_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[]) ON CONFLICT DO NOTHING`,
      [
        unmatched.map((o) => o.callSid),
        unmatched.map((o) => o.msisdn),
        unmatched.map((o) => o.status),
        unmatched.map((o) => o.durationSeconds),
        unmatched.map((o) => o.reference ?? null),
        unmatched.map((o) => (o.receivedAt ?? new Date(settings.nowMs)).toISOString()),
      ],
    );
  }
  return finals;
}

/** Outcomes that waited for their call's answer are tried again (oldest first); those past their time are dropped. */
export async function applyPendingCallOutcomes(tx: Tx, settings: CallSettings, limit: number): Promise<OutcomeRow[]> {
  const rows = await tx.query<{ call_sid: string; msisdn: string; status: CallStatus; duration_seconds: number | null; reference: string | null; received_at: Date }>(
    `DELETE FROM call_outcomes_pending WHERE call_sid IN (SELECT call_sid FROM call_outcomes_pending ORDER BY received_at LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING *`,
    [limit],
  );
  return applyCallOutcomes(
    tx,
    rows.map((r) => ({ callSid: r.call_sid, msisdn: r.msisdn, status: r.status, durationSeconds: r.duration_seconds, reference: r.reference, receivedAt: new Date(r.received_at) })),
    settings,
  );
}

/**
 * Calls whose outcome never came (the carrier lost the callback, or it was refused while Clarion
 * was down and never sent again): after `timeoutMs` their number is final as 'unknown', so the
 * campaign can complete. Never called again: the call may well have been answered.
 */
export async function expireSilentCalls(tx: Tx, timeoutMs: number, limit: number): Promise<OutcomeRow[]> {
  const rows = await tx.query<OutcomeRow>(
    `UPDATE sends s SET state = 'unknown', error_code = 'no-call-outcome'
     WHERE (s.campaign_sid, s.seq) IN (SELECT campaign_sid, seq FROM sends WHERE state = '${CALLING}' AND claimed_at < now() - ($1::int * interval '1 millisecond') LIMIT $2)
       AND s.state = '${CALLING}'
     RETURNING s.campaign_sid, s.msisdn, s.state, s.carrier_message_id, s.error_code`,
    [timeoutMs, limit],
  );
  for (const sid of new Set(rows.map((r) => r.campaign_sid))) await adjustCampaign(tx, sid, rows.filter((r) => r.campaign_sid === sid).length, []);
  await countTransitions(tx, CALLING, rows);
  if (rows.length > 0) await tx.query(`UPDATE call_attempts SET status = 'unknown', ended_at = now() WHERE call_sid = ANY($1::text[]) AND ended_at IS NULL`, [rows.map((r) => r.carrier_message_id)]);
  return rows;
}

/** Calls of a campaign still under way (placed, no outcome), for hanging them up at end_at. */
export async function callsUnderWay(sql: Sql, campaignSid: string): Promise<string[]> {
  const rows = await sql.query<{ sid: string }>(`SELECT carrier_message_id AS sid FROM sends WHERE campaign_sid = $1 AND state = '${CALLING}'`, [campaignSid]);
  return rows.map((r) => r.sid);
}

/** Calls placed for a campaign's numbers, every retry included: what a voice campaign is charged. */
export async function callsPlaced(sql: Sql, campaignSid: string): Promise<number> {
  const [r] = await sql.query<{ n: number }>('SELECT coalesce(sum(calls), 0)::int AS n FROM sends WHERE campaign_sid = $1', [campaignSid]);
  return r.n;
}

/** A page of a campaign's call attempts, by number then attempt. */
export async function callDetails(sql: Sql, campaignSid: string, offset: number, limit: number) {
  const [{ total }] = await sql.query<{ total: number }>('SELECT count(*)::int AS total FROM call_attempts WHERE campaign_sid = $1', [campaignSid]);
  const data = await sql.query<{ msisdn: string; attempt: number; call_sid: string; status: string; duration_seconds: number | null; started_at: Date; ended_at: Date | null }>(
    'SELECT msisdn, attempt, call_sid, status, duration_seconds, started_at, ended_at FROM call_attempts WHERE campaign_sid = $1 ORDER BY msisdn, seq, attempt OFFSET $2 LIMIT $3',
    [campaignSid, offset, limit],
  );
  return { total, data };
}

/** Whether a voice campaign places calls now: running (not paused, not ended) and inside its window. */
export async function stillCalling(sql: Sql, campaignSid: string): Promise<boolean> {
  const [r] = await sql.query<{ open: boolean }>(
    `SELECT status = 'sending' AND NOT coalesce((voice ->> 'ended')::boolean, false)
            AND ((voice -> 'options' ->> 'endAt') IS NULL OR (voice -> 'options' ->> 'endAt')::timestamptz > now()) AS open
     FROM dispatch_campaigns WHERE campaign_sid = $1`,
    [campaignSid],
  );
  return r?.open === true;
}
