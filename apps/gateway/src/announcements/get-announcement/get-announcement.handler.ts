import { Errors, TOPIC, fail, isSid, type AnnouncementView, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';

/** One announcement of the caller's enterprise (another enterprise's answers as a missing one: 500). */
export class GetAnnouncementHandler {
  constructor(private readonly rr: RequestReplyClient) {}

  handle(enterpriseSid: string, announcementSid: string): Promise<Result<AnnouncementView>> {
    if (!isSid('announcement', announcementSid)) return Promise.resolve(fail(Errors.announcementNotFound));
    return this.rr.request<AnnouncementView>(TOPIC.campaignQueries, announcementSid, 'GetAnnouncement', { announcementSid, enterpriseSid });
  }
}
