import type { DndEntryPage, Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import { DND_QUERIES, type DndList } from '../dnd-lists';
import type { SearchEntriesRequest } from './search-entries.request';

/** One page of the enterprise's list, from dnd-svc (which owns the tables). */
export function searchEntries(rr: RequestReplyClient, enterpriseSid: string, list: DndList, request: SearchEntriesRequest): Promise<Result<DndEntryPage>> {
  return rr.request<DndEntryPage>(DND_QUERIES, enterpriseSid, 'SearchDndEntries', { enterpriseSid, list: list.kind, ...request });
}
