import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityTables1 implements MigrationInterface {
  name = 'IdentityTables1763856000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE enterprises (sid text PRIMARY KEY, name text NOT NULL, date_created timestamptz NOT NULL DEFAULT now())`);
    // Only a hash of the token is kept: a leaked table does not let anyone call the API.
    await q.query(`CREATE TABLE accounts (
      sid text PRIMARY KEY,
      enterprise_sid text NOT NULL REFERENCES enterprises (sid),
      email text NOT NULL,
      token_hash text NOT NULL,
      date_created timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE accounts; DROP TABLE enterprises');
  }
}
