/**
 * The carrier side under a real SMPP load through the whole stack: a throttling SMSC slows the
 * sender down without costing a message; several binds share the submits; a connection cut in
 * the middle of a campaign is bound again and nothing is lost or sent twice; and the rate cap holds
 * across two dispatch-svc instances together.
 */
import { Client } from 'pg';
import type { Submit } from '../tools/smsc-sim/src/smsc-simulator';
import { api, campaignForm, provisionTenant, startStack, waitFor, waitForStatus, type Stack } from './support/stack';
import { testNumbers } from './support/numbers';

const numbersFrom = (base: number, count: number) => testNumbers(count, 3, base);

/** Runs one campaign to completion and checks what every campaign here must: each recipient messaged once, none failed, credits exact. */
async function campaignOnce(stack: Stack, base: number, count: number, during: () => Promise<void> = async () => undefined): Promise<Submit[]> {
  const tenant = await provisionTenant(stack.url, count + 100);
  const numbers = numbersFrom(base, count);
  const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name: `carrier ${base}`, body: 'Carrier test', fromPrefix: '1' }, numbers) });
  expect(created.status).toBe(201);
  const sid = created.body.data.sid;
  await during();
  const done = await waitForStatus(stack, tenant, sid, 'completed', 120_000);
  expect(done.total).toBe(count);

  const wanted = new Set(numbers);
  const mine = stack.smsc.submits().filter((s) => wanted.has(s.to));
  const perNumber = new Map<string, number>();
  for (const s of mine) perNumber.set(s.to, (perNumber.get(s.to) ?? 0) + 1);
  expect([...perNumber.entries()].filter(([, n]) => n > 1)).toEqual([]); // nobody got two messages
  expect(perNumber.size).toBe(count); // nobody was skipped

  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(`SELECT state, count(*)::int AS n FROM dispatch.sends WHERE campaign_sid = $1 GROUP BY state`, [sid]);
    const states = Object.fromEntries(rows.map((r) => [r.state, r.n]));
    expect(Object.keys(states).filter((s) => !['sent', 'delivered'].includes(s))).toEqual([]); // none failed, unknown or expired
  } finally {
    await db.end();
  }
  const balance = await waitFor(
    'credits to be committed',
    async () => {
      const b = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
      return b.body.data.reserved === 0 ? b.body.data : null;
    },
    30_000,
  );
  expect(balance).toMatchObject({ available: 100, reserved: 0, used: count });
  return mine;
}

/** The most submits the simulator received within any `ms` milliseconds. */
function busiest(submits: readonly Submit[], ms = 1000): number {
  const times = submits.map((s) => s.receivedAt).sort((a, b) => a - b);
  let most = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi] - times[lo] >= ms) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

function ratePerSecond(submits: readonly Submit[]): number {
  const times = submits.map((s) => s.receivedAt).sort((a, b) => a - b);
  return (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000);
}

describe('a throttling SMSC', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ smsc: { throttlePerSecond: 300 } });
  });
  afterAll(async () => stack?.stop());

  it('slows the sender down without losing, doubling or failing a message', async () => {
    const mine = await campaignOnce(stack, 0, 3000);
    const { throttled } = stack.smsc.stats();
    const rate = ratePerSecond(mine);
    console.log(`[figures] 3000 recipients at ${Math.round(rate)} msg/s through a carrier taking 300/s; ${throttled} submits throttled`);
    // The sender keeps to about the carrier's pace instead of hammering it: an unadapted sender
    // (thousands a second) would be refused several times for every message taken.
    expect(throttled).toBeLessThan(3000);
    // The simulator takes 300 in each window of a second, and windows start when a submit comes:
    // the first to last submit of ten windows can span a little over nine seconds.
    expect(rate).toBeLessThanOrEqual(345);
    expect(rate).toBeGreaterThan(120);
  });
});

describe('several binds and a shared rate cap', () => {
  const CAP = 400;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { SMPP_BINDS: '3', DISPATCH_RATE_PER_SECOND_MAX: String(CAP) } });
  });
  afterAll(async () => stack?.stop());

  it('spreads the submits over three sessions, each recipient messaged once', async () => {
    const mine = await campaignOnce(stack, 100_000, 1200);
    const perSession = new Map<number, number>();
    for (const s of mine) perSession.set(s.session, (perSession.get(s.session) ?? 0) + 1);
    expect(perSession.size).toBe(3);
    // Least in flight first: each session carries a fair share.
    for (const n of perSession.values()) expect(n).toBeGreaterThan(1200 / 3 / 2);
  });

  it('binds again after every SMPP connection is cut mid-campaign, and messages every recipient once', async () => {
    const sessionsBefore = stack.smsc.stats().binds;
    const base = 200_000;
    const mine = await campaignOnce(stack, base, 2000, async () => {
      const wanted = new Set(numbersFrom(base, 2000));
      await waitFor('a quarter of the campaign to be sent', async () => stack.smsc.submits().filter((s) => wanted.has(s.to)).length >= 500, 60_000, 20);
      expect(stack.smsc.dropSessions()).toBe(3);
    });
    // The rest went over the new sessions: all three bound again.
    expect(stack.smsc.stats().binds).toBe(sessionsBefore + 3);
    const after = new Set(mine.map((s) => s.session).filter((n) => n > sessionsBefore));
    expect(after.size).toBe(3);
  });

  it('keeps two dispatch-svc instances together within the cap, and near it', async () => {
    const firstInstanceSessions = stack.smsc.stats().binds;
    await stack.start('dispatch-svc', 1);
    const mine = await campaignOnce(stack, 300_000, 4000);
    const oneSecond = busiest(mine, 1000);
    const twoSeconds = busiest(mine, 2000);
    const rate = ratePerSecond(mine);
    console.log(`[figures] two instances under a cap of ${CAP}/s: ${Math.round(rate)} msg/s overall, ${oneSecond} in the busiest second, ${twoSeconds} in the busiest two`);
    // The cap is granted per 100 ms slot in Postgres, and both instances draw on the same slots, so
    // what was granted never exceeds it. What the simulator stamps is that plus jitter: it runs in
    // this test's process on a busy two-core machine, and a 200 ms stall of it (or of a sender
    // between its grant and the socket) stamps two slots' messages at once. So the hard bound is
    // over two seconds, where one such stall is a tenth of the window (15 % allowed, as before over one), and the busiest single
    // second is held to well under the 2× that two instances not sharing the cap would send.
    expect(twoSeconds).toBeLessThanOrEqual(2 * CAP * 1.15);
    expect(oneSecond).toBeLessThanOrEqual(CAP * 1.5);
    expect(rate).toBeGreaterThan(CAP * 0.85);
    // Both instances sent part of it, each through its own binds.
    expect(mine.some((s) => s.session <= firstInstanceSessions)).toBe(true);
    expect(mine.some((s) => s.session > firstInstanceSessions)).toBe(true);
  });
});
