import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seed 001's per-recipient fields, kept with each number as uploaded: what GET …/contacts lists and
 * what a re-requested filtering sends again. Nullable, so plain campaigns' rows stay as narrow as before.
 */
export class RecipientFields4 implements MigrationInterface {
  name = 'RecipientFields41765200000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE recipients ADD COLUMN name text, ADD COLUMN custom1 text, ADD COLUMN custom2 text');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE recipients DROP COLUMN name, DROP COLUMN custom1, DROP COLUMN custom2');
  }
}

/**
 * The numbers a call_duplicate_numbers campaign calls more than once: the recipients table keeps a
 * number once (its first batch, its fields), and each batch that listed it again keeps here how many
 * more calls it asked for. A re-requested filtering sends those copies again with their batch.
 */
export class RecipientCopies5 implements MigrationInterface {
  name = 'RecipientCopies51765700000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE recipient_copies (
      campaign_sid text NOT NULL,
      batch_no integer NOT NULL,
      msisdn text NOT NULL,
      copies integer NOT NULL,
      PRIMARY KEY (campaign_sid, batch_no, msisdn))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recipient_copies');
  }
}
