/**
 * The send pipeline's statements against the real Postgres: claims by range never overlap, even
 * from concurrent claimers; a send queued again is claimed again and nothing else is; the remaining
 * count is exact; a receipt matches only its own send (by message id and number), also when it
 * overtakes its send's answer.
 */
import type { DataSource } from 'typeorm';
import { openDatabase, runInTx, type Platform } from '@clarion/platform';
import { freshNamespace } from '../../../../test/support/stack';
import { dispatchService } from '../main';
import { FINISHED_SQL, applyPendingReceipts, applyReceipts, claimRange, claimsInDoubt, expireQueued, grantRate, heartbeat, loadBatch, recordAnswers, type Claim } from './sends.repository';
import { deferSends } from './quiet-hours';
import { OptedOutTimer } from './timers/opted-out.timer';
import { slotQuota } from './rate';

describe('sends repository', () => {
  let ds: DataSource;
  const sql = { query: <T = any>(q: string, p: unknown[] = []) => ds.query(q, p) as Promise<T[]> };
  const tx = <T>(work: Parameters<typeof runInTx<T>>[1]) => runInTx(ds, work);

  beforeAll(async () => {
    const ns = await freshNamespace();
    ds = await openDatabase({
      url: ns.databaseUrl,
      schema: 'dispatch', // The service's own list, so a new migration is never missing here.
      migrations: dispatchService.migrations,
    });
  });
  afterAll(async () => ds?.destroy());

  async function campaign(sid: string, numbers: string[], optedOut: string[] = []): Promise<void> {
    await tx((t) => loadBatch(t, sid, 0, numbers, optedOut));
    // A repeated batch (a re-requested filtering) adds nothing.
    await tx((t) => loadBatch(t, sid, 0, numbers, optedOut));
    await sql.query(
      `INSERT INTO dispatch_campaigns (campaign_sid, enterprise_sid, status, body, from_numbers, accepted_count, credits_per_recipient)
       VALUES ($1, 'EN1', 'sending', 'hi', '[]'::jsonb, $2, 1)`,
      [sid, numbers.length],
    );
  }
  const remaining = async (sid: string) => (await sql.query(`SELECT accepted_count - ${FINISHED_SQL} AS n FROM dispatch_campaigns c WHERE campaign_sid = $1`, [sid]))[0].n;
  const states = async (sid: string) => Object.fromEntries((await sql.query('SELECT msisdn, state FROM sends WHERE campaign_sid = $1', [sid])).map((r: any) => [r.msisdn, r.state]));
  // Valid US numbers (area 212, exchanges from 200): no test here needs more than 7,000,000.
  const numbers = (n: number, base = 0) => Array.from({ length: n }, (_, i) => `+1212${2_000_000 + base + i}`);

  it('claims each send once across concurrent claimers, re-claims only what was queued again, and counts down exactly', async () => {
    await campaign('CPclaims', numbers(1000), numbers(100, 5000));
    // Eight claimers race over the campaign in ranges of 50.
    const claims: Claim[] = [];
    const claimer = async () => {
      for (;;) {
        const c = await tx((t) => claimRange(t, 'CPclaims', 50, 'test-instance'));
        if (!c) return;
        claims.push(c);
      }
    };
    await Promise.all(Array.from({ length: 8 }, claimer));
    const claimed = claims.flatMap((c) => c.sends.map((s) => s.msisdn));
    expect(claimed).toHaveLength(1000);
    expect(new Set(claimed).size).toBe(1000); // no send in two claims; no opted-out send claimed
    // Every claim answered: all sent except two throttled ones and one refused for now, which go back
    // to the queue; the throttled ones with their attempt given back.
    const throttled = new Set(claimed.slice(500, 502));
    const requeued = new Set(claimed.slice(500, 503));
    for (const c of claims) {
      await tx((t) =>
        recordAnswers(
          t,
          c,
          c.sends.map((s) => ({
            seq: s.seq,
            state: requeued.has(s.msisdn) ? 'queued' : 'sent',
            messageId: requeued.has(s.msisdn) ? null : `m-${s.msisdn}`,
            errorCode: null,
            attemptGivenBack: throttled.has(s.msisdn),
          })),
          0,
        ),
      );
    }
    expect(await remaining('CPclaims')).toBe(3); // the three queued again are still to send
    const again = await tx((t) => claimRange(t, 'CPclaims', 1000, 'test-instance'));
    expect(again!.sends.map((s) => s.msisdn).sort()).toEqual([...requeued].sort());
    expect(again!.sends.map((s) => [s.msisdn, s.attempts])).toEqual([...requeued].map((n) => [n, throttled.has(n) ? 1 : 2]));
    await tx((t) =>
      recordAnswers(
        t,
        again!,
        again!.sends.map((s) => ({ seq: s.seq, state: 'sent', messageId: `m-${s.msisdn}`, errorCode: null })),
        0,
      ),
    );
    expect(await remaining('CPclaims')).toBe(0);
    expect(await tx((t) => claimRange(t, 'CPclaims', 1000, 'test-instance'))).toBeNull();
    expect((await sql.query(`SELECT count(*)::int AS n FROM dispatch_claims WHERE campaign_sid = 'CPclaims'`))[0].n).toBe(0);
    // An answer repeated for a claim already settled changes nothing.
    const repeat = await tx((t) =>
      recordAnswers(
        t,
        claims[0],
        claims[0].sends.map((s) => ({ seq: s.seq, state: 'failed', messageId: null, errorCode: 'x' })),
        0,
      ),
    );
    expect(repeat).toEqual([]);
    expect(await remaining('CPclaims')).toBe(0);
  });

  it('skips at claim time the numbers on the send-time opt-out list, read as a probe per claimed row even with stale statistics', async () => {
    const listed = numbers(50, 100_000);
    await campaign('CPoptout', [...listed.slice(0, 25), ...numbers(75, 200_000)]);
    // The list grows after its statistics were taken (an upload just consumed, autoanalyze not yet
    // run): the planner must still probe per row, not hash the list (migration 12).
    await sql.query('ANALYZE opt_outs');
    await sql.query(`INSERT INTO opt_outs (enterprise_sid, msisdn) SELECT 'EN1', '+1212' || (3000000 + g) FROM generate_series(0, 49999) g`);
    await sql.query(`INSERT INTO opt_outs (enterprise_sid, msisdn) SELECT 'EN1', unnest($1::text[])`, [listed]);
    // Another enterprise's list changes nothing here.
    await sql.query(`INSERT INTO opt_outs (enterprise_sid, msisdn) SELECT 'EN2', unnest($1::text[])`, [numbers(75, 200_000)]);
    const claimed: string[] = [];
    for (let c = await tx((t) => claimRange(t, 'CPoptout', 40, 'test-instance')); c; c = await tx((t) => claimRange(t, 'CPoptout', 40, 'test-instance'))) claimed.push(...c.sends.map((x) => x.msisdn));
    expect(claimed.sort()).toEqual(numbers(75, 200_000));
    const st = await states('CPoptout');
    expect(listed.slice(0, 25).every((n) => st[n] === 'opted-out')).toBe(true);
    // Skipped sends wait to be published; the opted-out timer counts them finished and per state as
    // it publishes them, in one transaction, so the campaign cannot complete before they are out.
    const skippedCount = async () => (await sql.query(`SELECT sum(n)::int AS n FROM dispatch_state_counts WHERE campaign_sid = 'CPoptout' AND state = 'opted-out'`))[0].n;
    expect(await remaining('CPoptout')).toBe(100);
    expect(await skippedCount()).toBeNull();
    expect((await sql.query(`SELECT count(*)::int AS n FROM dispatch_opted_out_outbox WHERE campaign_sid = 'CPoptout'`))[0].n).toBe(25);
    const outboxBefore = (await sql.query(`SELECT count(*)::int AS n FROM outbox`))[0].n;
    const timer = new OptedOutTimer({ query: sql.query, tx } as unknown as Platform);
    expect(await timer.tick()).toBe(25);
    expect(await timer.tick()).toBe(0);
    expect(await remaining('CPoptout')).toBe(75);
    expect(await skippedCount()).toBe(25);
    expect((await sql.query(`SELECT count(*)::int AS n FROM dispatch_opted_out_outbox`))[0].n).toBe(0);
    expect((await sql.query(`SELECT count(*)::int AS n FROM outbox`))[0].n).toBeGreaterThan(outboxBefore);
  });

  it('expires the sends deferred to quiet hours with the queued ones when the campaign fails, so it can still complete', async () => {
    await campaign('CPdeferfail', numbers(30, 300_000));
    const claim = (await tx((t) => claimRange(t, 'CPdeferfail', 10, 'test-instance')))!;
    const opening = Date.now() + 6 * 3600_000;
    await tx(async (t) => {
      await deferSends(
        t,
        'CPdeferfail',
        claim.id,
        claim.sends.map((s) => ({ seq: s.seq, notBefore: opening })),
      );
      await recordAnswers(t, { id: claim.id, campaignSid: 'CPdeferfail' }, [], 0);
    });
    expect(Object.values(await states('CPdeferfail')).filter((x) => x === 'deferred')).toHaveLength(10);
    const expired = await tx((t) => expireQueued(t, 'CPdeferfail', 'campaign-cancelled'));
    expect(expired).toHaveLength(30);
    expect(new Set(Object.values(await states('CPdeferfail')))).toEqual(new Set(['expired']));
    expect(await remaining('CPdeferfail')).toBe(0);
  });

  it('never claims past a send queued again by an answer that commits while the claim waits for the cursor', async () => {
    await campaign('CPrace', numbers(20, 30_000));
    const first = (await tx((t) => claimRange(t, 'CPrace', 10, 'test-instance')))!;
    // The answers to the first claim (seq 3 throttled, so the cursor goes back to it) commit only
    // once a second claim is already waiting on the campaign's row.
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    const answering = tx(async (t) => {
      await recordAnswers(
        t,
        first,
        first.sends.map((s) => ({ seq: s.seq, state: s.seq === 3 ? 'queued' : 'sent', messageId: s.seq === 3 ? null : `m-${s.seq}`, errorCode: null, attemptGivenBack: s.seq === 3 })),
        0,
      );
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = tx((t) => claimRange(t, 'CPrace', 10, 'test-instance'));
    await new Promise((r) => setTimeout(r, 100));
    commit();
    await answering;
    const claimed = (await second)!.sends.map((s) => s.seq);
    expect(claimed).toEqual([3, 10, 11, 12]);
  });

  it('finds the claims nobody holds: a dead holder’s, a released one, and one of this instance that its sender never saw', async () => {
    await campaign('CPdoubt', numbers(40, 20_000));
    await heartbeat(sql, 'alive');
    const mine = (await tx((t) => claimRange(t, 'CPdoubt', 10, 'alive')))!; // the sender is working on it
    const lost = (await tx((t) => claimRange(t, 'CPdoubt', 10, 'alive')))!; // committed, but its result never arrived
    const dead = (await tx((t) => claimRange(t, 'CPdoubt', 10, 'gone')))!; // an instance that never beat
    const released = (await tx((t) => claimRange(t, 'CPdoubt', 10, 'alive')))!;
    await sql.query('UPDATE dispatch_claims SET released = true WHERE id = $1', [released.id]);
    const me = { instanceId: 'alive', activeClaimIds: [mine.id, released.id], lostAfterMs: 0 };
    await new Promise((r) => setTimeout(r, 20));
    const found = await claimsInDoubt(sql, 60_000, 100, me);
    const byId = new Map(found.filter((c) => c.campaign_sid === 'CPdoubt').map((c) => [c.id, c.lost]));
    expect(byId.has(mine.id)).toBe(false);
    expect(byId.get(lost.id)).toBe(true);
    expect(byId.get(dead.id)).toBe(false);
    // Released while still being recorded: left to the sender until it lets go of it.
    expect(byId.has(released.id)).toBe(false);
    expect(new Map((await claimsInDoubt(sql, 60_000, 100, { ...me, activeClaimIds: [mine.id] })).map((c) => [c.id, c.lost])).get(released.id)).toBe(false);
  });

  it('applies a receipt only to its own send: never to another campaign’s send to the same number', async () => {
    const [shared] = numbers(1, 9000);
    await campaign('CPa', [shared]);
    await campaign('CPb', [shared]);
    const a = (await tx((t) => claimRange(t, 'CPa', 10, 'test-instance')))!;
    const b = (await tx((t) => claimRange(t, 'CPb', 10, 'test-instance')))!;
    await tx((t) => recordAnswers(t, a, [{ seq: a.sends[0].seq, state: 'sent', messageId: 'mid-a', errorCode: null }], 0));
    await tx((t) => recordAnswers(t, b, [{ seq: b.sends[0].seq, state: 'sent', messageId: 'mid-b', errorCode: null }], 0));
    // A's receipt, and one with A's id but another number (an id the carrier reused): only A changes, once.
    const applied = await tx((t) =>
      applyReceipts(t, [
        { messageId: 'mid-a', msisdn: shared, state: 'undelivered' },
        { messageId: 'mid-a', msisdn: '+19179999999', state: 'delivered' },
      ]),
    );
    expect(applied.map((r) => r.campaign_sid)).toEqual(['CPa']);
    expect(await states('CPa')).toEqual({ [shared]: 'undelivered' });
    expect(await states('CPb')).toEqual({ [shared]: 'sent' });
    await tx((t) => applyPendingReceipts(t, 0, 100)); // the stray one is dropped, B untouched
    expect(await states('CPb')).toEqual({ [shared]: 'sent' });
  });

  it('keeps a receipt that overtook its send’s answer, and applies it once the answer is recorded', async () => {
    const [n] = numbers(1, 9500);
    await campaign('CPfast', [n]);
    const c = (await tx((t) => claimRange(t, 'CPfast', 10, 'test-instance')))!;
    expect(await tx((t) => applyReceipts(t, [{ messageId: 'mid-fast', msisdn: n, state: 'delivered' }]))).toEqual([]);
    await tx((t) => recordAnswers(t, c, [{ seq: c.sends[0].seq, state: 'sent', messageId: 'mid-fast', errorCode: null }], 0));
    const { applied } = await tx((t) => applyPendingReceipts(t, 60_000, 100));
    expect(applied.map((r) => [r.msisdn, r.state])).toEqual([[n, 'delivered']]);
    expect((await sql.query('SELECT count(*)::int AS n FROM receipts_pending'))[0].n).toBe(0);
  });

  it('grants the shared cap per 100 ms slot to concurrent callers, per PDU', async () => {
    const cap = 400;
    const grants: { slot: number; pdus: number }[] = [];
    const caller = async (unit: number) => {
      const end = Date.now() + 1200;
      while (Date.now() < end) {
        const g = await grantRate(sql, 'sys@carrier-a:2775', cap, 30, unit);
        if (g.granted > 0) grants.push({ slot: g.slot, pdus: g.granted * unit });
        else await new Promise((r) => setTimeout(r, g.waitMs));
      }
    };
    // Six callers, as three instances of two loops would be; two of them send three-part messages.
    await Promise.all([caller(1), caller(1), caller(1), caller(1), caller(3), caller(3)]);
    const perSlot = new Map<number, number>();
    for (const g of grants) perSlot.set(g.slot, (perSlot.get(g.slot) ?? 0) + g.pdus);
    const slots = [...perSlot.keys()].sort((a, b) => a - b);
    expect(slots.length).toBeGreaterThanOrEqual(10);
    for (const slot of slots) expect(perSlot.get(slot)).toBeLessThanOrEqual(slotQuota(cap, slot));
    // Demand was far above the cap: every slot but the first and last was used up, but for a part of a long message.
    for (const slot of slots.slice(1, -1)) expect(perSlot.get(slot)).toBeGreaterThanOrEqual(slotQuota(cap, slot) - 2);
    // One row per carrier, upserted in place.
    expect(await sql.query(`SELECT carrier FROM dispatch_rate_slots`)).toEqual([{ carrier: 'sys@carrier-a:2775' }]);

    // A message of more parts than a slot's whole quota goes alone in an unused slot (cap 5: quotas 0, 1, 0, 1 …).
    const tiny: number[] = [];
    const end = Date.now() + 1000;
    while (Date.now() < end) {
      const t = await grantRate(sql, 'sys@carrier-c:2775', 5, 10, 3);
      if (t.granted > 0) tiny.push(t.granted);
      await new Promise((r) => setTimeout(r, t.waitMs + 1));
    }
    expect(tiny.every((n) => n === 1)).toBe(true);
    expect(tiny.length).toBeGreaterThanOrEqual(4);
    expect(tiny.length).toBeLessThanOrEqual(6);
  });
});
