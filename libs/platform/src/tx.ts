import type { DataSource, EntityManager } from 'typeorm';
import type { Message } from '@clarion/contracts';
import { currentTraceHeaders } from './telemetry';

export interface OutgoingRecord {
  topic: string;
  key: string;
  message: Message;
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

  publish(topic: string, key: string, message: Message): void {
    this.outgoing.push({ topic, key, message });
  }

  /** @internal called by runInTx before commit. */
  async flushOutbox(): Promise<number> {
    if (this.outgoing.length === 0) return 0;
    const headers = JSON.stringify(currentTraceHeaders());
    // One multi-row insert per chunk keeps a 1,000-recipient batch to a few round trips.
    for (let i = 0; i < this.outgoing.length; i += 500) {
      const chunk = this.outgoing.slice(i, i + 500);
      const values = chunk.map((r) => JSON.stringify(r.message));
      // The JSON size goes with the row, so the relay can cut its batches by bytes without reading them.
      await this.manager.query(
        `INSERT INTO outbox (topic, key, value, headers, bytes)
         SELECT t, k, v::jsonb, $4::jsonb, b FROM unnest($1::text[], $2::text[], $3::text[], $5::int[]) AS x(t, k, v, b)`,
        [chunk.map((r) => r.topic), chunk.map((r) => r.key), values, headers, values.map((v) => Buffer.byteLength(v))],
      );
    }
    return this.outgoing.length;
  }
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
