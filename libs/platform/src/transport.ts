import { Server, type CustomTransportStrategy, BaseRpcContext } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { TOPIC, message, type Message, type Reply, type ClarionError } from '@clarion/contracts';
import { runInTx, Tx } from './tx';
import { OutboxRelay, sleep } from './outbox-relay';
import { contextFromHeaders, withSpan, SpanKind } from './telemetry';

/** What a handler gets besides the message: the transaction its effects must use. */
export class MessageContext extends BaseRpcContext<[Tx | null, string]> {
  private replyValue: Reply['data']['result'] | null = null;
  constructor(readonly tx: Tx | null, readonly topic: string, readonly incoming: Message) {
    super([tx, topic]);
  }
  /** The transaction of a command handler; queries run without one. */
  get db(): Tx {
    if (!this.tx) throw new Error('this handler runs without a transaction (query topic)');
    return this.tx;
  }
  replyOk(value: unknown): void {
    this.replyValue = { ok: true, value };
  }
  replyError(error: ClarionError): void {
    this.replyValue = { ok: false, error: { code: error.code, status: error.status, message: error.message } };
  }
  /** @internal */
  takeReply(): Reply | null {
    if (!this.replyValue || !this.incoming.metadata.replyTo) return null;
    return message('Reply', { requestId: this.incoming.metadata.messageId, result: this.replyValue }, { causedBy: this.incoming }) as Reply;
  }
}

export interface TransportOptions {
  kafka: Kafka;
  producer: Producer;
  ds: DataSource;
  relay: OutboxRelay;
  groupId: string;
  topicPrefix: string;
  /** Topics whose messages change state: handled once each, inside a transaction with the inbox. */
  commandTopics: string[];
  /** Topics of read-only requests: no transaction, no inbox, the reply is sent straight away. */
  queryTopics?: string[];
  maxAttempts?: number;
  retryDelayMsMax?: number;
  partitionsConsumedConcurrently?: number;
}

/**
 * A NestJS transport over Kafka that gives each handler exactly-once effects on top of Kafka's
 * at-least-once delivery: the inbox row, the handler's writes and its outgoing messages commit in
 * one Postgres transaction. Failures are retried a bounded number of times, then the message goes
 * to the dead-letter topic so one poison message cannot stall a partition.
 */
export class KafkaTransport extends Server implements CustomTransportStrategy {
  private consumers: Consumer[] = [];

  constructor(private readonly options: TransportOptions) {
    super();
  }

  on(): void {
    /* no transport events to expose */
  }
  unwrap<T>(): T {
    return this.consumers as T;
  }

  async listen(callback: (...args: unknown[]) => void): Promise<void> {
    try {
      const o = this.options;
      if (o.commandTopics.length > 0) this.consumers.push(await this.consume(o.groupId, o.commandTopics, true));
      if (o.queryTopics && o.queryTopics.length > 0) this.consumers.push(await this.consume(`${o.groupId}.queries`, o.queryTopics, false));
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
    this.consumers = [];
  }

  private async consume(groupId: string, topics: string[], transactional: boolean): Promise<Consumer> {
    const o = this.options;
    const consumer = o.kafka.consumer({
      groupId: o.topicPrefix + groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => o.topicPrefix + t), fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 3,
      // Offsets are committed at most twice a second; a redelivery after a crash is absorbed by the inbox.
      autoCommitInterval: 500,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
        for (const record of batch.messages) {
          if (!isRunning() || isStale()) break;
          await this.handleRecord(batch.topic.slice(o.topicPrefix.length), record, transactional);
          resolveOffset(record.offset);
          await heartbeat();
          await commitOffsetsIfNecessary();
        }
      },
    });
    await Promise.race([joined, sleep(60000)]);
    return consumer;
  }

  private async handleRecord(topic: string, record: KafkaMessage, transactional: boolean): Promise<void> {
    let msg: Message;
    try {
      msg = JSON.parse(record.value?.toString('utf8') ?? 'null');
      if (!msg || typeof msg.type !== 'string' || !msg.metadata?.messageId) throw new Error('not a Clarion message envelope');
    } catch (err) {
      await this.deadLetter(topic, record, err as Error);
      return;
    }
    const handler = this.getHandlerByPattern(msg.type);
    // A topic carries several message types; each service handles the ones it declares.
    if (!handler) return;
    const parent = contextFromHeaders(record.headers as Record<string, unknown>);
    const maxAttempts = this.options.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        await withSpan(`consume ${msg.type}`, { parent, kind: SpanKind.CONSUMER, attributes: { 'messaging.destination.name': topic, 'clarion.message.type': msg.type } }, async () => {
          if (transactional) await this.handleOnce(topic, msg, handler);
          else await this.handleQuery(topic, msg, handler);
        });
        return;
      } catch (err) {
        if (attempt >= maxAttempts) {
          await this.deadLetter(topic, record, err as Error);
          return;
        }
        // Most failures here are optimistic-concurrency conflicts between topics that touch the
        // same aggregate, or a database restart: a short, growing, jittered wait resolves them.
        const capMs = this.options.retryDelayMsMax ?? 2000;
        await sleep(Math.min(capMs, 20 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  private async handleOnce(topic: string, msg: Message, handler: (data: unknown, ctx: unknown) => unknown): Promise<void> {
    const o = this.options;
    await runInTx(
      o.ds,
      async (tx) => {
        const inserted = await tx.query('INSERT INTO inbox (message_id, topic) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id', [msg.metadata.messageId, topic]);
        if (inserted.length === 0) return; // handled before: Kafka redelivered it
        const ctx = new MessageContext(tx, topic, msg);
        await lastValueFrom(this.transformToObservable(await handler(msg, ctx)), { defaultValue: undefined });
        const reply = ctx.takeReply();
        if (reply) tx.publish(TOPIC.gatewayReplies, msg.metadata.replyTo!, reply);
      },
      () => o.relay.kick(),
    );
  }

  private async handleQuery(topic: string, msg: Message, handler: (data: unknown, ctx: unknown) => unknown): Promise<void> {
    const ctx = new MessageContext(null, topic, msg);
    await lastValueFrom(this.transformToObservable(await handler(msg, ctx)), { defaultValue: undefined });
    const reply = ctx.takeReply();
    if (reply) {
      await this.options.producer.send({
        topic: this.options.topicPrefix + TOPIC.gatewayReplies,
        acks: 1,
        messages: [{ key: msg.metadata.replyTo!, value: JSON.stringify(reply) }],
      });
    }
  }

  private async deadLetter(topic: string, record: KafkaMessage, err: Error): Promise<void> {
    console.error(`[${this.options.groupId}] dead-lettering a message from ${topic}: ${err.message}`);
    await this.options.producer.send({
      topic: this.options.topicPrefix + TOPIC.deadLetters,
      acks: -1,
      messages: [
        {
          key: record.key,
          value: record.value,
          headers: { ...(record.headers ?? {}), 'x-original-topic': topic, 'x-consumer-group': this.options.groupId, 'x-error': err.message.slice(0, 1000) },
        },
      ],
    });
  }
}
