import { ANNOUNCEMENT_LIMITS, Errors, fail, ok, type AnnouncementContent, type Result } from '@clarion/contracts';
import { mandatory, parseContent, text, type Fields } from '../announcement-fields';

export interface CreateAnnouncementRequest {
  name: string;
  description: string | null;
  content: AnnouncementContent;
}

/**
 * Create's fields (pure). enterpriseSid is mandatory in seed 000, but an account belongs to one
 * enterprise, so a request without it means the caller's own; naming another enterprise answers
 * 467 "Enterprise not found", as the seed does for an enterprise the caller cannot use. Server-owned
 * fields (sid, fileUri, dates, accountEmail) are ignored if sent.
 */
export function parseCreateAnnouncement(fields: Fields, callerEnterpriseSid: string): Result<CreateAnnouncementRequest> {
  const enterpriseSid = text(fields, 'enterpriseSid', 64);
  if (!enterpriseSid.ok) return enterpriseSid;
  if (enterpriseSid.value !== null && enterpriseSid.value !== callerEnterpriseSid) return fail(Errors.enterpriseNotFound);
  const name = mandatory(fields, 'name', ANNOUNCEMENT_LIMITS.nameCharsMax);
  if (!name.ok) return name;
  const content = parseContent(fields);
  if (!content.ok) return content;
  const description = text(fields, 'description', ANNOUNCEMENT_LIMITS.descriptionCharsMax);
  if (!description.ok) return description;
  return ok({ name: name.value, description: description.value, content: content.value });
}
