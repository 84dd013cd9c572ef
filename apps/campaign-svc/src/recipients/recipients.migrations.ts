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
