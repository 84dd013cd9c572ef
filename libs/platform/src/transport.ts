import { Server, type CustomTransportStrategy, BaseRpcContext } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import type { Consumer, Kafka, KafkaMessage, Producer, IHeaders } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { TOPIC, message, type Message, type Reply, type ClarionError } from '@clarion/contracts';
import { runInTx, Tx } from './tx';
import { OutboxRelay, fromWire, sleep } from './outbox-relay';
import { PoisonMessageError, classifyError, type ErrorKind } from './errors';
import type { ServiceHealth } from './health';
import { contextFromHeaders, withSpan, SpanKind } from './telemetry';
import { restartingRetry, superviseConsumer } from './consumer-supervision';

/** What a handler gets besides the message: the transaction its effects must use. */
export class MessageContext extends BaseRpcContext<[Tx | null, string]> {
  private replyValue: Reply['data']['result'] | null = null;
  constructor(
    readonly tx: Tx | null,
    readonly topic: string,
    readonly incoming: Message,
  ) {
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
  health: ServiceHealth;
  groupId: string;
  topicPrefix: string;
  /** Topics whose messages change state: handled once each, inside a transaction with the inbox. */
  commandTopics: string[];
  /** Topics of read-only requests: no transaction, no inbox, the reply is sent straight away. */
  queryTopics?: string[];
  /** Attempts for an error that is neither retriable nor poison (a bug) before it is dead-lettered. */
  bugAttemptsMax?: number;
  retryDelayMsMax?: number;
  partitionsConsumedConcurrently?: number;
  /** Called when a consumer stopped for good; the process's main exits so that its supervisor restarts it. */
  onFatal?: (reason: string) => void;
}

/** The schema versions of `data` this build reads; a newer one is poison until the service is upgraded. */
export const SCHEMA_VERSION_MAX = 1;

/** The consumer was rebalanced away or is stopping while a message waited for a retry: leave it unacknowledged. */
class Abandoned extends Error {}

/**
 * A NestJS transport over Kafka that gives each handler exactly-once effects on top of Kafka's
 * at-least-once delivery: the inbox row, the handler's writes and its outgoing messages commit in
 * one Postgres transaction. What a handler throws is classified (errors.ts): an infrastructure error
 * is retried for as long as it lasts, with the partition paused and the service reporting itself
 * degraded, so a database restart never loses a message; a poison message or a bug goes to the
 * dead-letter topic with its error and original headers, so it cannot stall its partition.
 */
export class KafkaTransport extends Server implements CustomTransportStrategy {
  private consumers: Consumer[] = [];
  private closing = false;

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
    this.closing = true;
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
    this.consumers = [];
  }

  private fatal(reason: string): void {
    if (this.closing) return;
    this.options.health.markFatal(`consumer ${this.options.groupId}`, reason);
    console.error(`[${this.options.groupId}] FATAL: ${reason}`);
    this.options.onFatal?.(reason);
  }

