/**
 * The consumer supervisor against a real broker: kafkajs stops a consumer inside its own crash
 * handling before it restarts it, and that stop must not take the process down; a consumer that
 * really stops, or crashes for good, must.
 */
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { TOPIC } from '@clarion/contracts';
import { restartingRetry, superviseConsumer } from './consumer-supervision';
import { freshNamespace, waitFor } from '../../../test/support/stack';

const GRACE_MS = 3000;

describe('consumer supervision (real Kafka)', () => {
  let ns: Awaited<ReturnType<typeof freshNamespace>>;
  const consumers: Consumer[] = [];
  const topic = () => ns.prefix + TOPIC.campaignEvents;

  beforeAll(async () => {
    ns = await freshNamespace();
    const producer = ns.kafka.producer();
    await producer.connect();
    await producer.send({ topic: topic(), messages: [{ key: 'k', value: 'one' }] });
    await producer.disconnect();
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
  });

  /** A consumer of the test topic whose batches go to `onBatch`, supervised; what it decided lands in `fatal`. */
  async function supervised(name: string, onBatch: (p: EachBatchPayload) => Promise<void>) {
    const fatal: string[] = [];
    let closing = false;
    const consumer = ns.kafka.consumer({ groupId: `${ns.prefix}${name}`, retry: { ...restartingRetry(name), retries: 0 }, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    superviseConsumer(consumer, { closing: () => closing, fatal: (r) => fatal.push(r), graceMs: GRACE_MS });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic()], fromBeginning: true });
    await consumer.run({ eachBatch: onBatch });
    return { consumer, fatal, close: () => (closing = true) };
  }

  it('a crash that kafkajs restarts is not fatal, and the restarted consumer goes on', async () => {
    let calls = 0;
    let consumed = 0;
    const { fatal } = await supervised('restarts', async ({ batch }) => {
      calls++;
      // A retriable failure with no retries left: kafkajs crashes the consumer (emitting STOP
      // first) and restarts it, as it does for a coordinator that is still loading.
      if (calls === 1) throw new Error('simulated retriable failure');
      consumed += batch.messages.length;
    });
    await waitFor('the restarted consumer to consume', async () => consumed >= 1, 30000);
    expect(calls).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, GRACE_MS + 1000));
    expect(fatal).toEqual([]);
  });

  it('a crash that will not restart is fatal at once', async () => {
    const { fatal } = await supervised('gives-up', async () => {
      // kafkajs treats a TypeError as unrecoverable: no restart.
      throw new TypeError('simulated bug');
    });
    await waitFor('the crash to be judged fatal', async () => fatal.length > 0, 30000);
    expect(fatal[0]).toMatch(/will not restart: simulated bug/);
  });

  it('a consumer stopped from outside is fatal after the grace, one stopped while closing is not', async () => {
    const outside = await supervised('stopped', async () => undefined);
    const closing = await supervised('closing', async () => undefined);
    closing.close();
    await Promise.all([outside.consumer.stop(), closing.consumer.stop()]);
    await waitFor('the stop to be judged fatal', async () => outside.fatal.length > 0, GRACE_MS + 5000);
    expect(outside.fatal).toEqual(['consumer stopped and did not restart']);
    expect(closing.fatal).toEqual([]);
  });
});
