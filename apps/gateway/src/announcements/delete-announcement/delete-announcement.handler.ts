import { Errors, TOPIC, fail, isSid, type AnnouncementView, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import type { Caller } from '../../identity/identity.service';
import type { AnnouncementFiles } from '../announcement-files.repository';

/**
 * campaign-svc decides (507 while an unfinished campaign names the announcement); once it is gone
 * its audio is removed. A gateway that stops between the two leaves the file behind, reachable
 * only by its owner's accounts through a URL nothing lists any more.
 */
export class DeleteAnnouncementHandler {
  constructor(
    private readonly rr: RequestReplyClient,
    private readonly files: AnnouncementFiles,
  ) {}

  async handle(caller: Caller, announcementSid: string): Promise<Result<AnnouncementView>> {
    if (!isSid('announcement', announcementSid)) return fail(Errors.announcementNotFound);
    const r = await this.rr.request<AnnouncementView>(TOPIC.campaignCommands, announcementSid, 'DeleteAnnouncement', {
      announcementSid,
      enterpriseSid: caller.enterpriseSid,
      requestedAt: new Date().toISOString(),
    });
    if (r.ok) await this.files.removeAllBut(announcementSid, caller.enterpriseSid, null);
    return r;
  }
}
