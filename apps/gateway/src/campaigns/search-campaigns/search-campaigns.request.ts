import { Errors, LIMITS, fail, ok, parseSeedDateTime, parseStatusInput, type Result } from '@clarion/contracts';
import { ApiError } from '../../http/api';
import { parsePaging, parseSort } from '../../http/paging';
import type { CampaignSearch } from '../../read-model';

export const SORT_ATTRIBUTES = ['startTime', 'name', 'status', 'dateCreated'] as const;
/** Longest name filter taken: a name is at most this long anyway. */
const NAME_FILTER_LENGTH_MAX = 200;

/**
 * The search's query (seed 000 "Get List of Campaigns"): paging, the filters name (part of the
 * name, any case), status (lenient, as everywhere), channel, startTime/endTime (when it was
 * created, inclusive, the seed's date forms), and SortBy=startTime|name|status[:asc|desc].
 */
export function parseSearchCampaigns(q: Record<string, string | undefined>, enterpriseSid: string): Result<CampaignSearch> {
  let paging: { page: number; pageSize: number };
  let sort: { attribute: string; direction: 'asc' | 'desc' };
  try {
    // The shared paging and sort parsers answer with the seed's codes by throwing; here they become values.
    paging = parsePaging(q, LIMITS.pageSizeMax);
    sort = parseSort(q.SortBy ?? q.sortBy, [...SORT_ATTRIBUTES]);
  } catch (err) {
    if (err instanceof ApiError) return fail(err.error);
    throw err;
  }
  const status = q.status ? parseStatusInput(q.status) : null;
  if (q.status && !status) return fail(Errors.campaignStatusInvalid);
  const channel = q.channel ? q.channel.trim().toLowerCase() : null;
  if (channel !== null && channel !== 'sms' && channel !== 'voice') return fail(Errors.invalidParameter('channel must be "sms" or "voice".'));
  const name = q.name?.trim() || null;
  if (name && name.length > NAME_FILTER_LENGTH_MAX) return fail(Errors.invalidParameter(`name is at most ${NAME_FILTER_LENGTH_MAX} characters.`));
  const from = q.startTime ? parseSeedDateTime(q.startTime) : null;
  const to = q.endTime ? parseSeedDateTime(q.endTime) : null;
  if ((q.startTime && !from) || (q.endTime && !to)) return fail(Errors.dateFormatIncorrect);
  return ok({
    enterpriseSid,
    page: paging.page,
    pageSize: paging.pageSize,
    name,
    status,
    channel,
    createdFrom: from ? from.toISOString() : null,
    createdTo: to ? to.toISOString() : null,
    sortBy: sort.attribute as CampaignSearch['sortBy'],
    sortDirection: sort.direction,
  });
}
