import type { Consumer } from 'kafkajs';
import { TOPIC } from '@clarion/contracts';
import { restartingRetry, sleep, superviseConsumer, type Platform } from '@clarion/platform';
import { parseConsentRecord, type ConsentRow } from './consent.records';

const GROUP = 'gateway.consent';
/** Longest wait between attempts of a batch whose write failed (the database is away). */
const RETRY_DELAY_MS_MAX = 2000;

/**
 * Keeps the gateway's consent read model current from consent.changes.v1 with a consumer group of
 * its own, shared by every gateway instance (which share the table). Each fetched batch is written
 * in one statement and only then is its offset resolved; a record read again after a crash adds
 * nothing (the message id is the key). While the database is away the batch is retried for as long
 * as that lasts, heartbeating so the group keeps the partition here; a record that breaks the
 * contract goes to the dead-letter topic and the rest flow on.
 */
export class ConsentReadModelConsumer {
  private consumer: Consumer | null = null;
  private closing = false;

  constructor(private readonly platform: Platform) {}

  async start(): Promise<void> {
    const { kafka, config } = this.platform;
    const consumer = kafka.consumer({
      groupId: config.groupPrefix + GROUP,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      retry: restartingRetry(GROUP),
    });
    this.consumer = consumer;
    // A consumer gone for good shows in /health as down instead of leaving the record silently stale.
    superviseConsumer(consumer, { closing: () => this.closing, fatal: (reason) => this.platform.health.markFatal(`consumer ${GROUP}`, reason) });
    await consumer.connect();
    await consumer.subscribe({ topic: config.topicPrefix + TOPIC.consentChanges, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => {
        const rows: ConsentRow[] = [];
        for (const record of batch.messages) {
          const parsed = parseConsentRecord(record.value);
          if (parsed.kind === 'row') rows.push(parsed.row);
          else if (parsed.kind === 'poison') await this.deadLetter(batch.topic, record.key?.toString() ?? '', record.value?.toString() ?? '', parsed.reason);
        }
        for (let attempt = 1; ; attempt++) {
          try {
            await insertConsentRows(this.platform, rows);
            break;
          } catch (err) {
            if (this.closing || !isRunning() || isStale()) return;
            if (attempt === 1 || attempt % 10 === 0) console.error(`[${GROUP}] write failed (${attempt}), retrying: ${(err as Error).message}`);
            await sleep(Math.min(RETRY_DELAY_MS_MAX, 100 * 2 ** attempt));
            await heartbeat();
          }
        }
        const last = batch.messages[batch.messages.length - 1];
        if (last) resolveOffset(last.offset);
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    this.closing = true;
    await this.consumer?.disconnect();
  }

  private async deadLetter(topic: string, key: string, value: string, reason: string): Promise<void> {
    console.error(`[${GROUP}] record dead-lettered: ${reason}`);
    await this.platform.producer.send({
      topic: this.platform.config.topicPrefix + TOPIC.deadLetters,
      acks: -1,
      messages: [{ key, value, headers: { 'x-original-topic': topic, 'x-consumer-group': GROUP, 'x-error-kind': 'poison', 'x-error': reason, 'x-failed-at': new Date().toISOString() } }],
    });
  }
}

/** One statement per batch; a row already there (a replay) is skipped. */
export async function insertConsentRows(platform: Platform, rows: readonly ConsentRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof ConsentRow>(k: K) => rows.map((r) => r[k]);
  await platform.query(
    `INSERT INTO consent_changes (message_id, enterprise_sid, msisdn, consent, optin_list, source, campaign_sid, upload_id, text, at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
     ON CONFLICT (message_id) DO NOTHING`,
    [col('messageId'), col('enterpriseSid'), col('phoneNumber'), col('consent'), col('optInList'), col('source'), col('campaignSid'), col('uploadId'), col('text'), col('at')],
  );
}
