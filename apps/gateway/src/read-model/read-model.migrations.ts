import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's read model of campaigns, kept current from campaign.views.v1: what GET and search
 * answer from, without a Kafka round trip per request. A deleted campaign stays as a row marked
 * `removed` (its view gone), so a late or replayed older view can never bring it back. The
 * indexes follow the search: always one enterprise, then the filter or sort at hand, and only live rows.
 */
export class ReadModelTables1 implements MigrationInterface {
  name = 'ReadModelTables11765300000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE campaign_views (
      sid text PRIMARY KEY,
      enterprise_sid text NOT NULL,
      version integer NOT NULL,
      removed boolean NOT NULL DEFAULT false,
      name text,
      status text,
      channel text,
      start_time timestamptz,
      date_created timestamptz,
      view jsonb)
      WITH (fillfactor = 70)`);
    await q.query('CREATE INDEX campaign_views_start ON campaign_views (enterprise_sid, start_time, sid) WHERE NOT removed');
    await q.query('CREATE INDEX campaign_views_name ON campaign_views (enterprise_sid, name, sid) WHERE NOT removed');
    await q.query('CREATE INDEX campaign_views_status ON campaign_views (enterprise_sid, status, start_time) WHERE NOT removed');
    await q.query('CREATE INDEX campaign_views_created ON campaign_views (enterprise_sid, date_created) WHERE NOT removed');
    // The dispatch instances' latest carrier reports, which a running campaign shows as its carrier's state.
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
    await q.query('DROP TABLE carrier_reports; DROP TABLE campaign_views');
  }
}
