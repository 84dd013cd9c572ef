/**
 * Voice campaigns of the voice-campaign API (seeds 002/003, /v2/accounts/{sid}/campaigns) over
 * their whole life, on the real stack and the call-control simulator: retries at linear and
 * exponential intervals on the chosen statuses only, end_at expiring the numbers not reached,
 * pause and resume, the three signed webhooks delivered once per event to a receiver that fails
 * at first, the concurrent-call cap held by two dispatch-svc instances together, and no second
 * call for one attempt after dispatch-svc is killed mid-campaign.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimCall } from '../tools/voice-sim/src/voice-simulator';
import { testNumbers } from './support/numbers';
import { sendStates } from './support/sms';
import { api, provisionTenant, startStack, waitFor, type ApiAnswer, type Stack, type Tenant } from './support/stack';

const CALLER_ID = '+14155550100';
/** What a voice number may end in; the open states are queued, sending and calling. */
const FINAL_STATES = ['delivered', 'undelivered', 'failed', 'expired', 'unknown'];
const ENDED_STATUSES = ['completed', 'failed', 'canceled'];

const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs));
const epochMs = (iso: string | undefined) => Date.parse(iso ?? '');

// ---- Local HTTP servers: the call flow the carrier fetches, and a webhook receiver ----

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Delivery {
  path: string;
  id: string;
  kind: string;
  signature: string;
  body: string;
  answered: number;
}

/**
 * Records every webhook delivery, and fails the first two deliveries of each X-Clarion-Webhook-Id
 * (500) before taking the third (200): every webhook has to be retried twice to be accepted.
 */
async function failingReceiver(): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['x-clarion-webhook-id'] ?? '');
      const answered = deliveries.filter((d) => d.id === id).length < 2 ? 500 : 200;
      deliveries.push({
        path: new URL(req.url ?? '/', 'http://receiver').pathname,
        id,
        kind: String(req.headers['x-clarion-webhook-kind'] ?? ''),
        signature: String(req.headers['x-clarion-signature'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
        answered,
      });
      res.writeHead(answered).end();
    });
  });
  return { ...server, deliveries };
}

// ---- The voice-campaign API of one account ----

