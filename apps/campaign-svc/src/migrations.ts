import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CampaignTables1 implements MigrationInterface {
  name = 'CampaignTables1763856000001';
  async up(q: QueryRunner): Promise<void> {
    // The read model of the campaign stream: what GET /campaigns answers from.
    await q.query(`CREATE TABLE campaigns (
      sid text PRIMARY KEY,
      enterprise_sid text NOT NULL,
      name text NOT NULL,
      status text NOT NULL,
      channel text NOT NULL,
      start_time timestamptz,
      date_created timestamptz NOT NULL,
      date_updated timestamptz NOT NULL,
      view jsonb NOT NULL)`);
    await q.query('CREATE INDEX campaigns_enterprise ON campaigns (enterprise_sid, date_created)');
    // Every number of every campaign once: the de-duplication set.
    await q.query('CREATE TABLE recipients (campaign_sid text NOT NULL, msisdn text NOT NULL, PRIMARY KEY (campaign_sid, msisdn))');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recipients; DROP TABLE campaigns');
  }
}

/** Each recipient remembers its batch, so the watchdog can ask for one batch's filtering again. */
export class CampaignTables2 implements MigrationInterface {
  name = 'CampaignTables21764000000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE recipients ADD COLUMN batch_no integer');
    // The watchdog looks for the campaigns idle the longest in a live state.
    await q.query(`CREATE INDEX campaigns_waiting ON campaigns (date_updated) WHERE status IN ('initiating', 'scheduled', 'in-progress', 'paused')`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX campaigns_waiting; ALTER TABLE recipients DROP COLUMN batch_no');
  }
}

/** The dispatch instances' latest carrier reports: what a running campaign shows as its carrier's state. */
export class CampaignTables3 implements MigrationInterface {
  name = 'CampaignTables31764600000003';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE carrier_reports (
      carrier text NOT NULL,
      instance_id text NOT NULL,
      state text NOT NULL,
      since timestamptz NOT NULL,
      detail text,
      reported_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (carrier, instance_id))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE carrier_reports');
  }
}
