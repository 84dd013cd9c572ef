import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import { TOPIC } from '@clarion/contracts';
import { classifyError, restartingRetry, sleep, superviseConsumer, type Platform } from '@clarion/platform';
import { parseReportRecord, REPORT_TOPICS, type CampaignFact, type ReportRow } from './report-records';
import { appendToReport } from './report.store';

export interface ReportConsumerOptions {
  /** Attempts for a batch whose write fails with an error that is neither retriable nor poison (a bug) before it is dead-lettered. */
  bugAttemptsMax?: number;
  retryDelayMsMax?: number;
  /** Bytes fetched per partition and round: each round is one transaction with one COPY. */
  batchBytesMax?: number;
}

const GROUP = 'gateway.recipients-report';

/** The consumer was rebalanced away or is stopping while a batch waited for a retry: leave it unacknowledged. */
class Abandoned extends Error {}

type Control = Pick<EachBatchPayload, 'heartbeat' | 'pause'> & { live: () => boolean };

/**
 * Keeps the recipients report current from dnd-svc's RecipientsFiltered, the public deliveries and
 * status topics, with a consumer group of its own. The hot path is batch-shaped: each fetched batch
 * of a partition (up to batchBytesMax, ~3,000 delivery records) is parsed in memory and written in
 * one transaction with one COPY, and only then is its offset committed. There is no inbox: a batch
 * read again after a crash appends rows identical to those already there, which the report's read
 * ignores (report.migrations.ts).
 *
 * Errors follow the platform's taxonomy (libs/platform errors.ts), as the transport does: while the
 * database is away the partition is paused and the write retried for as long as that lasts, with
 * the gateway reporting itself degraded; a record that can never be read goes to the dead-letter
 * topic; a batch whose write keeps failing for another reason (a bug) is dead-lettered after
 * bugAttemptsMax attempts, so it cannot stall its partition.
 */
export class RecipientsReportConsumer {
  private consumer: Consumer | null = null;
  private closing = false;

  constructor(
    private readonly platform: Platform,
    private readonly options: ReportConsumerOptions = {},
    private readonly onFatal?: (reason: string) => void,
  ) {}

  private get prefix(): string {
    return this.platform.config.topicPrefix;
  }

