import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each enterprise's quiet-hours setting (PUT /campaignmanager/settings/quiet-hours), one row per
 * enterprise, the policy as parseQuietHoursPolicy returns it. No row: never set (quiet-hours.store.ts
 * decides what applies then).
 */
export class GatewayQuietHoursTables1 implements MigrationInterface {
  name = 'GatewayQuietHoursTables11780000000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE quiet_hours_settings (
      enterprise_sid text PRIMARY KEY,
      policy jsonb NOT NULL,
      updated_at timestamptz NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE quiet_hours_settings');
  }
}
