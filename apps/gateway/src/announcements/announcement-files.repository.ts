import { ANNOUNCEMENT_FILE_PATH } from '@clarion/contracts';
import type { Platform } from '@clarion/platform';

/** A stored file's name: seed 000's "{announcementSid}_{epochMs}.wav". */
const FILE_NAME = /^AN[0-9a-f]{32}_\d{1,15}\.wav$/;
export const isAnnouncementFileName = (name: string) => FILE_NAME.test(name);
export const announcementFileName = (announcementSid: string, at: Date) => `${announcementSid}_${at.getTime()}.wav`;
export const announcementFileUri = (fileName: string) => ANNOUNCEMENT_FILE_PATH + fileName;

/** The uploaded audio, scoped to its enterprise like everything else. */
export class AnnouncementFiles {
  constructor(private readonly platform: Platform) {}

  async put(fileName: string, announcementSid: string, enterpriseSid: string, content: Buffer): Promise<void> {
    await this.platform.query('INSERT INTO announcement_files (file_name, announcement_sid, enterprise_sid, content) VALUES ($1, $2, $3, $4)', [fileName, announcementSid, enterpriseSid, content]);
  }

  async get(fileName: string, enterpriseSid: string): Promise<Buffer | null> {
    const [row] = await this.platform.query<{ content: Buffer }>('SELECT content FROM announcement_files WHERE file_name = $1 AND enterprise_sid = $2', [fileName, enterpriseSid]);
    return row?.content ?? null;
  }

  /** Removes one stored file (an upload the announcement did not take). */
  async remove(fileName: string): Promise<void> {
    await this.platform.query('DELETE FROM announcement_files WHERE file_name = $1', [fileName]);
  }

  /** Removes every file of the announcement except `keep` (null: all of them). */
  async removeAllBut(announcementSid: string, enterpriseSid: string, keep: string | null): Promise<void> {
    await this.platform.query('DELETE FROM announcement_files WHERE announcement_sid = $1 AND enterprise_sid = $2 AND ($3::text IS NULL OR file_name <> $3)', [announcementSid, enterpriseSid, keep]);
  }
}
