/**
 * Deferral against the real Postgres: sends held back by quiet hours turn 'deferred' with their
 * opening and their attempt given back, are not claimed again before it, and are claimed again
 * after the release at the opening; the campaign is not finished while any is deferred.
 */
import type { DataSource } from 'typeorm';
import { openDatabase, runInTx } from '@clarion/platform';
import { freshNamespace } from '../../../../test/support/stack';
import { dispatchService } from '../main';
import { FINISHED_SQL, claimRange, loadBatch } from './sends.repository';
import { deferSends, deferredOf, releaseDueDeferred, splitByQuietHours } from './quiet-hours';

describe('quiet-hours deferral', () => {
  let ds: DataSource;
  const sql = { query: <T = any>(q: string, p: unknown[] = []) => ds.query(q, p) as Promise<T[]> };

  beforeAll(async () => {
    const ns = await freshNamespace();
    ds = await openDatabase({ url: ns.databaseUrl, schema: 'dispatch', migrations: dispatchService.migrations });
  });
  afterAll(async () => ds?.destroy());

  it('defers the recipients outside their window, keeps the campaign open, and claims them again at the opening', async () => {
    const sid = 'CPquiet' + Date.now();
    // 12:00Z in December: London (12:00 GMT) is inside 08:00–21:00, Sydney (23:00 AEDT) is not.
    const london = '+442079460958';
    const sydney = '+61291234567';
    await runInTx(ds, (t) => loadBatch(t, sid, 0, [london, sydney], []));
    await sql.query(
      `INSERT INTO dispatch_campaigns (campaign_sid, enterprise_sid, status, body, from_numbers, accepted_count, credits_per_recipient) VALUES ($1, 'EN1', 'sending', 'hi', '[]'::jsonb, 2, 1)`,
      [sid],
    );
    const now = Date.parse('2026-12-02T12:00:00Z');
    const claim = (await claimRange(sql, sid, 10, 'i1'))!;
    expect(claim.sends.map((s) => s.msisdn).sort()).toEqual([london, sydney].sort());
    const split = splitByQuietHours(sid, { start: '08:00', end: '21:00', countries: {} }, claim.sends, now);
    expect(split.now.map((s) => s.msisdn)).toEqual([london]);
    // Sydney opens at 08:00 AEDT = 21:00Z.
    expect(split.later.map((l) => new Date(l.notBefore).toISOString())).toEqual(['2026-12-02T21:00:00.000Z']);
    expect(await runInTx(ds, (t) => deferSends(t, sid, claim.id, split.later))).toBe(1);

    const [row] = await sql.query(`SELECT state, attempts FROM sends WHERE campaign_sid = $1 AND msisdn = $2`, [sid, sydney]);
    expect(row).toEqual({ state: 'deferred', attempts: 0 });
    expect(await deferredOf(sql, sid)).toEqual({ deferred: 1, earliest: new Date('2026-12-02T21:00:00Z'), latest: new Date('2026-12-02T21:00:00Z') });
    // Not finished while deferred: nothing counted it.
    const [{ remaining }] = await sql.query(`SELECT accepted_count - ${FINISHED_SQL} AS remaining FROM dispatch_campaigns c WHERE campaign_sid = $1`, [sid]);
    expect(remaining).toBe(2);

    // Before the opening nothing is released; at it, the send is queued again and claimed again.
    expect(await runInTx(ds, (t) => releaseDueDeferred(t, Date.parse('2026-12-02T20:59:59Z'), 100))).toBe(0);
    expect(await runInTx(ds, (t) => releaseDueDeferred(t, Date.parse('2026-12-02T21:00:00Z'), 100))).toBe(1);
    const again = (await claimRange(sql, sid, 10, 'i1'))!;
    expect(again.sends).toEqual([expect.objectContaining({ msisdn: sydney, attempts: 1 })]);
    expect((await deferredOf(sql, sid)).deferred).toBe(0);
  });

  it('leaves every send to go when no policy applies', () => {
    const sends = [{ msisdn: '+61291234567', seq: 0, attempts: 1 }];
    expect(splitByQuietHours('CPx', null, sends, Date.parse('2026-12-02T12:00:00Z'))).toEqual({ now: sends, later: [] });
  });
});
