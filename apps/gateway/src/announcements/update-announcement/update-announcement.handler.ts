import { Errors, TOPIC, fail, isSid, type AnnouncementView, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import type { Caller } from '../../identity/identity.service';
import type { AnnouncementFiles } from '../announcement-files.repository';
import type { UpdateAnnouncementRequest } from './update-announcement.request';

/** Has campaign-svc apply the update; audio the announcement no longer plays (it became "say") is removed. */
export class UpdateAnnouncementHandler {
  constructor(
    private readonly rr: RequestReplyClient,
    private readonly files: AnnouncementFiles,
  ) {}

  async handle(caller: Caller, announcementSid: string, req: UpdateAnnouncementRequest): Promise<Result<AnnouncementView>> {
    if (!isSid('announcement', announcementSid)) return fail(Errors.announcementNotFound);
    const r = await this.rr.request<AnnouncementView>(TOPIC.campaignCommands, announcementSid, 'UpdateAnnouncement', {
      announcementSid,
      enterpriseSid: caller.enterpriseSid,
      name: req.name,
      description: req.description,
      ...req.content,
      requestedAt: new Date().toISOString(),
    });
    if (r.ok && r.value.fileUri === null) await this.files.removeAllBut(announcementSid, caller.enterpriseSid, null);
    return r;
  }
}
