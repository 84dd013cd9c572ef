import { Errors, LIMITS, fail, ok, parseSeedDateTime, toE164, type Result, type SearchDndEntries } from '@clarion/contracts';
import type { DndList } from '../dnd-lists';

/** A search as dnd-svc takes it, without the caller's enterprise and the list kind. */
export type SearchEntriesRequest = Omit<SearchDndEntries['data'], 'enterpriseSid' | 'list'>;

type Query = Record<string, string | undefined>;

/**
 * Seed 000's "Get list of Opt-Out / Opt-In Numbers": page and pageSize (defaults 0 and 10, at
 * most LIMITS.pageSizeMax, 4001 otherwise), phoneNumber (in any form a number file takes; 4001 if
 * it is no phone number), startTime and endTime inclusive in the seed's date forms (498
 * otherwise), name (opt-in lists only), and SortBy=dateCreated:asc|desc, spelt SortBy or sortBy
 * and in any case, since the seed's own example writes `sortBy=datecreated:desc`.
 */
export function parseSearchEntries(list: DndList, q: Query): Result<SearchEntriesRequest> {
  const page = wholeNumber(q.page, 0);
  if (page === null || page < 0) return fail(Errors.invalidParameter('page must be a whole number from 0.'));
  const pageSize = wholeNumber(q.pageSize, 10);
  if (pageSize === null || pageSize < 1 || pageSize > LIMITS.pageSizeMax) return fail(Errors.invalidParameter(`pageSize must be a whole number from 1 to ${LIMITS.pageSizeMax}.`));
  let number: string | null = null;
  if (present(q.phoneNumber)) {
    number = toE164(q.phoneNumber!);
    if (number === null) return fail(Errors.invalidParameter('phoneNumber is not a phone number.'));
  }
  const startTime = optionalTime(q.startTime);
  if (!startTime.ok) return startTime;
  const endTime = optionalTime(q.endTime);
  if (!endTime.ok) return endTime;
  const sortDirection = parseSortDirection(q.SortBy ?? q.sortBy);
  if (!sortDirection.ok) return sortDirection;
  let name: string | null = null;
  if (list.kind === 'optin' && present(q.name)) {
    name = q.name!.trim();
    if (name.length > LIMITS.nameCharsMax) return fail(Errors.invalidParameter(`name must be at most ${LIMITS.nameCharsMax} characters.`));
  }
  return ok({ page, pageSize, number, name, startTime: startTime.value, endTime: endTime.value, sortDirection: sortDirection.value });
}

const present = (v: string | undefined) => v !== undefined && v.trim() !== '';

function wholeNumber(value: string | undefined, fallback: number): number | null {
  if (!present(value)) return fallback;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

function optionalTime(value: string | undefined): Result<string | null> {
  if (!present(value)) return ok(null);
  const d = parseSeedDateTime(value);
  return d ? ok(d.toISOString()) : fail(Errors.dateFormatIncorrect);
}

/** dateCreated is the one attribute; the direction defaults to ascending. */
function parseSortDirection(value: string | undefined): Result<'asc' | 'desc'> {
  if (!present(value)) return ok('asc');
  const [attribute, direction = 'asc', ...rest] = value!.trim().split(':');
  const dir = direction.toLowerCase();
  if (attribute.toLowerCase() !== 'datecreated' || (dir !== 'asc' && dir !== 'desc') || rest.length > 0) {
    return fail(Errors.invalidParameter('SortBy must be dateCreated:asc or dateCreated:desc.'));
  }
  return ok(dir);
}
