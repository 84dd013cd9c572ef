import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a voice campaign's calls play, as the gateway serves it to the carrier: the announcement's
 * content when the campaign was created (a later edit of the announcement does not change a
 * campaign already made, as with its other settings).
 */
export class GatewayVoiceTables1 implements MigrationInterface {
  name = 'GatewayVoiceTables11765500000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE call_flows (
      campaign_sid text PRIMARY KEY,
      enterprise_sid text NOT NULL,
      flow jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE call_flows');
  }
}
