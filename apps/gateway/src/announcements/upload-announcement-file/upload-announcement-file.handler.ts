import { Errors, TOPIC, fail, isSid, ok, type AnnouncementView, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import type { Caller } from '../../identity/identity.service';
import { announcementFileName, announcementFileUri, type AnnouncementFiles } from '../announcement-files.repository';
import type { AudioUpload } from './audio-upload';

/**
 * Stores the audio under a new file name, then has campaign-svc point the announcement at it;
 * the previous file is removed once the new one is attached. Each upload gets its own URI, so a
 * carrier or cache holding the old file never plays it for the new announcement text.
 */
export class UploadAnnouncementFileHandler {
  constructor(
    private readonly rr: RequestReplyClient,
    private readonly files: AnnouncementFiles,
  ) {}

  /** 500 for an unknown (or another enterprise's) sid and 4001 for a "say" announcement, before the upload is read. */
  async check(caller: Caller, announcementSid: string): Promise<Result<AnnouncementView>> {
    if (!isSid('announcement', announcementSid)) return fail(Errors.announcementNotFound);
    const r = await this.rr.request<AnnouncementView>(TOPIC.campaignQueries, announcementSid, 'GetAnnouncement', { announcementSid, enterpriseSid: caller.enterpriseSid });
    if (!r.ok) return r;
    if (r.value.type !== 'play') return fail(Errors.invalidParameter('Only a "play" announcement takes an audio file.'));
    return ok(r.value);
  }

  async store(caller: Caller, announcementSid: string, upload: AudioUpload): Promise<Result<AnnouncementView>> {
    const fileName = announcementFileName(announcementSid, new Date());
    await this.files.put(fileName, announcementSid, caller.enterpriseSid, upload.bytes);
    const r = await this.rr.request<AnnouncementView>(TOPIC.campaignCommands, announcementSid, 'AttachAnnouncementFile', {
      announcementSid,
      enterpriseSid: caller.enterpriseSid,
      fileUri: announcementFileUri(fileName),
      requestedAt: new Date().toISOString(),
    });
    if (r.ok) await this.files.removeAllBut(announcementSid, caller.enterpriseSid, fileName);
    // Without an answer the command may still be applied, so the file stays; a refusal means it never will be.
    else if (r.error.code !== Errors.serviceUnavailable.code) await this.files.remove(fileName);
    return r;
  }
}
