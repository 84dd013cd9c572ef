import { Errors, fail, ok, parseSeedDateTime, type AnnouncementType, type Result } from '@clarion/contracts';

export interface SearchAnnouncementsFilters {
  name: string | null;
  type: AnnouncementType | null;
  startTime: string | null;
  endTime: string | null;
  /** The query named another enterprise: it has no announcements the caller may see. */
  otherEnterprise: boolean;
}

/**
 * Seed 000's filters (pure): name (partial), enterpriseSid, startTime / endTime on the creation
 * time (inclusive, UTC, 498 when malformed), and type (say | play), which the seed does not list
 * but every client filtering a mixed list wants. Paging and SortBy are the shared HTTP helpers'.
 */
export function parseSearchFilters(q: Record<string, string | undefined>, callerEnterpriseSid: string): Result<SearchAnnouncementsFilters> {
  const time = (v: string | undefined): Result<string | null> => {
    if (v === undefined || v.trim() === '') return ok(null);
    const d = parseSeedDateTime(v);
    return d ? ok(d.toISOString()) : fail(Errors.dateFormatIncorrect);
  };
  const startTime = time(q.startTime);
  if (!startTime.ok) return startTime;
  const endTime = time(q.endTime);
  if (!endTime.ok) return endTime;
  const type = q.type?.trim().toLowerCase() || null;
  if (type !== null && type !== 'say' && type !== 'play') return fail(Errors.invalidParameter('type must be "say" or "play".'));
  const name = q.name?.trim() || null;
  if (name !== null && name.length > 200) return fail(Errors.invalidParameter('name is longer than 200 characters.'));
  const enterpriseSid = q.enterpriseSid?.trim() || null;
  return ok({ name, type: type as AnnouncementType | null, startTime: startTime.value, endTime: endTime.value, otherEnterprise: enterpriseSid !== null && enterpriseSid !== callerEnterpriseSid });
}

/**
 * Seed 000's announcement list: unlike the campaign list, its paging fields sit inside data, next
 * to the page's items in `result`, and its URIs keep the query the client sent.
 */
export function announcementPage(path: string, query: Record<string, string>, page: number, pageSize: number, total: number, result: unknown[]) {
  const numPages = Math.ceil(total / pageSize);
  const uriFor = (p: number) => {
    const params = new URLSearchParams(query);
    params.set('pageSize', String(pageSize));
    params.set('page', String(p));
    return `${path}?${params.toString()}`;
  };
  const start = page * pageSize;
  return {
    result,
    pageSize,
    total,
    page,
    numPages,
    start,
    end: result.length === 0 ? start : start + result.length - 1,
    firstPageUri: uriFor(0),
    previousPageUri: page > 0 ? uriFor(page - 1) : null,
    nextPageUri: page + 1 < numPages ? uriFor(page + 1) : null,
    uri: uriFor(page),
  };
}
