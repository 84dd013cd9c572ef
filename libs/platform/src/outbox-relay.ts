import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Producer } from 'kafkajs';
import { isSpanContextValid, SpanKind, TraceFlags } from '@opentelemetry/api';
import { TOPIC, TOPIC_SPECS, TOPIC_MESSAGE_BYTES_MAX, type Message } from '@clarion/contracts';
import { tracer } from './telemetry';

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
 * A public topic's record read back as a message (the inverse of wireValue): its fields besides
 * `type` and `metadata` are the data. An internal envelope ({ type, data, metadata }) passes as it
 * is, so a consumer of a public topic reads what the relay wrote whichever form it has.
 */
export function fromWire(parsed: unknown): unknown {
  if (!parsed || typeof parsed !== 'object' || 'data' in parsed) return parsed;
  const { type, metadata, ...data } = parsed as Record<string, unknown>;
  return { type, metadata, data };
}

/** W3C trace-context version 00: version-traceid-spanid-flags, lowercase hex, ids not all zero. */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && TRACEPARENT.test(value);
}

/**
 * The headers a row's records go out with. The README promises a W3C traceparent on every record of
 * a public topic: rows written inside a trace (a request, a consumed command, a campaign's sends)
 * carry it from their transaction; a row written outside any (a timer, a watchdog) gets a new
 * trace, begun with a PRODUCER span of its own, so a reader can still follow what it causes.
 * Internal topics go as they are: the consumers start a trace where none came.
 */
export function recordHeaders(topic: string, headers: Record<string, string> | null | undefined): Record<string, string> {
  const h = headers ?? {};
  if (!PUBLIC_TOPICS.has(topic) || isTraceparent(h.traceparent)) return h;
  // A tracestate belongs to the traceparent it came with; without a valid one it means nothing.
  const { traceparent: _invalid, tracestate: _orphan, ...rest } = h;
  return { ...rest, traceparent: newTraceparent(topic) };
}

function newTraceparent(topic: string): string {
  const span = tracer().startSpan(`publish ${topic}`, { kind: SpanKind.PRODUCER, root: true, attributes: { 'messaging.destination.name': topic } });
  span.end();
  const c = span.spanContext();
  // Without a tracer (telemetry not started) the span is a no-op with an invalid context: a random
  // one, not sampled, still lets the record's readers correlate what follows from it.
  if (isSpanContextValid(c)) return `00-${c.traceId}-${c.spanId}-${(c.traceFlags & TraceFlags.SAMPLED ? 1 : 0).toString(16).padStart(2, '0')}`;
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
}

/**
 * A batch message: one outbox row that goes out as one record per item, each a message of
 * `itemType` with the item as its data. The hot path writes one row per batch instead of one per
 * recipient; subscribers still get one record per recipient, each with its own message id.
 */
export interface FanOutData {
  itemType: string;
  items: object[];
}

function isFanOut(data: unknown): data is FanOutData {
  return !!data && typeof (data as FanOutData).itemType === 'string' && Array.isArray((data as FanOutData).items);
}

/** The values a row puts on the wire: one, or one per item of a batch message. */
export function wireValues(topic: string, value: Message): string[] {
  if (!isFanOut(value.data)) return [wireValue(topic, value)];
  const { itemType, items } = value.data;
  return items.map((item, i) => wireValue(topic, { type: itemType, data: item, metadata: { ...value.metadata, messageId: `${value.metadata.messageId}.${i}` } } as Message));
}

/** Bytes a record adds to its batch besides key, value and headers (Kafka's record framing, generously). */
const RECORD_OVERHEAD_BYTES = 64;

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: Message;
  headers: Record<string, string>;
}

interface WireRecord {
  row: OutboxRow;
  key: string;
  /** One value, or one per item of a batch message; all of one row go out in one produce. */
  values: string[];
  headers: Record<string, string>;
  bytes: number;
}

export interface RelayOptions {
  /** Rows read per round. */
  batchSize?: number;
  /**
   * Bytes one produce request may carry. All rows of one key land in one record batch, which the
   * broker refuses above the topic's max.message.bytes. Each record is counted with a generous
   * framing allowance (RECORD_OVERHEAD_BYTES), so 90 % of the limit leaves room for the batch's
   * own header. (Half of it, as before, cost the relay twice the rounds: a 1,000,000-recipient
   * campaign's deliveries fell 30 s behind its sends.)
   */
  batchBytesMax?: number;
  pollIntervalMs?: number;
}

/**
 * Moves committed outbox rows to Kafka, in order, then deletes them. A crash between send and
 * delete re-sends a batch: consumers' inboxes make that harmless. One relay per schema works at a
 * time (advisory lock), so records of one key never overtake each other across instances. Batches
 * are bounded by bytes as well as rows; a single record too large for any topic is a bug: it is
 * moved to `outbox_rejected`, reported on the dead-letter topic and in the log, and the rows behind
 * it flow on.
 */
