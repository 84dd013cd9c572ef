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

/**
 * Opt-in lists of their own and the indexes the REST searches need. A named opt-in list exists
 * once an upload has created it (FindOptInList answers it even after its last number is deleted),
 * and it keeps its count of numbers, changed in the same transaction as the numbers, so that the
 * question "does this list exist, and how large is it" costs one row read however long the list.
 * Existing opt-in numbers are counted into their lists.
 */
export class DndTables2 implements MigrationInterface {
  name = 'DndTables21767225600002';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE optin_lists (
      enterprise_sid text NOT NULL,
      name text NOT NULL,
      numbers bigint NOT NULL CHECK (numbers >= 0),
      date_created timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (enterprise_sid, name))`);
    await q.query(`INSERT INTO optin_lists (enterprise_sid, name, numbers, date_created)
      SELECT enterprise_sid, list_name, count(*), min(date_created) FROM optin_numbers GROUP BY enterprise_sid, list_name`);
    // Searches by date within an enterprise's list, in either direction, with sid breaking ties so
    // that pages never overlap; the UNIQUE constraints already serve the searches by number.
    await q.query('CREATE INDEX optouts_by_date ON optouts (enterprise_sid, date_created, sid)');
    await q.query('CREATE INDEX optin_numbers_by_list_date ON optin_numbers (enterprise_sid, list_name, date_created, sid)');
    // An opt-in search need not name a list: then it spans all of the enterprise's lists.
    await q.query('CREATE INDEX optin_numbers_by_date ON optin_numbers (enterprise_sid, date_created, sid)');
    await q.query('CREATE INDEX optin_numbers_by_number ON optin_numbers (enterprise_sid, msisdn)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX optin_numbers_by_number; DROP INDEX optin_numbers_by_date; DROP INDEX optin_numbers_by_list_date; DROP INDEX optouts_by_date; DROP TABLE optin_lists');
  }
}

/**
 * The consent record: one row per change of an enterprise's lists, never updated or deleted, so
 * that "when and how did this number opt out or in" has an answer for as long as the row lives.
 * The history of a number is read newest first (enterprise, number, id).
 */
export class DndTables3 implements MigrationInterface {
  name = 'DndTables31780000000003';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE consent_changes (
      id bigserial PRIMARY KEY,
      enterprise_sid text NOT NULL,
      msisdn text NOT NULL,
      consent text NOT NULL CHECK (consent IN ('opted-out', 'opted-in')),
      optin_list text,
      source text NOT NULL CHECK (source IN ('reply', 'upload', 'api')),
      campaign_sid text,
      upload_id text,
      text text,
      at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX consent_changes_by_number ON consent_changes (enterprise_sid, msisdn, id)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE consent_changes');
  }
}
