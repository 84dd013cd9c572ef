/**
 * What an SMS says and what becomes of it, end to end through REST on the real broker and database:
 * non-GSM bodies of one to five segments arrive intact, long messages are tied together as the
 * SMPP settings say, and every recipient's state follows its own receipt and no other.
 */
import { connect } from 'node:net';
import { TOPIC } from '@clarion/contracts';
import type { Submit } from '../tools/smsc-sim/src/smsc-simulator';
import { api, campaignForm, provisionTenant, startStack, waitFor, waitForStatus, watchStatusTopic, type Stack, type Tenant } from './support/stack';
import { expectParts, sendStates, septets, waitForReceipts } from './support/sms';

const numbers = (count: number, base: number) => Array.from({ length: count }, (_, i) => `+91${9_000_000_000 + base + i}`);
/** A UTF-16 code unit of a surrogate pair without its other half: an emoji cut in two. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const UNDELIVERABLE = numbers(300, 30_000).filter((_, i) => i % 10 === 3);
/** Campaign B of the cross-campaign test sends from here; its receipts say UNDELIV, and late. */
const LATE_UNDELIVERED_FROM = '+14155550200';
const LATE_RECEIPT_MS = 8000;

describe('SMS text and receipts end to end', () => {
  let stack: Stack;
  let deliveries: Awaited<ReturnType<typeof watchStatusTopic>>;
  let simulatorErrors: string[];

  beforeAll(async () => {
    stack = await startStack({
      smsc: {
        partsKeptMax: 100_000,
        undeliverableNumbers: UNDELIVERABLE,
        receiptFor: (s: Readonly<Submit>) => (s.from === LATE_UNDELIVERED_FROM ? { stat: 'UNDELIV', delayMs: LATE_RECEIPT_MS } : undefined),
      },
    });
    deliveries = await watchStatusTopic(stack.kafka, stack.prefix, TOPIC.campaignDeliveries);
    // The simulator runs in this process: what it reports as its own failure shows up here.
    simulatorErrors = [];
    const log = console.error.bind(console);
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      if (String(args[0]).startsWith('[smsc-sim]')) simulatorErrors.push(String(args[0]));
      log(...args);
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await deliveries?.stop();
    await stack?.stop();
  });

  const create = async (tenant: Tenant, body: string, to: string[], from = ['+14155550100']) => {
    const r = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name: `text ${to[0]}`, body }, to, from) });
    expect(r.status).toBe(201);
    return r.body.data.sid as string;
  };
  const settledBalance = (tenant: Tenant) =>
    waitFor('credits to settle', async () => {
      const b = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
      return b.body?.data?.reserved === 0 ? b.body.data : null;
    });
  const smscAcceptsConnections = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(Number(new URL(stack.env.SMPP_URL).port), '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  /** Every status the deliveries topic reported for one campaign's recipient, in order. */
  const reported = (sid: string, to: string) => deliveries.records.filter((r) => r.key === sid && r.value.to === to).map((r) => r.value.status);

  it('delivers Hindi, Cyrillic and emoji bodies of one to five segments intact, a receipt each, charging segments × recipients', async () => {
    const tenant = await provisionTenant(stack.url, 1000);
    const E = '😀';
    const cases = [
      { body: 'नमस्ते! आपका ऑर्डर आज भेज दिया गया है। धन्यवाद।', segments: 1 },
      { body: 'Я'.repeat(70), segments: 1 }, // exactly one UCS-2 segment
      { body: E.repeat(35), segments: 1 }, // 70 code units
      { body: E.repeat(36), segments: 2 }, // 72 units: 33 emoji (66 units) + 3, none cut in two
      { body: 'Здравствуйте! Ваш заказ отправлен сегодня. Спасибо, что выбрали нас, до скорой встречи!', segments: 2 },
      { body: 'Д'.repeat(66) + E + 'Д'.repeat(65) + E + 'Д'.repeat(10), segments: 3 }, // each emoji straddles a 67-unit boundary
      { body: 'दिवाली की हार्दिक शुभकामनाएँ! इस त्योहार पर सभी उत्पादों पर भारी छूट पाएँ। '.repeat(3).trim(), segments: 4 },
      { body: '🎉 Diwali sale! दिवाली की शुभकामनाएँ 🪔 Скидки! '.repeat(6).trim(), segments: 5 },
    ];
    const RECIPIENTS = 4;
    const runs = await Promise.all(
      cases.map(async (c, i) => {
        const to = numbers(RECIPIENTS, 1_000 + i * 100);
        return { ...c, to, sid: await create(tenant, c.body, to) };
      }),
    );
    for (const run of runs) {
      const done = await waitForStatus(stack, tenant, run.sid, 'completed');
      expect(done.total).toBe(run.segments * RECIPIENTS);
      const states = await waitForReceipts(stack.databaseUrl, run.sid, RECIPIENTS);
      expect([...states.entries()].sort()).toEqual(run.to.map((n) => [n, 'delivered']));
      const received = stack.smsc.submits().filter((m) => run.to.includes(m.to));
      expect(received.map((m) => m.to).sort()).toEqual(run.to);
      for (const m of received) {
        expect(m.text).toBe(run.body);
        if (run.segments === 1) {
          expect(m.concatenation).toBeUndefined();
          continue;
        }
        expect(m.concatenation).toMatchObject({ mode: 'udh', dataCoding: 8 });
        const parts = expectParts(stack.smsc.parts(), m.to, 'udh', run.segments);
        expect(parts.map((p) => p.text)).toEqual(m.concatenation!.parts);
        for (const p of parts) {
          expect(p.dataCoding).toBe(8);
          expect(p.text.length).toBeLessThanOrEqual(67);
          expect(p.text).not.toMatch(LONE_SURROGATE);
        }
      }
    }
    const used = runs.reduce((n, r) => n + r.segments * RECIPIENTS, 0);
    expect(await settledBalance(tenant)).toMatchObject({ used, available: 1000 - used, reserved: 0 });
    // Quoting these bodies in receipts once killed the simulator; it still serves and has reported nothing.
    expect(simulatorErrors).toEqual([]);
    expect(await smscAcceptsConnections()).toBe(true);
  });

  it('delivers a body with a non-GSM character near its start and longer than a receipt quotes (the old RangeError)', async () => {
    const tenant = await provisionTenant(stack.url, 10);
    const body = '✓ Ваш заказ №4411 отправлен, ожидайте курьера завтра';
    const to = numbers(3, 5_000);
    const sid = await create(tenant, body, to);
    await waitForStatus(stack, tenant, sid, 'completed');
    const states = await waitForReceipts(stack.databaseUrl, sid, to.length);
    expect([...states.values()]).toEqual(['delivered', 'delivered', 'delivered']);
    expect(
      stack.smsc
        .submits()
        .filter((m) => to.includes(m.to))
        .map((m) => m.text),
    ).toEqual([body, body, body]);
    expect(simulatorErrors).toEqual([]);
    // A plain campaign afterwards still goes through: nothing was left broken.
    const after = numbers(2, 5_100);
    const plain = await create(tenant, 'Plain text after a Cyrillic one', after);
    await waitForStatus(stack, tenant, plain, 'completed');
    expect([...(await waitForReceipts(stack.databaseUrl, plain, 2)).values()]).toEqual(['delivered', 'delivered']);
  });

  it('ends a few hundred recipients with exactly the undeliverable numbers undelivered and the rest delivered', async () => {
    const tenant = await provisionTenant(stack.url, 1000);
    const to = numbers(300, 30_000);
    const sid = await create(tenant, 'Your appointment is tomorrow at 10:00', to);
    await waitForStatus(stack, tenant, sid, 'completed');
    const states = await waitForReceipts(stack.databaseUrl, sid, to.length);
    const undelivered = [...states.entries()]
      .filter(([, s]) => s === 'undelivered')
      .map(([n]) => n)
      .sort();
    expect(undelivered).toEqual([...UNDELIVERABLE].sort());
    expect([...states.values()].filter((s) => s === 'delivered')).toHaveLength(300 - UNDELIVERABLE.length);
    // The public topic says the same, for every recipient.
    await waitFor(
      'every receipt on the deliveries topic',
      async () => {
        const last = new Map(deliveries.records.filter((r) => r.key === sid).map((r) => [r.value.to, r.value.status]));
        return to.every((n) => last.get(n) === states.get(n));
      },
      30000,
    );
    // Undelivered messages were accepted by the carrier, so they are charged too.
    expect(await settledBalance(tenant)).toMatchObject({ used: 300, available: 700 });
  });

  it('applies a receipt only to its own campaign’s send: not to another campaign’s send to the same number, nor when forged', async () => {
    const a = await provisionTenant(stack.url, 100);
    const b = await provisionTenant(stack.url, 100);
    const to = numbers(20, 40_000);
    // B first: its receipts (UNDELIV) come late, so B's sends wait in 'sent' while A's receipts (DELIVRD) for the same numbers arrive.
    const sidB = await create(b, 'Campaign B to the same numbers', to, [LATE_UNDELIVERED_FROM]);
    await waitFor('every send of B to be sent', async () => [...(await sendStates(stack.databaseUrl, sidB)).values()].filter((s) => s === 'sent').length === to.length);
    const sidA = await create(a, 'Campaign A to the same numbers', to, ['+14155550100']);
    const statesA = await waitForReceipts(stack.databaseUrl, sidA, to.length);
    expect([...statesA.values()].every((s) => s === 'delivered')).toBe(true);

    // Forged receipts: A's message id with another of B's numbers (matching by number alone would
    // take it), B's own message id with another number (matching by id alone would take it), A's id
    // with its own number but a contrary status after A's send is final, and a number nobody sent to.
    const idOf = (n: string, from: string) => stack.smsc.submits().find((m) => m.to === n && m.from === from)!.messageId;
    const ofA = (n: string) => idOf(n, '+14155550100');
    stack.smsc.injectReceipt({ messageId: ofA(to[0]), handset: to[1], stat: 'DELIVRD' });
    stack.smsc.injectReceipt({ messageId: idOf(to[4], LATE_UNDELIVERED_FROM), handset: to[5], stat: 'DELIVRD' });
    stack.smsc.injectReceipt({ messageId: ofA(to[2]), handset: to[2], stat: 'UNDELIV' });
    stack.smsc.injectReceipt({ messageId: ofA(to[3]), handset: '+14155550999', stat: 'UNDELIV' });
    await new Promise((r) => setTimeout(r, 1000)); // well past the receipt flush (20 ms)
    // B's own receipts are still to come: nothing A's or forged changed its sends.
    expect([...(await sendStates(stack.databaseUrl, sidB)).values()].every((s) => s === 'sent')).toBe(true);
    expect([...(await sendStates(stack.databaseUrl, sidA)).values()].every((s) => s === 'delivered')).toBe(true);

    const statesB = await waitForReceipts(stack.databaseUrl, sidB, to.length, LATE_RECEIPT_MS + 30000);
    expect([...statesB.values()].every((s) => s === 'undelivered')).toBe(true);
    expect([...(await sendStates(stack.databaseUrl, sidA)).values()].every((s) => s === 'delivered')).toBe(true);
    // Neither campaign ever reported the other's outcome for a number.
    await waitFor('B’s outcomes on the deliveries topic', async () => to.every((n) => reported(sidB, n).includes('undelivered')), 30000);
    for (const n of to) {
      expect(reported(sidA, n)).not.toContain('undelivered');
      expect(reported(sidB, n)).not.toContain('delivered');
    }
    expect(await settledBalance(a)).toMatchObject({ used: 20 });
    expect(await settledBalance(b)).toMatchObject({ used: 20 });
  });

  // Last: it restarts dispatch-svc with SAR, which every later campaign would use.
  it('sends long GSM-7 (extension characters count two) and UCS-2 bodies with SAR TLVs when SMPP_CONCATENATION=sar', async () => {
    stack.env.SMPP_CONCATENATION = 'sar'; // the supervisor starts dispatch-svc again with the changed environment
    await stack.kill('dispatch-svc', 'SIGTERM');
    await stack.waitForRestart('dispatch-svc');
    const tenant = await provisionTenant(stack.url, 100);
    const cases = [
      // 152 septets, then '€' (two) would make 154: it opens part 2; '[' would make part 2 154: it opens part 3.
      { body: 'x'.repeat(152) + '€' + 'y'.repeat(150) + '[]{}', segments: 3, dataCoding: 0, septetsPerPart: [152, 152, 8] },
      { body: 'Скидка сегодня! '.repeat(10).trim(), segments: 3, dataCoding: 8, septetsPerPart: null },
    ];
    for (const [i, c] of cases.entries()) {
      const to = numbers(3, 50_000 + i * 100);
      const sid = await create(tenant, c.body, to);
      expect((await waitForStatus(stack, tenant, sid, 'completed')).total).toBe(c.segments * to.length);
      expect([...(await waitForReceipts(stack.databaseUrl, sid, to.length)).values()].every((s) => s === 'delivered')).toBe(true);
      for (const n of to) {
        const m = stack.smsc.submits().find((s) => s.to === n)!;
        expect(m.text).toBe(c.body);
        expect(m.concatenation).toMatchObject({ mode: 'sar', dataCoding: c.dataCoding });
        const parts = expectParts(stack.smsc.parts(), n, 'sar', c.segments);
        expect(parts.every((p) => p.dataCoding === c.dataCoding)).toBe(true);
        if (c.septetsPerPart) expect(parts.map((p) => septets(p.text))).toEqual(c.septetsPerPart);
      }
    }
    expect(await settledBalance(tenant)).toMatchObject({ used: 18 });
  });
});
