import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The read model of the announcement streams: what GetAnnouncement and SearchAnnouncements answer from. */
export class AnnouncementTables1 implements MigrationInterface {
  name = 'AnnouncementTables11765000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE announcements (
      sid text PRIMARY KEY,
      enterprise_sid text NOT NULL,
      name text NOT NULL,
      type text NOT NULL CHECK (type IN ('say', 'play')),
      date_created timestamptz NOT NULL,
      date_updated timestamptz NOT NULL,
      view jsonb NOT NULL)`);
    await q.query('CREATE INDEX announcements_enterprise ON announcements (enterprise_sid, date_created)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE announcements');
  }
}
