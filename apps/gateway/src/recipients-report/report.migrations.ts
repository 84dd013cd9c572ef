import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-recipient report, in the gateway's own schema, built from Kafka (report.consumer.ts).
 *
 * report_recipients is append-only: every recorded state of a recipient is one row, written by COPY
 * a consumer batch at a time, and the state a recipient shows is picked when the report is read
 * (the highest rank, then the latest: recipient-status.ts). Nothing on the write path looks a row up
 * or updates one, so a replayed record only adds a row identical to one already there, which the
 * read ignores. The one index serves that read: a campaign's rows in number order, each number's
 * winning row first, so DISTINCT ON needs no sort and a page or the CSV export streams from it.
 * No column that changes is indexed (no row changes), and no foreign key: its check would cost a
 * lookup per copied row.
 *
 * The table grows by inserts and shrinks by whole campaigns at retention, so autovacuum is told to
 * run after a fixed number of inserted rows (keeping the visibility map and freezing current
 * without waiting for 20 % of a large table) and after a fixed number of deleted ones.
 *
 * report_campaigns maps a campaign sid to a small id and to its enterprise (tenant scoping); it is
 * touched once per consumer batch per campaign, so its pages leave room for HOT updates.
 */
export class RecipientsReportTables1 implements MigrationInterface {
  name = 'RecipientsReportTables11765000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE report_campaigns (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_sid text NOT NULL UNIQUE,
      enterprise_sid text NOT NULL,
      ended_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    ) WITH (fillfactor = 50)`);
    await q.query(`CREATE TABLE report_recipients (
      campaign_id bigint NOT NULL,
      msisdn bigint NOT NULL,
      occurred_at timestamptz NOT NULL,
      rank smallint NOT NULL,
      status text NOT NULL,
      error_code text,
      carrier_message_id text,
      CONSTRAINT report_recipients_status CHECK (status IN ('queued', 'sent', 'delivered', 'undelivered', 'failed', 'opted-out', 'expired', 'unknown')),
      CONSTRAINT report_recipients_rank CHECK (rank = CASE status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 ELSE 2 END),
      CONSTRAINT report_recipients_msisdn CHECK (msisdn BETWEEN 10 AND 999999999999999)
    ) WITH (autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 500000,
            autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100000, autovacuum_analyze_scale_factor = 0.05)`);
    await q.query('CREATE INDEX report_recipients_latest ON report_recipients (campaign_id, msisdn, rank DESC, occurred_at DESC)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE report_recipients; DROP TABLE report_campaigns');
  }
}
