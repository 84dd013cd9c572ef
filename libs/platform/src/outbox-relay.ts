import type { DataSource } from 'typeorm';
import type { Producer } from 'kafkajs';
import { TOPIC_SPECS, type Message } from '@clarion/contracts';

const PUBLIC_TOPICS = new Set(TOPIC_SPECS.filter((t) => t.public).map((t) => t.name));

/**
 * Public topics are read by users with any Kafka client: their value carries the event's fields
 * at the top level (plus its type and metadata), not nested in the internal envelope.
 */
export function wireValue(topic: string, value: Message): string {
  if (!PUBLIC_TOPICS.has(topic)) return JSON.stringify(value);
  return JSON.stringify({ ...(value.data as object), type: value.type, metadata: value.metadata });
}

/**
 * Moves committed outbox rows to Kafka, in order, then deletes them. A crash between send and
 * delete re-sends a batch: consumers' inboxes make that harmless. One relay per schema works at a
 * time (advisory lock), so records of one key never overtake each other across instances.
 */
export class OutboxRelay {
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private kicked = false;
  relayed = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: Producer,
    private readonly topicPrefix: string,
    private readonly options: { batchSize?: number; pollIntervalMs?: number } = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a commit that wrote outbox rows, so they leave without waiting for the poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    const pollMs = this.options.pollIntervalMs ?? 500;
    let failures = 0;
    while (this.running) {
      this.kicked = false;
      let moved = 0;
      try {
        moved = await this.relayOnce(batchSize);
        failures = 0;
      } catch (err) {
        failures++;
        // The broker or database is away: back off (capped) and try again; rows stay in the outbox.
        console.error(`[outbox] relay failed (${failures}): ${(err as Error).message}`);
        await sleep(Math.min(5000, 100 * 2 ** failures));
        continue;
      }
      if (moved >= batchSize || this.kicked) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  async relayOnce(batchSize: number): Promise<number> {
    return this.ds.transaction(async (m) => {
      const [lock] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtext('outbox:' || current_schema())) AS got`);
      if (!lock.got) return 0;
      const rows: { id: string; topic: string; key: string; value: Message; headers: Record<string, string> }[] = await m.query(
        'SELECT id, topic, key, value, headers FROM outbox ORDER BY id LIMIT $1',
        [batchSize],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const r of rows) {
        const topic = this.topicPrefix + r.topic;
        if (!byTopic.has(topic)) byTopic.set(topic, []);
        byTopic.get(topic)!.push({ key: r.key, value: wireValue(r.topic, r.value), headers: r.headers ?? {} });
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages })),
      });
      await m.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      this.relayed += rows.length;
      return rows.length;
    });
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