export class OutboxRelay {
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private kicked = false;
  /** Told about a relay that keeps failing (the broker is away), and when it recovers (null). */
  onHealth: (problem: string | null) => void = () => undefined;
  relayed = 0;
  rejected = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: Producer,
    private readonly topicPrefix: string,
    private readonly options: RelayOptions = {},
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
        if (failures > 0) this.onHealth(null);
        failures = 0;
      } catch (err) {
        failures++;
        // The broker or database is away: back off (capped) and try again; rows stay in the outbox.
        if (failures === 1 || failures % 10 === 0) console.error(`[outbox] relay failed (${failures}): ${(err as Error).message}`);
        if (failures >= 3) this.onHealth(`relay failing since ${failures} attempts: ${(err as Error).message}`);
        await sleep(Math.min(5000, 100 * 2 ** failures));
        continue;
      }
      if (moved > 0 || this.kicked) continue;
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

  /** Relays one bounded batch; returns how many rows left the outbox (sent or rejected). */
  async relayOnce(batchSize: number): Promise<number> {
    const bytesMax = this.options.batchBytesMax ?? Math.floor(TOPIC_MESSAGE_BYTES_MAX * 0.9);
    return this.ds.transaction(async (m) => {
      const [lock] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtext('outbox:' || current_schema())) AS got`);
      if (!lock.got) return 0;
      // The running total in SQL keeps a round from reading a thousand large rows it cannot send;
      // `bytes` is the row's JSON size, written with it (older rows fall back to their stored size).
      const rows: OutboxRow[] = await m.query(
        `SELECT id, topic, key, value, headers FROM (
           SELECT id, topic, key, value, headers, sum(COALESCE(bytes, pg_column_size(value))) OVER (ORDER BY id) AS running, COALESCE(bytes, pg_column_size(value)) AS size
           FROM (SELECT * FROM outbox ORDER BY id LIMIT $1) first_rows) sized
         WHERE running - size <= $2 ORDER BY id`,
        [batchSize, bytesMax],
      );
      if (rows.length === 0) return 0;
      // In order, each row turned into its records only until the cut: rows after it stay for the
      // next round, untouched. A row too large for any topic is set aside as it is reached, so
      // nothing overtakes a row still waiting.
      const batch: WireRecord[] = [];
      const rejected: WireRecord[] = [];
      let bytes = 0;
      for (const row of rows) {
        const r = this.toWire(row);
        if (r.bytes > TOPIC_MESSAGE_BYTES_MAX - RECORD_OVERHEAD_BYTES) {
          rejected.push(r);
          continue;
        }
        if (batch.length > 0 && bytes + r.bytes > bytesMax) break;
        batch.push(r);
        bytes += r.bytes;
      }
      if (batch.length > 0) {
        await this.producer.sendBatch({
          acks: -1,
          topicMessages: groupByTopic(batch.flatMap((r) => r.values.map((value) => ({ topic: this.topicPrefix + r.row.topic, message: { key: r.key, value, headers: r.headers } })))),
        });
      }
      for (const r of rejected) await this.reject(m, r);
      const done = [...batch, ...rejected].map((r) => r.row.id);
      await m.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [done]);
      this.relayed += batch.reduce((n, r) => n + r.values.length, 0);
      return done.length;
    });
  }

  private toWire(row: OutboxRow): WireRecord {
    const values = wireValues(row.topic, row.value);
    const headers = recordHeaders(row.topic, row.headers);
    const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
    // Every record of a row has the same key, so they share one record batch: their sum is what the broker checks.
    const bytes = values.reduce((n, v) => n + Buffer.byteLength(v) + Buffer.byteLength(row.key) + headerBytes + RECORD_OVERHEAD_BYTES, 0);
    return { row, key: row.key, values, headers, bytes };
  }

  /** A record no topic accepts can never be sent: keep it for ops, tell them, and let the rest flow. */
  private async reject(m: { query: (sql: string, params?: unknown[]) => Promise<unknown> }, r: WireRecord): Promise<void> {
    const error = `outbox record ${r.row.id} of ${r.bytes} bytes for ${r.row.topic} exceeds max.message.bytes (${TOPIC_MESSAGE_BYTES_MAX})`;
    console.error(`${'!'.repeat(8)} BUG [outbox] ${error}; moved to outbox_rejected`);
    await m.query('INSERT INTO outbox_rejected (id, topic, key, value, headers, error) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)', [
      r.row.id,
      r.row.topic,
      r.row.key,
      JSON.stringify(r.row.value),
      JSON.stringify(r.headers),
      error,
    ]);
    const summary = JSON.stringify({ outboxId: r.row.id, topic: r.row.topic, key: r.row.key, type: r.row.value?.type, messageId: r.row.value?.metadata?.messageId, bytes: r.bytes });
    await this.producer.send({
      topic: this.topicPrefix + TOPIC.deadLetters,
      acks: -1,
      messages: [
        {
          key: r.row.key,
          value: summary,
          headers: { 'x-original-topic': r.row.topic, 'x-consumer-group': 'outbox', 'x-error-kind': 'bug', 'x-error': error, 'x-failed-at': new Date().toISOString() },
        },
      ],
    });
    this.rejected++;
  }
}

function groupByTopic(records: { topic: string; message: { key: string; value: string; headers: Record<string, string> } }[]) {
  const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
  for (const r of records) {
    if (!byTopic.has(r.topic)) byTopic.set(r.topic, []);
    byTopic.get(r.topic)!.push(r.message);
  }
  return [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
