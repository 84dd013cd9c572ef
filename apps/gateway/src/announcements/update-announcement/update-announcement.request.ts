import { ANNOUNCEMENT_LIMITS, fail, ok, type AnnouncementContent, type Result } from '@clarion/contracts';
import { parseContent, text, type Fields } from '../announcement-fields';

export interface UpdateAnnouncementRequest {
  /** undefined: keep the current name. */
  name?: string;
  /** undefined: keep; null: clear (sent as an empty string or null). */
  description?: string | null;
  content: AnnouncementContent;
}

/** Update's fields (pure): type is mandatory as in seed 000, and with it what a say announcement needs. */
export function parseUpdateAnnouncement(fields: Fields): Result<UpdateAnnouncementRequest> {
  const content = parseContent(fields);
  if (!content.ok) return content;
  const name = text(fields, 'name', ANNOUNCEMENT_LIMITS.nameCharsMax);
  if (!name.ok) return name;
  const description = text(fields, 'description', ANNOUNCEMENT_LIMITS.descriptionCharsMax);
  if (!description.ok) return fail(description.error);
  return ok({
    ...(name.value !== null ? { name: name.value } : {}),
    ...('description' in fields ? { description: description.value } : {}),
    content: content.value,
  });
}
