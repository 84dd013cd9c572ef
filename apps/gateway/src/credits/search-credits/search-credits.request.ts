import { Errors, LIMITS, fail, ok, parseSeedDateTime, type ClarionError, type Result, type SearchCredits } from '@clarion/contracts';
import { ApiError } from '../../http/api';
import { parsePaging, parseSort } from '../../http/paging';

/** A history search as credit-svc takes it, without the caller's enterprise. */
export type SearchCreditsRequest = Omit<SearchCredits['data'], 'enterpriseSid'>;

/** The attributes seed 000 lets the history be sorted by. */
export const CREDIT_SORT_ATTRIBUTES = ['dateCreated'];

/**
 * Seed 000's query of "Get List of Credits": page and pageSize, type (credit | debit, any case),
 * startTime and endTime in the seed's date forms (498 otherwise), SortBy=dateCreated:asc|desc
 * (sortBy is accepted too, as clients spell it both ways). Ascending is the default order.
 */
export function parseSearchCredits(q: Record<string, string | undefined>): Result<SearchCreditsRequest> {
  const paging = attempt(() => parsePaging(q, LIMITS.pageSizeMax));
  if (!paging.ok) return paging;
  const type = parseType(q.type);
  if (!type.ok) return type;
  const startTime = optionalTime(q.startTime);
  if (!startTime.ok) return startTime;
  const endTime = optionalTime(q.endTime);
  if (!endTime.ok) return endTime;
  const sort = attempt(() => parseSort(q.SortBy ?? q.sortBy, CREDIT_SORT_ATTRIBUTES));
  if (!sort.ok) return sort;
  return ok({ ...paging.value, type: type.value, startTime: startTime.value, endTime: endTime.value, sortDirection: sort.value.direction });
}

function parseType(value: string | undefined): Result<'credit' | 'debit' | null> {
  if (value === undefined || value.trim() === '') return ok(null);
  const type = value.trim().toLowerCase();
  if (type === 'credit' || type === 'debit') return ok(type);
  return fail(Errors.invalidParameter('type must be "credit" or "debit".'));
}

function optionalTime(value: string | undefined): Result<string | null> {
  if (value === undefined || value === '') return ok(null);
  const d = parseSeedDateTime(value);
  return d ? ok(d.toISOString()) : fail(Errors.dateFormatIncorrect);
}

/** The shared paging helpers throw at the HTTP edge; here their refusal becomes a value. */
function attempt<T>(parse: () => T): Result<T> {
  try {
    return ok(parse());
  } catch (err) {
    if (err instanceof ApiError) return fail<T>(err.error as ClarionError);
    throw err;
  }
}
