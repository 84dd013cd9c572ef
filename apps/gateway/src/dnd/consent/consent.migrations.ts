import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's read model of consent.changes.v1 (consent.consumer.ts): one row per ConsentChanged,
 * keyed by its message id, so a record read again after a crash adds nothing. A number's history
 * is read newest first within an enterprise, and the CSV export reads an enterprise's changes in
 * time order; each has its index. Rows are never updated.
 */
export class GatewayConsentTables1 implements MigrationInterface {
  name = 'GatewayConsentTables11780000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE consent_changes (
      message_id text PRIMARY KEY,
      enterprise_sid text NOT NULL,
      msisdn text NOT NULL,
      consent text NOT NULL,
      optin_list text,
      source text NOT NULL,
      campaign_sid text,
      upload_id text,
      text text,
      at timestamptz NOT NULL)`);
    await q.query('CREATE INDEX consent_changes_by_number ON consent_changes (enterprise_sid, msisdn, at DESC, message_id DESC)');
    await q.query('CREATE INDEX consent_changes_by_time ON consent_changes (enterprise_sid, at, message_id)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE consent_changes');
  }
}
