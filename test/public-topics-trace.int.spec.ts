/**
 * Every record on a public topic carries a W3C traceparent (README, "Watching campaigns on Kafka"),
 * and a campaign's records carry the trace of the request that created it, also those written by
 * timers and by the carrier's receipts. The services run in this process, as in tracing.int.spec.ts,
 * so one in-memory exporter sees the request's span; the records are read from the real broker.
 */
import { randomBytes } from 'node:crypto';
import type { Consumer, IHeaders } from 'kafkajs';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TOPIC, TOPIC_SPECS } from '@clarion/contracts';
import { api, campaignForm, freshNamespace, provisionTenant, waitFor, waitForStatus } from './support/stack';
import { startInProcess } from './support/in-process';
import { testNumbers } from './support/numbers';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

interface SeenRecord {
  topic: string;
  key: string;
  value: { status?: string; campaignSid?: string };
  traceparent: string | null;
}

describe('trace context on the public topics', () => {
  const exporter = new InMemorySpanExporter();
  const spanProcessors = [new SimpleSpanProcessor(exporter)];
  const seen: SeenRecord[] = [];
  let consumer: Consumer;
  let stack: Awaited<ReturnType<typeof startInProcess>> | undefined;
  let url = '';

  beforeAll(async () => {
    const ns = await freshNamespace();
    // Whatever topics are public now or later, each is read from its beginning.
    const publicTopics = TOPIC_SPECS.filter((t) => t.public).map((t) => t.name);
    expect(publicTopics).toEqual(expect.arrayContaining([TOPIC.campaignStatus, TOPIC.campaignDeliveries]));
    consumer = ns.kafka.consumer({ groupId: `${ns.prefix}trace-watch-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: publicTopics.map((t) => ns.prefix + t), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        seen.push({ topic: topic.slice(ns.prefix.length), key: message.key?.toString() ?? '', value: JSON.parse(message.value!.toString()), traceparent: header(message.headers, 'traceparent') });
      },
    });
    stack = await startInProcess(ns, spanProcessors);
    url = stack.url;
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await stack?.close();
  });

  it('puts a valid traceparent on every record, in the trace of the request that created the campaign', async () => {
    const tenant = await provisionTenant(url, 10);
    exporter.reset();
    const to = testNumbers(3, 7);
    const created = await api(url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name: 'traced topics', body: 'hi', fromPrefix: '1' }, to) });
    expect(created.status).toBe(201);
    const sid: string = created.body.data.sid;
    await waitForStatus({ url }, tenant, sid, 'completed', 120_000);

    // Four status changes and, per recipient, sent then delivered (the simulator acknowledges each).
    const records = await waitFor(
      "the campaign's public records",
      async () => {
        const mine = seen.filter((r) => r.key === sid);
        const statuses = mine.filter((r) => r.topic === TOPIC.campaignStatus).length;
        const delivered = mine.filter((r) => r.topic === TOPIC.campaignDeliveries && r.value.status === 'delivered').length;
        return statuses >= 4 && delivered >= to.length ? mine : null;
      },
      60_000,
    );
    const request = exporter.getFinishedSpans().find((s) => s.name === 'HTTP POST /campaignmanager/campaigns');
    expect(request).toBeDefined();
    const requestTraceId = request!.spanContext().traceId;

    for (const r of records) {
      const m = TRACEPARENT.exec(r.traceparent ?? '');
      expect({ topic: r.topic, status: r.value.status, traceparent: r.traceparent, valid: !!m }).toMatchObject({ valid: true });
      expect(m![1]).not.toBe('0'.repeat(32));
      expect(m![2]).not.toBe('0'.repeat(16));
      expect({ topic: r.topic, status: r.value.status, traceId: m![1] }).toEqual({ topic: r.topic, status: r.value.status, traceId: requestTraceId });
    }
    expect(records.filter((r) => r.topic === TOPIC.campaignStatus).map((r) => r.value.status)).toEqual(['initiating', 'scheduled', 'in-progress', 'completed']);
  });
});

function header(headers: IHeaders | undefined, name: string): string | null {
  const v = headers?.[name];
  if (v === undefined || v === null) return null;
  return (Array.isArray(v) ? v[0] : v).toString();
}