  private async consume(groupId: string, topics: string[], transactional: boolean): Promise<Consumer> {
    const o = this.options;
    const consumer = o.kafka.consumer({
      groupId: o.topicPrefix + groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
      // kafkajs restarts a crashed consumer by itself; one that crashes again and again is stuck
      // for good, and the process exits so that its supervisor starts it afresh.
      retry: restartingRetry(groupId),
    });
    superviseConsumer(consumer, { closing: () => this.closing, fatal: (reason) => this.fatal(`${groupId}: ${reason}`) });
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => o.topicPrefix + t), fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 3,
      // Offsets are committed at most twice a second; a redelivery after a crash is absorbed by the inbox.
      autoCommitInterval: 500,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary, pause }) => {
        const live = () => isRunning() && !isStale();
        for (const record of batch.messages) {
          if (!live()) break;
          try {
            await this.handleRecord(batch.topic.slice(o.topicPrefix.length), batch.partition, record, transactional, { heartbeat, live, pause });
          } catch (err) {
            if (err instanceof Abandoned) break;
            throw err;
          }
          resolveOffset(record.offset);
          await heartbeat();
          await commitOffsetsIfNecessary();
        }
      },
    });
    await Promise.race([joined, sleep(60000)]);
    return consumer;
  }

  private async handleRecord(
    topic: string,
    partition: number,
    record: KafkaMessage,
    transactional: boolean,
    control: { heartbeat: () => Promise<void>; live: () => boolean; pause: () => () => void },
  ): Promise<void> {
    const where = { topic, partition, offset: record.offset };
    let msg: Message;
    try {
      msg = decode(record);
    } catch (err) {
      await this.deadLetter(where, record, 'poison', err as Error, control);
      return;
    }
    const handler = this.getHandlerByPattern(msg.type);
    // A topic carries several message types; each service handles the ones it declares.
    if (!handler) return;
    if ((msg.metadata.schemaVersion ?? 1) > SCHEMA_VERSION_MAX) {
      await this.deadLetter(where, record, 'poison', new PoisonMessageError(`${msg.type} has schema version ${msg.metadata.schemaVersion}; this build reads up to ${SCHEMA_VERSION_MAX}`), control);
      return;
    }
    const parent = contextFromHeaders(record.headers as Record<string, unknown>);
    const component = `${topic}[${partition}]`;
    const bugAttemptsMax = this.options.bugAttemptsMax ?? 3;
    let resume: (() => void) | null = null;
    let bugAttempts = 0;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await withSpan(`consume ${msg.type}`, { parent, kind: SpanKind.CONSUMER, attributes: { 'messaging.destination.name': topic, 'clarion.message.type': msg.type } }, async () => {
            if (transactional) await this.handleOnce(topic, msg, handler);
            else await this.handleQuery(topic, msg, handler);
          });
          return;
        } catch (err) {
          let kind = classifyError(err);
          // A "bug" seen while the database is unreachable is most likely the outage in disguise
          // (an error text we do not recognise): it waits like any other infrastructure error.
          if (kind === 'bug' && (await this.options.health.probeDatabase()) !== null) kind = 'retriable';
          if (kind === 'bug') bugAttempts++;
          if (kind === 'poison' || (kind === 'bug' && bugAttempts >= bugAttemptsMax)) {
            await this.deadLetter(where, record, kind, err as Error, control);
            return;
          }
          if (kind === 'retriable') {
            this.options.health.markDegraded(component, `retrying ${msg.type} (attempt ${attempt}): ${(err as Error).message}`);
            // Stop fetching this partition while its head waits; the other partitions go on.
            if (!resume) resume = control.pause();
            if (attempt === 1 || attempt % 20 === 0)
              console.error(`[${this.options.groupId}] ${msg.type} on ${component} waits for the infrastructure (attempt ${attempt}): ${(err as Error).message}`);
          }
          await this.waitBeforeRetry(attempt, control);
        }
      }
    } finally {
      this.options.health.clearDegraded(component);
      resume?.();
    }
  }

  /** Capped, jittered backoff that keeps the group membership alive and gives up the record on a rebalance. */
  private async waitBeforeRetry(attempt: number, control: { heartbeat: () => Promise<void>; live: () => boolean }): Promise<void> {
    const capMs = this.options.retryDelayMsMax ?? 2000;
    const delayMs = Math.min(capMs, 20 * 2 ** Math.min(attempt, 16)) * (0.5 + Math.random());
    await sleep(delayMs);
    await control.heartbeat().catch(() => undefined);
    if (!control.live()) throw new Abandoned();
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

  /**
   * Parks a message that can never succeed, with what ops need to judge and replay it. The offset
   * moves on only once the broker has the dead letter, so writing it is retried like any other
   * infrastructure wait.
   */
  private async deadLetter(
    where: { topic: string; partition: number; offset: string },
    record: KafkaMessage,
    kind: Exclude<ErrorKind, 'retriable'>,
    err: Error,
    control: { heartbeat: () => Promise<void>; live: () => boolean },
  ): Promise<void> {
    const line = `[${this.options.groupId}] dead-lettering ${kind} message ${where.topic}[${where.partition}]@${where.offset}: ${err.message}`;
    if (kind === 'bug') console.error(`${'!'.repeat(8)} BUG ${line}\n${err.stack ?? ''}`);
    else console.error(line);
    const headers: IHeaders = {
      ...(record.headers ?? {}),
      'x-original-topic': where.topic,
      'x-original-partition': String(where.partition),
      'x-original-offset': where.offset,
      'x-consumer-group': this.options.groupId,
      'x-error-kind': kind,
      'x-error': err.message.slice(0, 1000),
      'x-failed-at': new Date().toISOString(),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.producer.send({ topic: this.options.topicPrefix + TOPIC.deadLetters, acks: -1, messages: [{ key: record.key, value: record.value, headers }] });
        return;
      } catch (sendErr) {
        if (attempt === 1 || attempt % 20 === 0) console.error(`[${this.options.groupId}] dead letter not written yet (attempt ${attempt}): ${(sendErr as Error).message}`);
        await this.waitBeforeRetry(attempt, control);
      }
    }
  }
}

/** The internal envelope, or a PoisonMessageError saying why the record is not one. */
export function decode(record: Pick<KafkaMessage, 'value'>): Message {
  let msg: Message;
  try {
    // Public topics (consent.changes.v1, read by dispatch-svc) carry the data flattened: fromWire.
    msg = fromWire(JSON.parse(record.value?.toString('utf8') ?? 'null')) as Message;
  } catch (err) {
    throw new PoisonMessageError(`undecodable record: ${(err as Error).message}`);
  }
  if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string' || typeof msg.metadata?.messageId !== 'string' || msg.data === undefined) {
    throw new PoisonMessageError('not a Clarion message envelope ({ type, data, metadata.messageId })');
  }
  return msg;
}