function voiceApi(stack: Stack, t: Tenant) {
  const base = `/v2/accounts/${t.accountSid}/campaigns`;
  /** The campaign (or call details) of a successful answer; anything else fails with the whole answer. */
  const data = (r: ApiAnswer, what: string) => {
    const first = r.body?.response?.[0];
    if (r.status >= 300 || first?.status !== 'success') throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return first.data;
  };
  return {
    create: async (body: Record<string, unknown>): Promise<string> => data(await api(stack.url, 'POST', base, { auth: t.auth, json: body }), 'create').id,
    get: async (sid: string) => data(await api(stack.url, 'GET', `${base}/${sid}`, { auth: t.auth }), `get ${sid}`),
    update: async (sid: string, body: Record<string, unknown>) => data(await api(stack.url, 'PUT', `${base}/${sid}`, { auth: t.auth, json: body }), `update ${sid}`),
    /** Every call attempt of the campaign. */
    callDetails: async (sid: string): Promise<{ number: string; attempt: number; call_sid: string; status: string }[]> => {
      const r = await api(stack.url, 'GET', `${base}/${sid}/call-details?offset=0&limit=500`, { auth: t.auth });
      if (r.status >= 300) throw new Error(`call-details of ${sid}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      return (r.body.response as { data: unknown }[]).flatMap((x) => (Array.isArray(x.data) ? x.data : [x.data]));
    },
    /** Waits for the campaign's status; a campaign that ends otherwise fails at once. */
    waitForStatus: async (sid: string, status: string, timeoutMs = 90_000) => {
      let other: unknown = null;
      const c = await waitFor(
        `campaign ${sid} to be ${status}`,
        async () => {
          const now = await data(await api(stack.url, 'GET', `${base}/${sid}`, { auth: t.auth }), `get ${sid}`);
          if (now.status !== status && ENDED_STATUSES.includes(now.status)) other = now;
          return now.status === status || other ? now : null;
        },
        timeoutMs,
      );
      if (other) throw new Error(`campaign ${sid} ended ${c.status}, not ${status}: ${JSON.stringify(c)}`);
      return c;
    },
  };
}

function campaign(numbers: string[], flowUrl: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'lifecycle', from: numbers, caller_id: CALLER_ID, url: flowUrl, type: 'trans', call_duplicate_numbers: false, ...fields };
}

// ---- What the carrier saw, and what Clarion recorded ----

const callsTo = (stack: Stack, numbers: string[]): SimCall[] => stack.voice!.calls().filter((c) => numbers.includes(c.to));

function callsPerNumber(calls: SimCall[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(c.to, (counts.get(c.to) ?? 0) + 1);
  return counts;
}

/** Between one call's end and the next call's creation, in order, for the calls to one number. */
function gapsMs(calls: SimCall[]): number[] {
  const ordered = [...calls].sort((a, b) => epochMs(a.createdAt) - epochMs(b.createdAt));
  return ordered.slice(1).map((c, i) => epochMs(c.createdAt) - epochMs(ordered[i].endedAt));
}

/** The most calls under way at once among these (an ended call frees its line at its end). */
function maxOverlap(calls: SimCall[]): number {
  const edges = calls.flatMap((c) => [
    { at: epochMs(c.createdAt), step: 1 },
    { at: epochMs(c.endedAt), step: -1 },
  ]);
  // At the same instant an end comes before a start: the line is free again.
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (now += e.step));
  return max;
}

/** Each number's send state, once all `count` are final. */
const finalStates = (stack: Stack, sid: string, count: number) =>
  waitFor(`${count} numbers of ${sid} final`, async () => {
    const states = await sendStates(stack.databaseUrl, sid);
    return states.size === count && [...states.values()].every((s) => FINAL_STATES.includes(s)) ? states : null;
  });

/** The balance once no hold is left (the campaign's charge is committed). */
const settledBalance = (stack: Stack, t: Tenant) =>
  waitFor(
    'the charge to be committed',
    async () => {
      const b = (await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: t.auth })).body.data;
      return b.reserved === 0 && b.used > 0 ? (b as { available: number; reserved: number; used: number }) : null;
    },
    30_000,
  );

function expectGaps(calls: SimCall[], expectedMs: number[]): void {
  const gaps = gapsMs(calls);
  expect(gaps).toHaveLength(expectedMs.length);
  expectedMs.forEach((want, i) => {
    expect(gaps[i]).toBeGreaterThanOrEqual(want - 100);
    expect(gaps[i]).toBeLessThan(want + 1500);
  });
}

describe('voice campaign lifecycle (v2 API)', () => {
  let flow: { url: string; close(): Promise<void> };
  let flowUrl: string;
  beforeAll(async () => {
    flow = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end('<Response><Say>hi</Say></Response>'));
    flowUrl = `${flow.url}/flow.xml`;
  });
  afterAll(async () => flow?.close());

  describe('retries and webhooks (one retry "minute" lasts 1 s)', () => {
    let stack: Stack;
    const outcomes = new Map<string, 'busy' | 'no-answer' | 'failed'>();
    beforeAll(async () => {
      stack = await startStack({ voice: { outcomeFor: (to) => outcomes.get(to) }, env: { VOICE_RETRY_MINUTE_MS: '1000', WEBHOOK_ALLOW_PRIVATE_URLS: '1' } });
    });
    afterAll(async () => stack?.stop());

    it('retries at linear and exponential intervals, only on the chosen statuses; charges the calls placed and returns the rest of the hold', async () => {
      const [linearBusy, noAnswer, answered, exponentialBusy] = testNumbers(4, 60);
      outcomes.set(linearBusy, 'busy').set(noAnswer, 'no-answer').set(exponentialBusy, 'busy');
      const linearTenant = await provisionTenant(stack.url, 20);
      const exponentialTenant = await provisionTenant(stack.url, 10);
      const linear = voiceApi(stack, linearTenant);
      const exponential = voiceApi(stack, exponentialTenant);
      const retries = { number_of_retries: 3, interval_mins: 1, on_status: ['busy'] };
      const linearSid = await linear.create(campaign([linearBusy, noAnswer, answered], flowUrl, { retries: { ...retries, mechanism: 'Linear' } }));
      const exponentialSid = await exponential.create(campaign([exponentialBusy], flowUrl, { retries: { ...retries, mechanism: 'Exponential' } }));
      // Each number holds a credit for every call it may get: the first and its three retries.
      await waitFor('the hold of the linear campaign', async () => (await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: linearTenant.auth })).body.data.reserved === 12, 5000, 50);

      await Promise.all([linear.waitForStatus(linearSid, 'completed'), exponential.waitForStatus(exponentialSid, 'completed')]);
      const states = await finalStates(stack, linearSid, 3);
      expect([linearBusy, noAnswer, answered].map((n) => states.get(n))).toEqual(['undelivered', 'undelivered', 'delivered']);
      expect([...(await finalStates(stack, exponentialSid, 1)).values()]).toEqual(['undelivered']);

      const linearCalls = callsTo(stack, [linearBusy]);
      expect(linearCalls.map((c) => c.status)).toEqual(['busy', 'busy', 'busy', 'busy']);
      expectGaps(linearCalls, [1000, 2000, 3000]);
      const exponentialCalls = callsTo(stack, [exponentialBusy]);
      expect(exponentialCalls.map((c) => c.status)).toEqual(['busy', 'busy', 'busy', 'busy']);
      expectGaps(exponentialCalls, [1000, 2000, 4000]);
      // no-answer is not in on_status: one call; an answered number is done at its first call.
      expect(callsTo(stack, [noAnswer]).map((c) => c.status)).toEqual(['no-answer']);
      expect(callsTo(stack, [answered]).map((c) => c.status)).toEqual(['completed']);

      // Clarion's own record of the attempts is the carrier's.
      const details = await linear.callDetails(linearSid);
      expect(
        details
          .filter((d) => d.number === linearBusy)
          .sort((a, b) => a.attempt - b.attempt)
          .map((d) => [d.attempt, d.call_sid, d.status]),
      ).toEqual([...linearCalls].sort((a, b) => epochMs(a.createdAt) - epochMs(b.createdAt)).map((c, i) => [i + 1, c.sid, 'busy']));
      expect(details).toHaveLength(6);

      expect(await settledBalance(stack, linearTenant)).toMatchObject({ available: 14, reserved: 0, used: 6 });
      expect(await settledBalance(stack, exponentialTenant)).toMatchObject({ available: 6, reserved: 0, used: 4 });
    });

    it('delivers each callback once per event, signed, although the receiver fails the first two deliveries of each', async () => {
      const receiver = await failingReceiver();
      try {
        const t = await provisionTenant(stack.url, 10);
        const [answered, busy] = testNumbers(2, 61);
        outcomes.set(busy, 'busy');
        const sid = await voiceApi(stack, t).create(
          campaign([answered, busy], flowUrl, {
            retries: { number_of_retries: 1, interval_mins: 1, mechanism: 'Linear', on_status: ['busy'] },
            status_callback: `${receiver.url}/status`,
            call_status_callback: `${receiver.url}/call-status`,
            call_schedule_callback: `${receiver.url}/call-schedule`,
            custom_field: 'order-42',
          }),
        );
        await voiceApi(stack, t).waitForStatus(sid, 'completed');
        const accepted = (path: string) => receiver.deliveries.filter((d) => d.path === path && d.answered === 200).map((d) => JSON.parse(d.body));
        await waitFor('every webhook to be accepted', async () => accepted('/status').length >= 2 && accepted('/call-status').length >= 3 && accepted('/call-schedule').length >= 2, 30_000);
        // Long enough for a repeat to come, were one on its way (the retries back off 1 s, then 2 s).
        await sleep(3000);

        expect(accepted('/status').map((b) => [b.event, b.campaign_id, b.custom_field])).toEqual([
          ['campaign_started', sid, 'order-42'],
          ['campaign_completed', sid, 'order-42'],
        ]);
        const calls = callsTo(stack, [answered, busy]).sort((a, b) => epochMs(a.createdAt) - epochMs(b.createdAt));
        expect(calls.map((c) => [c.to, c.status]).sort()).toEqual([
          [answered, 'completed'],
          [busy, 'busy'],
          [busy, 'busy'],
        ]);
        const callSid = (to: string, nth: number) => calls.filter((c) => c.to === to)[nth].sid;
        expect(
          accepted('/call-status')
            .map((b) => [b.campaign_id, b.number, b.attempt, b.call_sid, b.status])
            .sort(),
        ).toEqual(
          [
            [sid, answered, 1, callSid(answered, 0), 'completed'],
            [sid, busy, 1, callSid(busy, 0), 'busy'],
            [sid, busy, 2, callSid(busy, 1), 'busy'],
          ].sort(),
        );
        expect(
          accepted('/call-schedule')
            .map((b) => [b.campaign_id, b.number, b.attempts, b.last_call_status])
            .sort(),
        ).toEqual(
          [
            [sid, answered, 1, 'completed'],
            [sid, busy, 2, 'busy'],
          ].sort(),
        );

        // Every delivery, the failed ones too, carries the signature of its exact body, keyed with
        // the hex SHA-256 of the account's token, and the kind of its URL.
        const key = createHash('sha256').update(t.authToken).digest('hex');
        for (const d of receiver.deliveries) {
          expect(d.signature).toBe('sha256=' + createHmac('sha256', key).update(d.body).digest('hex'));
          expect(d.kind).toBe(d.path.slice(1));
        }
        // Each webhook: two failed deliveries, then the one accepted, and never again.
        const byId = new Map<string, number[]>();
        for (const d of receiver.deliveries) byId.set(d.id, [...(byId.get(d.id) ?? []), d.answered]);
        expect(byId.size).toBe(7);
        expect([...byId.values()]).toEqual(Array.from({ length: 7 }, () => [500, 500, 200]));
      } finally {
        await receiver.close();
      }
    });
  });

  describe('duplicate numbers', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ voice: {} });
    });
    afterAll(async () => stack?.stop());

    it('calls a number as often as it is listed with call_duplicate_numbers, once without; each call is a recipient, counted and charged', async () => {
      const [twice, once, listedTwice] = testNumbers(3, 66);
      const t = await provisionTenant(stack.url, 10);
      const v = voiceApi(stack, t);
      const duplicatesSid = await v.create(campaign([twice, once, twice], flowUrl, { call_duplicate_numbers: true }));
      const onceSid = await v.create(campaign([listedTwice, listedTwice], flowUrl));
      // The hold covers every listing of the first campaign, one call of the second.
      await waitFor('both holds', async () => (await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: t.auth })).body.data.reserved === 4, 10_000, 50);
      const [withDuplicates] = await Promise.all([v.waitForStatus(duplicatesSid, 'completed'), v.waitForStatus(onceSid, 'completed')]);
      expect(withDuplicates.call_duplicate_numbers).toBe(true);
      expect(callsTo(stack, [twice])).toHaveLength(2);
      expect(callsTo(stack, [once])).toHaveLength(1);
      expect(callsTo(stack, [listedTwice])).toHaveLength(1);
      // Two calls of one number are two call details, each the first attempt of its own listing.
      const details = await v.callDetails(duplicatesSid);
      expect(details.map((d) => [d.number, d.attempt]).sort()).toEqual(
        [
          [once, 1],
          [twice, 1],
          [twice, 1],
        ].sort(),
      );
      expect(new Set(details.map((d) => d.call_sid)).size).toBe(3);
      const balance = await waitFor(
        'both charges committed',
        async () => {
          const b = (await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: t.auth })).body.data;
          return b.reserved === 0 && b.used === 4 ? b : null;
        },
        30_000,
      );
      expect(balance).toMatchObject({ available: 6, reserved: 0, used: 4 });
    });
  });

  describe('end_at, pause and resume (one call a second, calls ring for 1.5 s)', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ voice: { ringMs: 1500 }, env: { VOICE_CALLS_PER_SECOND: '1' } });
    });
    afterAll(async () => stack?.stop());

    it('expires the numbers not reached by end_at and charges exactly the calls placed', async () => {
      const t = await provisionTenant(stack.url, 50);
      const numbers = testNumbers(12, 62);
      const sendAtMs = Date.now() + 2000;
      const endAtMs = sendAtMs + 5000;
      const v2 = voiceApi(stack, t);
      const sid = await v2.create(campaign(numbers, flowUrl, { schedule: { send_at: new Date(sendAtMs).toISOString(), end_at: new Date(endAtMs).toISOString() } }));
      await v2.waitForStatus(sid, 'completed');

      const states = await finalStates(stack, sid, numbers.length);
      const calls = callsTo(stack, numbers);
      const called = new Set(calls.map((c) => c.to));
      const neverCalled = numbers.filter((n) => !called.has(n));
      // At one call a second a five-second window reaches some of the twelve, not all.
      expect(calls.length).toBeGreaterThan(0);
      expect(neverCalled.length).toBeGreaterThan(0);
      expect(neverCalled.map((n) => states.get(n))).toEqual(neverCalled.map(() => 'expired'));
      // A call still ringing at end_at is hung up: its number expires too.
      expect(calls.filter((c) => !['delivered', 'expired'].includes(states.get(c.to) ?? ''))).toEqual([]);
      expect(calls.filter((c) => c.endedAt === undefined)).toEqual([]);
      expect([...callsPerNumber(calls).values()].filter((k) => k > 1)).toEqual([]);
      // Clarion's calls are the carrier's, and they are exactly what is charged.
      expect((await v2.callDetails(sid)).map((d) => d.call_sid).sort()).toEqual(calls.map((c) => c.sid).sort());
      expect(await settledBalance(stack, t)).toMatchObject({ available: 50 - calls.length, reserved: 0, used: calls.length });
      // Every call was placed inside the window (give or take the dispatch timer's tick and an HTTP request).
      const outside = calls.filter((c) => epochMs(c.createdAt) < sendAtMs - 500 || epochMs(c.createdAt) >= endAtMs + 1000);
      expect(outside.map((c) => ({ to: c.to, createdAt: c.createdAt, msAfterEndAt: epochMs(c.createdAt) - endAtMs, status: c.status, state: states.get(c.to) }))).toEqual([]);
    });

    it('places no new call while paused, lets the calls under way finish, and completes after resume', async () => {
      const t = await provisionTenant(stack.url, 20);
      const numbers = testNumbers(8, 63);
      const v2 = voiceApi(stack, t);
      const sid = await v2.create(campaign(numbers, flowUrl));
      await waitFor('three calls', async () => callsTo(stack, numbers).length >= 3, 60_000, 20);
      await v2.update(sid, { action: 'pause' });
      const ringing = callsTo(stack, numbers).filter((c) => c.endedAt === undefined);
      expect(ringing.length).toBeGreaterThan(0);
      await v2.waitForStatus(sid, 'paused', 10_000);
      // The pause reaches dispatch-svc through Kafka; a call whose request was on its way then may
      // still be created. A second later nothing new may start.
      const tookEffectMs = Date.now() + 1000;
      await sleep(6000);
      const whilePaused = callsTo(stack, numbers);
      const startedWhilePaused = whilePaused.filter((c) => epochMs(c.createdAt) > tookEffectMs);
      expect(whilePaused.length).toBeLessThan(numbers.length);
      expect((await v2.get(sid)).status).toBe('paused');
      // The calls that were ringing finished, and every outcome is recorded.
      const byCall = new Map(whilePaused.map((c) => [c.sid, c]));
      expect(ringing.map((c) => byCall.get(c.sid)?.status)).toEqual(ringing.map(() => 'completed'));
      const recorded = await waitFor('the outcomes of the calls placed', async () => {
        const details = await v2.callDetails(sid);
        return details.length === whilePaused.length && details.every((d) => d.status !== 'queued') ? details : null;
      });
      expect(recorded.map((d) => [d.call_sid, d.status]).sort()).toEqual(whilePaused.map((c) => [c.sid, 'completed']).sort());

      await v2.update(sid, { action: 'resume' });
      await v2.waitForStatus(sid, 'completed');
      const states = await finalStates(stack, sid, numbers.length);
      expect(numbers.map((n) => states.get(n))).toEqual(numbers.map(() => 'delivered'));
      expect([...callsPerNumber(callsTo(stack, numbers)).entries()].sort()).toEqual(numbers.map((n) => [n, 1]).sort());
      expect(await settledBalance(stack, t)).toMatchObject({ available: 12, reserved: 0, used: 8 });
      // Checked last, so that a failure here still shows whether the rest of the lifecycle held.
      expect(startedWhilePaused.map((c) => ({ to: c.to, createdAt: c.createdAt, msAfterPauseTookEffect: epochMs(c.createdAt) - tookEffectMs }))).toEqual([]);
    });
  });

  describe('the call cap and a crash (two lines, answered calls last 0.6 s)', () => {
    let stack: Stack;
    beforeAll(async () => {
      // A killed dispatch-svc's partitions pass to its restart only once the broker gives up on it
      // (the consumer session, 30 s): its calls' outcomes wait that long, so a call whose answer the
      // kill lost is settled by its outcome only if the in-doubt timeout is longer (60 s by default).
      stack = await startStack({ voice: { callMs: 600 }, env: { VOICE_MAX_CONCURRENT_CALLS: '2', VOICE_CALLS_PER_SECOND: '50', DISPATCH_RECONCILE_TIMEOUT_MS: '45000' } });
    });
    afterAll(async () => stack?.stop());

    it('places no second call for an attempt when dispatch-svc is killed mid-campaign and restarted', async () => {
      const t = await provisionTenant(stack.url, 30);
      const numbers = testNumbers(20, 64);
      const v2 = voiceApi(stack, t);
      const sid = await v2.create(campaign(numbers, flowUrl));
      await waitFor('a few calls', async () => callsTo(stack, numbers).length >= 5, 60_000, 20);
      await stack.kill('dispatch-svc');
      expect(callsTo(stack, numbers).length).toBeLessThan(numbers.length); // the kill really came mid-campaign
      await stack.waitForRestart('dispatch-svc');
      await v2.waitForStatus(sid, 'completed', 120_000);

      // Every number ends in a final state, and none was called twice.
      const states = await finalStates(stack, sid, numbers.length);
      const calls = callsTo(stack, numbers);
      expect([...callsPerNumber(calls).entries()].filter(([, k]) => k > 1)).toEqual([]);
      // A call placed in the instant of the kill, whose answer was never recorded, is never called
      // again; its outcome's callback names its send, which takes it as placed. So every call the
      // carrier placed is in the call details, every number answered is delivered, and each call is charged once.
      const details = await v2.callDetails(sid);
      const recorded = new Set(details.map((d) => d.call_sid));
      expect(calls.filter((c) => !recorded.has(c.sid)).map((c) => c.to)).toEqual([]);
      expect(details.every((d) => calls.some((c) => c.sid === d.call_sid))).toBe(true);
      expect(numbers.filter((n) => calls.some((c) => c.to === n)).map((n) => states.get(n))).toEqual(numbers.filter((n) => calls.some((c) => c.to === n)).map(() => 'delivered'));
      expect(await settledBalance(stack, t)).toMatchObject({ available: 30 - calls.length, reserved: 0, used: calls.length });
    });

    it('never has more calls under way than the cap, with two dispatch-svc instances', async () => {
      await stack.start('dispatch-svc', 1);
      const t = await provisionTenant(stack.url, 20);
      const numbers = testNumbers(12, 65);
      const v2 = voiceApi(stack, t);
      const sid = await v2.create(campaign(numbers, flowUrl));
      await v2.waitForStatus(sid, 'completed');
      const states = await finalStates(stack, sid, numbers.length);
      expect(numbers.map((n) => states.get(n))).toEqual(numbers.map(() => 'delivered'));
      const calls = callsTo(stack, numbers);
      expect([...callsPerNumber(calls).entries()].sort()).toEqual(numbers.map((n) => [n, 1]).sort());
      expect(maxOverlap(calls)).toBeLessThanOrEqual(2);
      expect(stack.voice!.stats().maxConcurrentSeen).toBeLessThanOrEqual(2);
      expect(await settledBalance(stack, t)).toMatchObject({ available: 8, reserved: 0, used: 12 });
    });
  });
});
