import type { Consumer, Kafka, Producer } from 'kafkajs';
import { Errors, TOPIC, message, newMessageId, type ClarionError, type Message, type Reply, type Result } from '@clarion/contracts';
import { currentTraceHeaders } from './telemetry';
import { sleep } from './outbox-relay';

/**
 * Request/reply over Kafka for the gateway: a request carries `replyTo` (this instance's id) and
 * the owning service answers on the replies topic keyed by it. Each gateway instance reads the
 * replies topic in a group of its own and drops answers meant for other instances.
 */
export class RequestReplyClient {
  readonly instanceId = `gw-${newMessageId().slice(0, 12)}`;
  private consumer: Consumer | null = null;
  private readonly pending = new Map<string, { resolve: (r: Result<unknown>) => void; timer: NodeJS.Timeout }>();
  private readonly pendingMax = 10_000;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly topicPrefix: string,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `${this.topicPrefix}gateway.replies.${this.instanceId}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topicPrefix + TOPIC.gatewayReplies], fromBeginning: false });
    // A new group starts at the latest offset, resolved on its first fetch; a request sent before
    // that fetch could have its reply skipped, so requests wait for it.
    const firstFetch = new Promise<void>((resolve) => consumer.on(consumer.events.FETCH, () => resolve()));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message: record }) => {
        if (record.key?.toString() !== this.instanceId || !record.value) return;
        const reply = JSON.parse(record.value.toString('utf8')) as Reply;
        const waiter = this.pending.get(reply.data.requestId);
        if (!waiter) return;
        this.pending.delete(reply.data.requestId);
        clearTimeout(waiter.timer);
        const r = reply.data.result;
        waiter.resolve(r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error as ClarionError });
      },
    });
    await Promise.race([firstFetch, sleep(30000)]);
    this.consumer = consumer;
  }

  async stop(): Promise<void> {
    for (const [, w] of this.pending) {
      clearTimeout(w.timer);
      w.resolve({ ok: false, error: Errors.serviceUnavailable });
    }
    this.pending.clear();
    await this.consumer?.disconnect();
  }

  /** Sends without waiting for an answer; resolves once the broker has the message on all replicas. */
  async send(topic: string, key: string, msg: Message): Promise<void> {
    await this.producer.send({
      topic: this.topicPrefix + topic,
      acks: -1,
      messages: [{ key, value: JSON.stringify(msg), headers: currentTraceHeaders() }],
    });
  }

  async request<T>(topic: string, key: string, type: string, data: unknown, timeoutMs = 30000): Promise<Result<T>> {
    if (this.pending.size >= this.pendingMax) return { ok: false, error: Errors.serviceUnavailable };
    const msg = message(type, data, { replyTo: this.instanceId });
    const answer = new Promise<Result<T>>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(msg.metadata.messageId);
        resolve({ ok: false, error: Errors.serviceUnavailable });
      }, timeoutMs);
      this.pending.set(msg.metadata.messageId, { resolve: resolve as (r: Result<unknown>) => void, timer });
    });
    try {
      await this.send(topic, key, msg);
    } catch (err) {
      const w = this.pending.get(msg.metadata.messageId);
      if (w) clearTimeout(w.timer);
      this.pending.delete(msg.metadata.messageId);
      throw err;
    }
    return answer;
  }
}
