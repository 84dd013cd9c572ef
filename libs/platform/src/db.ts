import { Client } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

/**
 * Opens the service's own schema. Each service owns exactly one schema and never reads
 * another's; search_path makes unqualified table names resolve to it.
 */
export async function openDatabase(options: { url: string; schema: string; migrations: MigrationClass[]; poolMax?: number }): Promise<DataSource> {
  assertIdentifier(options.schema);
  await ensureDatabaseExists(options.url);
  const ds = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    migrations: [PlatformTables, PlatformTables2, PlatformQueueTables3, ...options.migrations],
    migrationsTableName: 'migrations',
    migrationsRun: false,
    logging: false,
    // Bounded waits everywhere: a connection attempt to a server that does not answer, a query on a
    // connection that went silent (a frozen network), a transaction left open by a stuck client.
    // Each ends in an error the transport classifies as retriable, instead of hanging for ever.
    extra: {
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: 5000,
      query_timeout: 60000,
      keepAlive: true,
      options: `-c search_path=${options.schema} -c idle_in_transaction_session_timeout=60000`,
    },
  });
  await ds.initialize();
  // Several instances may start at once: the advisory lock makes schema creation and
  // migrations happen once, the others wait and then find nothing left to do.
  const runner = ds.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${options.schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${options.schema}`]).catch(() => undefined);
    await runner.release();
  }
  return ds;
}

/** Creates the database named in the URL when the server is reachable but the database is not there yet. */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  assertIdentifier(dbName);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${dbName}"`).catch((err: { code?: string }) => {
        // Another instance created it between our check and our create.
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
    }
  } finally {
    await client.end();
  }
}

function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
}

/** Mechanism tables every service has in its own schema: event store, outbox, inbox. */
export class PlatformTables implements MigrationInterface {
  name = 'PlatformTables1763856000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE events (
      global_position bigserial PRIMARY KEY,
      stream_id text NOT NULL,
      version integer NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (stream_id, version))`);
    await q.query(`CREATE TABLE snapshots (stream_id text PRIMARY KEY, version integer NOT NULL, state jsonb NOT NULL)`);
    await q.query(`CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      topic text NOT NULL,
      key text NOT NULL,
      value jsonb NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE inbox (message_id text PRIMARY KEY, topic text NOT NULL, handled_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE inbox; DROP TABLE outbox; DROP TABLE snapshots; DROP TABLE events');
  }
}

/** Records the outbox relay could never send (larger than any topic takes), kept for ops to inspect. */
export class PlatformTables2 implements MigrationInterface {
  name = 'PlatformTables21764000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE outbox_rejected (
      id bigint PRIMARY KEY,
      topic text NOT NULL,
      key text NOT NULL,
      value jsonb NOT NULL,
      headers jsonb NOT NULL,
      error text NOT NULL,
      rejected_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox_rejected');
  }
}

/**
 * The outbox records each row's JSON size (`bytes`), by which the relay cuts its batches.
 *
 * The outbox and the inbox churn: every row of the outbox is deleted seconds after its insert, and
 * the inbox gets a row for every handled message. Left to the default thresholds (20% of the table
 * dead before a vacuum) they bloat faster than autovacuum reclaims them, so they are vacuumed after
 * a fixed number of dead rows, without the cost-based pauses, and the outbox leaves room on each
 * page (fillfactor) for its few updates.
 */
export class PlatformQueueTables3 implements MigrationInterface {
  name = 'PlatformQueueTables31764500000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN bytes integer');
    for (const table of ['outbox', 'inbox']) {
      await q.query(`ALTER TABLE ${table} SET (fillfactor = 90, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0.05)`);
    }
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP COLUMN bytes');
    for (const table of ['outbox', 'inbox'])
      await q.query(
        `ALTER TABLE ${table} RESET (fillfactor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold, autovacuum_vacuum_cost_delay, autovacuum_analyze_scale_factor)`,
      );
  }
}
