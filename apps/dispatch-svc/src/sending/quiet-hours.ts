import { QuietHoursCheck, type QuietHoursPolicy } from '@clarion/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Platform } from '@clarion/platform';
import { clockFromEnv } from './clock';
import { recordAnswers, type Claim, type ClaimedSend, type SendingCampaign, type Sql } from './sends.repository';

/**
 * Quiet hours on the send path: after a claim and before any submit, the sends whose recipient's
 * local window is closed are held back as 'deferred' (not final: the campaign waits for them) with
 * the instant their window opens (`not_before`), their attempt given back; a timer puts the due
 * ones back to 'queued' and rewinds the campaign's claim cursor to them, so they are claimed again
 * at the opening. Nothing is dropped.
 */

/** Checks kept per campaign: running campaigns only (the sender reads at most 20 at once). */
const CHECKS_MAX = 64;
const checks = new Map<string, { policy: QuietHoursPolicy; check: QuietHoursCheck }>();

/** The quiet-hours clock (DISPATCH_CLOCK_START, clock.ts), read once at start. */
export const quietClock = clockFromEnv();

const countryOf = (e164: string): string | null => parsePhoneNumberFromString(e164)?.country ?? null;

/**
 * Splits a claim's sends into those that may go now and those deferred (with their opening).
 * `policy` null: no quiet hours apply (none set, or the campaign asked ignoreQuietHours=true).
 */
export function splitByQuietHours(campaignSid: string, policy: QuietHoursPolicy | null, sends: ClaimedSend[], nowMs: number): { now: ClaimedSend[]; later: { seq: number; notBefore: number }[] } {
  if (!policy) return { now: sends, later: [] };
  let entry = checks.get(campaignSid);
  if (!entry || entry.policy !== policy) {
    if (checks.size >= CHECKS_MAX) checks.clear();
    checks.set(campaignSid, (entry = { policy, check: new QuietHoursCheck(policy, countryOf) }));
  }
  const now: ClaimedSend[] = [];
  const later: { seq: number; notBefore: number }[] = [];
  for (const s of sends) {
    const at = entry.check.sendableAt(s.msisdn, nowMs);
    if (at > nowMs) later.push({ seq: s.seq, notBefore: at });
    else now.push(s);
  }
  return { now, later };
}

/** The claimed sends held back: 'deferred' until their opening, the claim's attempt given back. One statement. */
export async function deferSends(sql: Sql, campaignSid: string, claimId: string, later: { seq: number; notBefore: number }[]): Promise<number> {
  if (later.length === 0) return 0;
  const rows = await sql.query(
    `UPDATE sends s SET state = 'deferred', not_before = to_timestamp(x.nb / 1000.0), attempts = s.attempts - 1
     FROM unnest($3::int[], $4::float8[]) AS x(seq, nb)
     WHERE s.campaign_sid = $1 AND s.seq = x.seq AND s.claim_id = $2 AND s.state = 'sending'
     RETURNING 1`,
    [campaignSid, claimId, later.map((l) => l.seq), later.map((l) => l.notBefore)],
  );
  return rows.length;
}

/**
 * Deferred sends whose opening has come (on the quiet-hours clock, `nowMs`) go back to 'queued', and
 * each campaign's claim cursor back to the first of them, at most `limit` a call.
 */
export async function releaseDueDeferred(sql: Sql, nowMs: number, limit: number): Promise<number> {
  const rows = await sql.query<{ campaign_sid: string; lo: number; n: number }>(
    `WITH due AS (
       SELECT s.campaign_sid, s.seq FROM dispatch_campaigns c JOIN sends s USING (campaign_sid)
       WHERE c.status = 'sending' AND s.state = 'deferred' AND s.not_before <= to_timestamp($1 / 1000.0) LIMIT $2),
     moved AS (
       UPDATE sends s SET state = 'queued', not_before = NULL FROM due
       WHERE s.campaign_sid = due.campaign_sid AND s.seq = due.seq AND s.state = 'deferred'
       RETURNING s.campaign_sid, s.seq)
     SELECT campaign_sid, min(seq)::int AS lo, count(*)::int AS n FROM moved GROUP BY campaign_sid`,
    [nowMs, limit],
  );
  for (const r of rows) await sql.query('UPDATE dispatch_campaigns SET claim_cursor = LEAST(claim_cursor, $2::int) WHERE campaign_sid = $1', [r.campaign_sid, r.lo]);
  return rows.reduce((a, r) => a + r.n, 0);
}

/** How many of a campaign's recipients are deferred, and until when (the earliest and latest openings). */
export async function deferredOf(sql: Sql, campaignSid: string): Promise<{ deferred: number; earliest: Date | null; latest: Date | null }> {
  const [r] = await sql.query<{ n: number; earliest: Date | null; latest: Date | null }>(
    `SELECT count(*)::int AS n, min(not_before) AS earliest, max(not_before) AS latest FROM sends WHERE campaign_sid = $1 AND state = 'deferred'`,
    [campaignSid],
  );
  return { deferred: r.n, earliest: r.earliest, latest: r.latest };
}

/**
 * The sender's step between a claim and its submit: the claim's deferred sends are recorded, and
 * the claim keeps only what may go now. Returns false when nothing is left to submit (the claim
 * is then given back, as an empty one is).
 */
export async function holdBackForQuietHours(platform: Platform, c: SendingCampaign, claim: Claim): Promise<boolean> {
  const { now, later } = splitByQuietHours(c.campaign_sid, c.quiet_hours ?? null, claim.sends, quietClock.nowMs());
  if (later.length === 0) return true;
  await platform.tx(async (tx) => {
    await deferSends(tx, c.campaign_sid, claim.id, later);
    if (now.length === 0) await recordAnswers(tx, { id: claim.id, campaignSid: c.campaign_sid }, [], 0);
  });
  claim.sends = now;
  return now.length > 0;
}
