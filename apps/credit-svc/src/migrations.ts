import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LedgerTables1 implements MigrationInterface {
  name = 'LedgerTables1763856000001';
  async up(q: QueryRunner): Promise<void> {
    // The checks are the ledger's last line of defence: even a wrong decider cannot drive a balance below zero.
    await q.query(`CREATE TABLE accounts (
      enterprise_sid text PRIMARY KEY,
      credited bigint NOT NULL DEFAULT 0,
      reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
      used bigint NOT NULL DEFAULT 0 CHECK (used >= 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (credited - reserved - used >= 0))`);
    await q.query(`CREATE TABLE holds (
      hold_id text PRIMARY KEY,
      enterprise_sid text NOT NULL,
      amount bigint NOT NULL CHECK (amount > 0),
      status text NOT NULL CHECK (status IN ('pending', 'posted', 'voided')),
      posted_amount bigint NOT NULL DEFAULT 0 CHECK (posted_amount >= 0 AND posted_amount <= amount),
      commit_request bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    // Top-ups and reductions: immutable; a correction is a new row.
    await q.query(`CREATE TABLE entries (
      sid text PRIMARY KEY,
      enterprise_sid text NOT NULL,
      credit bigint NOT NULL CHECK (credit <> 0),
      description text,
      account_sid text,
      account_email text,
      date_created timestamptz NOT NULL)`);
    await q.query('CREATE INDEX entries_enterprise ON entries (enterprise_sid, date_created)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE entries; DROP TABLE holds; DROP TABLE accounts');
  }
}

/** Holds get a deadline, found through an index of the pending ones only (a hold leaves it once). */
export class LedgerTables2 implements MigrationInterface {
  name = 'LedgerTables21764000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE holds ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now() + interval '7 days'`);
    await q.query(`CREATE INDEX holds_pending_expiry ON holds (expires_at) WHERE status = 'pending'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX holds_pending_expiry; ALTER TABLE holds DROP COLUMN expires_at');
  }
}

/**
 * Campaign charges join the credit history as debit entries. Holds posted before this version get
 * theirs here, with the sid credit-svc derives (chargeEntrySid) and the time the hold was posted,
 * so an existing enterprise's history adds up to its balance too.
 */
export class LedgerTables3 implements MigrationInterface {
  name = 'LedgerTables31765000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO entries (sid, enterprise_sid, credit, description, account_sid, account_email, date_created)
      SELECT 'ENC' || left(encode(sha256(convert_to(enterprise_sid, 'UTF8') || '\\x00'::bytea || convert_to('charge', 'UTF8') || '\\x00'::bytea || convert_to(hold_id, 'UTF8')), 'hex'), 32),
             enterprise_sid, -posted_amount, 'Campaign ' || hold_id, NULL, NULL, updated_at
      FROM holds WHERE status = 'posted' AND posted_amount > 0
      ON CONFLICT (sid) DO NOTHING`);
  }
  async down(): Promise<void> {
    // The backfilled entries are indistinguishable from later charges; they stay.
  }
}
