import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, EntityManager } from 'typeorm';
import type { Message } from '@clarion/contracts';
import { currentTraceHeaders } from './telemetry';

export interface OutgoingRecord {
  topic: string;
  key: string;
  message: Message;
  /**
   * The W3C trace context the record carries. Absent: the active span's at commit. Given: the trace
   * of what caused the record when that is not the active span, e.g. a timer settling a campaign's
   * sends carries the campaign's trace.
   */
  traceHeaders?: Record<string, string>;
}

/**
 * A unit of work: the state change and the messages it will publish commit together, so a crash
 * can lose neither one without the other (transactional outbox).
 */
export class Tx {
  private readonly outgoing: OutgoingRecord[] = [];
  constructor(readonly manager: EntityManager) {}

  /** Rows of any statement, including UPDATE … RETURNING (TypeORM's plain query() wraps those). */
  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.manager.queryRunner!.query(sql, params, true);
    return result.records as T[];
  }

  /**
   * Bulk-loads rows with COPY … FROM STDIN inside this transaction: no statement to parse and
   * plan per row or array, no ON CONFLICT probe. `columns` are trusted names; values are text
   * (null for NULL), escaped for COPY's text format.
   */
  async copyRows(table: string, columns: string[], rows: (string | number | null)[][]): Promise<void> {
    if (rows.length === 0) return;
    const client = (await this.manager.queryRunner!.connect()) as PoolClient;
    const text = rows.map((r) => r.map(copyText).join('\t')).join('\n') + '\n';
    await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
  }

  publish(topic: string, key: string, message: Message, traceHeaders?: Record<string, string>): void {
    this.outgoing.push({ topic, key, message, traceHeaders });
  }

  /** @internal called by runInTx before commit. */
  async flushOutbox(): Promise<number> {
    if (this.outgoing.length === 0) return 0;
    const active = JSON.stringify(currentTraceHeaders());
    // One multi-row insert per chunk keeps a 1,000-recipient batch to a few round trips.
    for (let i = 0; i < this.outgoing.length; i += 500) {
      const chunk = this.outgoing.slice(i, i + 500);
      const values = chunk.map((r) => JSON.stringify(r.message));
      const headers = chunk.map((r) => (r.traceHeaders ? JSON.stringify(r.traceHeaders) : active));
      // The JSON size goes with the row, so the relay can cut its batches by bytes without reading them.
      await this.manager.query(
        `INSERT INTO outbox (topic, key, value, headers, bytes)
         SELECT t, k, v::jsonb, h::jsonb, b FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS x(t, k, v, h, b)`,
        [chunk.map((r) => r.topic), chunk.map((r) => r.key), values, headers, values.map((v) => Buffer.byteLength(v))],
      );
    }
    return this.outgoing.length;
  }
}

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped; \\N is NULL. */
export function copyText(v: string | number | null): string {
  if (v === null) return '\\N';
  return String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

/** A statement outside any transaction, with its rows (see Tx.query). */
export async function queryRows<T = any>(ds: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = ds.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return result.records as T[];
  } finally {
    await runner.release();
  }
}

export async function runInTx<T>(ds: DataSource, work: (tx: Tx) => Promise<T>, onCommitted?: (published: number) => void): Promise<T> {
  let published = 0;
  const result = await ds.transaction(async (manager) => {
    const tx = new Tx(manager);
    const value = await work(tx);
    published = await tx.flushOutbox();
    return value;
  });
  if (published > 0) onCommitted?.(published);
  return result;
}
