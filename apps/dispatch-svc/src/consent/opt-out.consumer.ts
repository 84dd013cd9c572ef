import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { TOPIC } from '@clarion/contracts';
import { Platform, classifyError, restartingRetry, sleep, superviseConsumer, waitFor } from '@clarion/platform';
import { applyOptOutDelta, foldChanges, parseConsentRecord } from './opt-outs';

const GROUP = 'dispatch-svc.opt-outs';
/** Bytes fetched per partition and round; each round is one transaction of two statements. */
const BATCH_BYTES_MAX = 1024 * 1024;
const RETRY_DELAY_MS_MAX = 2000;

/**
 * Keeps dispatch's copy of every enterprise's opt-out list (table opt_outs) current from the public
 * consent.changes.v1, with a consumer group of its own (the service's command transport handles one
 * message per transaction, and a 1M-number upload would be a million of them). Each fetched batch
 * of a partition is folded in memory and applied in one transaction, and only then is its offset
 * committed. The key is the enterprise, so one enterprise's changes stay in order within a batch.
 *
 * While the database is away the partition is paused and the batch retried for as long as that
 * lasts (never dropped: a lost opt-out is a message to someone who said STOP); a record that can
 * never be read goes to the dead-letter topic.
 */
@Injectable()
export class OptOutConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: Consumer | null = null;
  private closing = false;
  private started: Promise<void> | null = null;

  constructor(private readonly platform: Platform) {}

  private get prefix(): string {
    return this.platform.config.topicPrefix;
  }

  onApplicationBootstrap(): void {
    // Joining the group is waited for in the background, so a slow rejoin never holds the service back.
    this.started = waitFor('the opt-out list consumer', () => (this.closing ? Promise.resolve() : this.start())).catch((err: Error) => {
      this.platform.health.markFatal(`consumer ${GROUP}`, err.message);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.started;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = null;
  }

  private async start(): Promise<void> {
    const consumer = this.platform.kafka.consumer({
      groupId: this.platform.config.groupPrefix + GROUP,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: BATCH_BYTES_MAX,
      // A little waiting gathers an upload's records into large batches; a single STOP still lands within 100 ms.
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      retry: restartingRetry(GROUP),
    });
    this.consumer = consumer;
    superviseConsumer(consumer, { closing: () => this.closing, fatal: (reason) => this.platform.health.markFatal(`consumer ${GROUP}`, reason) });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.prefix + TOPIC.consentChanges], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 1,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary, pause }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const changes = [];
    for (const record of batch.messages) {
      const parsed = parseConsentRecord(record.value);
      if (parsed.kind === 'change') changes.push(parsed);
      else if (parsed.kind === 'poison') await this.deadLetter(batch.topic, batch.partition, record, parsed.reason);
    }
    const delta = foldChanges(changes);
    let resume: (() => void) | null = null;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.platform.tx((tx) => applyOptOutDelta(tx, delta));
          break;
        } catch (err) {
          // Every failure is retried: dropping an opt-out is never the safe side. A bug shows in the log and in health.
          const kind = classifyError(err);
          this.platform.health.markDegraded(`consumer ${GROUP}`, `retrying a batch (attempt ${attempt}, ${kind}): ${(err as Error).message}`);
          if (!resume) resume = pause();
          if (attempt === 1 || attempt % 20 === 0) console.error(`[${GROUP}] a batch of ${batch.messages.length} consent changes waits (attempt ${attempt}): ${(err as Error).message}`);
          await sleep(Math.min(RETRY_DELAY_MS_MAX, 20 * 2 ** Math.min(attempt, 16)) * (0.5 + Math.random()));
          await heartbeat().catch(() => undefined);
          if (!isRunning() || isStale()) return; // rebalanced away: the batch stays unacknowledged
        }
      }
    } finally {
      this.platform.health.clearDegraded(`consumer ${GROUP}`);
      resume?.();
    }
    resolveOffset(batch.messages[batch.messages.length - 1].offset);
    await heartbeat();
    await commitOffsetsIfNecessary();
  }

  /** Parks a record that can never be read, with where it came from; retried until the broker has it. */
  private async deadLetter(topic: string, partition: number, record: KafkaMessage, reason: string): Promise<void> {
    console.error(`[${GROUP}] dead-lettering ${topic}[${partition}]@${record.offset}: ${reason}`);
    const headers = {
      ...(record.headers ?? {}),
      'x-original-topic': topic.slice(this.prefix.length),
      'x-original-partition': String(partition),
      'x-original-offset': record.offset,
      'x-consumer-group': GROUP,
      'x-error-kind': 'poison',
      'x-error': reason.slice(0, 1000),
      'x-failed-at': new Date().toISOString(),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.platform.producer.send({ topic: this.prefix + TOPIC.deadLetters, acks: -1, messages: [{ key: record.key, value: record.value, headers }] });
        return;
      } catch (err) {
        if (attempt === 1 || attempt % 20 === 0) console.error(`[${GROUP}] dead letter not written yet (attempt ${attempt}): ${(err as Error).message}`);
        await sleep(Math.min(RETRY_DELAY_MS_MAX, 20 * 2 ** Math.min(attempt, 16)));
      }
    }
  }
}
