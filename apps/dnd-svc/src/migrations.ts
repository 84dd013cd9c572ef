import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DndTables1 implements MigrationInterface {
  name = 'DndTables1763856000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE optouts (
      sid text PRIMARY KEY,
      enterprise_sid text NOT NULL,
      msisdn text NOT NULL,
      name text NOT NULL DEFAULT 'Opt-Out',
      date_created timestamptz NOT NULL DEFAULT now(),
      UNIQUE (enterprise_sid, msisdn))`);
    await q.query(`CREATE TABLE optin_numbers (
      sid text PRIMARY KEY,
      enterprise_sid text NOT NULL,
      list_name text NOT NULL,
      msisdn text NOT NULL,
      date_created timestamptz NOT NULL DEFAULT now(),
      UNIQUE (enterprise_sid, list_name, msisdn))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE optin_numbers; DROP TABLE optouts');
  }
}
