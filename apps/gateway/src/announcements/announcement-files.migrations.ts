import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ANNOUNCEMENT_LIMITS } from '@clarion/contracts';

/**
 * The audio of "play" announcements, in the gateway's own schema: the gateway receives the upload
 * and serves the file, and audio does not fit a Kafka record (1 MB), so it never leaves here.
 */
export class AnnouncementFileTables1 implements MigrationInterface {
  name = 'AnnouncementFileTables11765000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE announcement_files (
      file_name text PRIMARY KEY,
      announcement_sid text NOT NULL,
      enterprise_sid text NOT NULL,
      content bytea NOT NULL CHECK (octet_length(content) <= ${ANNOUNCEMENT_LIMITS.audioBytesMax}),
      uploaded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX announcement_files_announcement ON announcement_files (announcement_sid)');
    // WAV samples hardly compress: storing them out of line uncompressed saves the attempt on every upload.
    await q.query('ALTER TABLE announcement_files ALTER COLUMN content SET STORAGE EXTERNAL');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE announcement_files');
  }
}
