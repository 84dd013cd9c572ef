import { TOPIC, newSid, type AnnouncementView, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import type { Caller } from '../../identity/identity.service';
import type { CreateAnnouncementRequest } from './create-announcement.request';

/** Gives the announcement its sid and has campaign-svc record it (it checks the language, 521). */
export class CreateAnnouncementHandler {
  constructor(private readonly rr: RequestReplyClient) {}

  handle(caller: Caller, req: CreateAnnouncementRequest): Promise<Result<AnnouncementView>> {
    const announcementSid = newSid('announcement');
    return this.rr.request<AnnouncementView>(TOPIC.campaignCommands, announcementSid, 'CreateAnnouncement', {
      announcementSid,
      enterpriseSid: caller.enterpriseSid,
      accountSid: caller.accountSid,
      accountEmail: caller.email,
      name: req.name,
      description: req.description,
      ...req.content,
      requestedAt: new Date().toISOString(),
    });
  }
}
