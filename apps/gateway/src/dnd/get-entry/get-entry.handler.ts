import type { DndEntryView, Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import { DND_QUERIES, type DndList } from '../dnd-lists';

/** One number of the enterprise's list, or 491. */
export function getEntry(rr: RequestReplyClient, enterpriseSid: string, list: DndList, numberSid: string): Promise<Result<DndEntryView>> {
  return rr.request<DndEntryView>(DND_QUERIES, enterpriseSid, 'GetDndEntry', { enterpriseSid, list: list.kind, numberSid });
}
