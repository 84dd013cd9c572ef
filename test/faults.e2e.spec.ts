/**
 * Nothing lost when the infrastructure blips: a 20,000-recipient campaign with delivery receipts
 * completes with every number messaged exactly once, exact credits and no dead letter, while
 * Postgres is cut off for 15 s (during intake, then during dispatch), while the Kafka broker is
 * frozen for 15 s, and while each service in turn is SIGKILLed and restarted by the supervisor.
 */
import { randomBytes } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { TOPIC } from '@clarion/contracts';
import { api, campaignForm, provisionTenant, startStack, waitFor, waitForStatus, type ServiceName, type Stack } from './support/stack';
import { testNumbers } from './support/numbers';
import { freezeKafka } from './support/kafka-freeze';

const COUNT = 20_000;
const OUTAGE_MS = 15_000;
const numbersFrom = (base: number, count = COUNT) => testNumbers(count, 3, base);

/** Counts every record on the dead-letter topic of this stack, from the beginning. */
async function watchDeadLetters(stack: Stack): Promise<{ count(): number; stop(): Promise<void> }> {
  let n = 0;
  const consumer: Consumer = stack.kafka.consumer({ groupId: `${stack.prefix}dlq-watch-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [stack.prefix + TOPIC.deadLetters], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      n++;
      console.error(`[dead letter] ${message.headers?.['x-error-kind']} ${message.headers?.['x-error']}`);
    },
  });
  return { count: () => n, stop: () => consumer.disconnect() };
}

describe('faults: nothing lost, nothing doubled', () => {
  let stack: Stack;
  let deadLetters: Awaited<ReturnType<typeof watchDeadLetters>>;

  beforeAll(async () => {
    stack = await startStack({
      pgProxy: true,
      env: {
        // An outage must not turn a send into a doubt: answers are recorded once the database is back.
        DISPATCH_RECONCILE_TIMEOUT_MS: '120000',
        CAMPAIGN_STEP_TIMEOUT_MS: '60000',
      },
    });
    deadLetters = await watchDeadLetters(stack);
  });
  afterAll(async () => {
    await deadLetters?.stop();
    await stack?.stop();
  });

  /** Runs one campaign through a fault and checks the three promises: once each, exact credits, no dead letter. */
  async function campaignThrough(label: string, base: number, fault: (sid: string) => Promise<void>): Promise<void> {
    const t0 = Date.now();
    const tenant = await provisionTenant(stack.url, COUNT + 500);
    const numbers = numbersFrom(base);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name: label, body: 'Flash sale today', fromPrefix: '1' }, numbers) });
    expect(created.status).toBe(201);
    const sid = created.body.data.sid;
    await fault(sid);
    const done = await waitForStatus(stack, tenant, sid, 'completed', 300_000);

    const wanted = new Set(numbers);
    const perNumber = new Map<string, number>();
    for (const s of stack.smsc.submits()) if (wanted.has(s.to)) perNumber.set(s.to, (perNumber.get(s.to) ?? 0) + 1);
    expect([...perNumber.entries()].filter(([, n]) => n > 1)).toEqual([]); // nobody got two messages
    expect(perNumber.size).toBe(COUNT); // nobody was skipped
    expect(done.total).toBe(COUNT);
    const balance = await waitFor(
      'credits to be committed',
      async () => {
        const b = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
        return b.body?.data?.reserved === 0 ? b.body.data : null;
      },
      60_000,
    );
    expect(balance).toMatchObject({ available: 500, reserved: 0, used: COUNT });
    expect(deadLetters.count()).toBe(0);
    console.log(`[figures] ${label}: ${COUNT} recipients completed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  const aQuarterSent = (base: number) =>
    waitFor(
      'a quarter of the campaign to be sent',
      async () => {
        const wanted = new Set(numbersFrom(base));
        return stack.smsc.submits().filter((s) => wanted.has(s.to)).length >= COUNT / 4;
      },
      180_000,
      20,
    );

  it('every Postgres connection cut and refused for 15 s during intake', async () => {
    await campaignThrough('postgres outage during intake', 0, async () => {
      await stack.pgProxy!.outage(OUTAGE_MS);
    });
  });

  it('every Postgres connection cut and refused for 15 s during dispatch', async () => {
    await campaignThrough('postgres outage during dispatch', 100_000, async () => {
      await aQuarterSent(100_000);
      await stack.pgProxy!.outage(OUTAGE_MS);
    });
  });

  it('the Kafka broker frozen for 15 s during dispatch', async () => {
    await campaignThrough('kafka frozen during dispatch', 200_000, async () => {
      await aQuarterSent(200_000);
      await freezeKafka(OUTAGE_MS);
    });
  });

  const services: ServiceName[] = ['credit-svc', 'dnd-svc', 'campaign-svc', 'dispatch-svc', 'gateway'];
  services.forEach((name, i) => {
    it(`${name} SIGKILLed mid-campaign and restarted by the supervisor`, async () => {
      const base = 300_000 + i * 100_000;
      await campaignThrough(`${name} killed`, base, async () => {
        // The services that work before dispatch are killed while the recipients are recorded.
        if (name === 'dispatch-svc' || name === 'gateway') await aQuarterSent(base);
        const restartsBefore = stack.restarts(name);
        await stack.kill(name, 'SIGKILL');
        await stack.waitForRestart(name);
        expect(stack.restarts(name)).toBe(restartsBefore + 1);
      });
    });
  });
});