  async start(): Promise<void> {
    const consumer = this.platform.kafka.consumer({
      groupId: this.platform.config.groupPrefix + GROUP,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: this.options.batchBytesMax ?? 1024 * 1024,
      // A fetch waits for some bytes to gather (up to half a second) rather than answering each
      // record on its own: at 9,000 deliveries a second that makes a few large transactions a second
      // instead of hundreds of small ones.
      minBytes: 64 * 1024,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
      retry: restartingRetry(GROUP),
    });
    this.consumer = consumer;
    superviseConsumer(consumer, { closing: () => this.closing, fatal: (reason) => this.fatal(reason) });
    await consumer.connect();
    await consumer.subscribe({ topics: REPORT_TOPICS.map((t) => this.prefix + t), fromBeginning: true });
    await consumer.run({
      // One partition at a time: the writes go to one table and dispatch needs the CPU more than
      // the report needs to be a few hundred milliseconds fresher.
      partitionsConsumedConcurrently: 1,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.closing = true;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = null;
  }

  private fatal(reason: string): void {
    if (this.closing) return;
    this.platform.health.markFatal(`consumer ${GROUP}`, reason);
    console.error(`[${GROUP}] FATAL: ${reason}`);
    this.onFatal?.(reason);
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary, pause }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const control: Control = { heartbeat, pause, live: () => isRunning() && !isStale() };
    const topic = batch.topic.slice(this.prefix.length);
    const where = (m: KafkaMessage) => ({ topic, partition: batch.partition, offset: m.offset });
    const rows: ReportRow[] = [];
    const facts: CampaignFact[] = [];
    const written: KafkaMessage[] = [];
    const poison: { record: KafkaMessage; reason: string }[] = [];
    for (const record of batch.messages) {
      const parsed = parseReportRecord(topic, record.value);
      if (parsed.kind === 'rows') rows.push(...parsed.rows);
      else if (parsed.kind === 'campaign') facts.push(parsed.campaign);
      else if (parsed.kind === 'poison') poison.push({ record, reason: parsed.reason });
      if (parsed.kind === 'rows' || parsed.kind === 'campaign') written.push(record);
    }
    try {
      if (written.length > 0) {
        const outcome = await this.write(rows, facts, `${topic}[${batch.partition}]`, control);
        if (outcome !== 'written') {
          for (const record of written) await this.deadLetter(where(record), record, 'bug', outcome, control);
        }
      }
      for (const p of poison) await this.deadLetter(where(p.record), p.record, 'poison', new Error(p.reason), control);
    } catch (err) {
      if (err instanceof Abandoned) return;
      throw err;
    }
    resolveOffset(batch.messages[batch.messages.length - 1].offset);
    await heartbeat();
    await commitOffsetsIfNecessary();
  }

  /** 'written', or the error of a write that failed as a bug bugAttemptsMax times. */
  private async write(rows: ReportRow[], facts: CampaignFact[], component: string, control: Control): Promise<'written' | Error> {
    const bugAttemptsMax = this.options.bugAttemptsMax ?? 3;
    let bugAttempts = 0;
    let resume: (() => void) | null = null;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.platform.tx((tx) => appendToReport(tx, rows, facts));
          return 'written';
        } catch (err) {
          let kind = classifyError(err);
          // As in the transport: an unrecognised error while the database is unreachable is the outage in disguise.
          if (kind === 'bug' && (await this.platform.health.probeDatabase()) !== null) kind = 'retriable';
          if (kind !== 'retriable' && ++bugAttempts >= bugAttemptsMax) {
            console.error(`${'!'.repeat(8)} BUG [${GROUP}] writing ${rows.length} report rows of ${component} failed ${bugAttempts} times: ${(err as Error).stack ?? err}`);
            return err as Error;
          }
          if (kind === 'retriable') {
            this.platform.health.markDegraded(`${GROUP} ${component}`, `retrying a batch (attempt ${attempt}): ${(err as Error).message}`);
            if (!resume) resume = control.pause();
            if (attempt === 1 || attempt % 20 === 0) console.error(`[${GROUP}] a batch of ${component} waits for the infrastructure (attempt ${attempt}): ${(err as Error).message}`);
          }
          await this.waitBeforeRetry(attempt, control);
        }
      }
    } finally {
      this.platform.health.clearDegraded(`${GROUP} ${component}`);
      resume?.();
    }
  }

  private async waitBeforeRetry(attempt: number, control: Control): Promise<void> {
    const capMs = this.options.retryDelayMsMax ?? 2000;
    await sleep(Math.min(capMs, 20 * 2 ** Math.min(attempt, 16)) * (0.5 + Math.random()));
    await control.heartbeat().catch(() => undefined);
    if (!control.live()) throw new Abandoned();
  }

  /** Parks a record with what ops need to judge and replay it (the transport's headers); retried until the broker has it. */
  private async deadLetter(where: { topic: string; partition: number; offset: string }, record: KafkaMessage, kind: 'poison' | 'bug', err: Error, control: Control): Promise<void> {
    console.error(`[${GROUP}] dead-lettering ${kind} record ${where.topic}[${where.partition}]@${where.offset}: ${err.message}`);
    const headers: IHeaders = {
      ...(record.headers ?? {}),
      'x-original-topic': where.topic,
      'x-original-partition': String(where.partition),
      'x-original-offset': where.offset,
      'x-consumer-group': GROUP,
      'x-error-kind': kind,
      'x-error': err.message.slice(0, 1000),
      'x-failed-at': new Date().toISOString(),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.platform.producer.send({ topic: this.prefix + TOPIC.deadLetters, acks: -1, messages: [{ key: record.key, value: record.value, headers }] });
        return;
      } catch (sendErr) {
        if (attempt === 1 || attempt % 20 === 0) console.error(`[${GROUP}] dead letter not written yet (attempt ${attempt}): ${(sendErr as Error).message}`);
        await this.waitBeforeRetry(attempt, control);
      }
    }
  }
}
