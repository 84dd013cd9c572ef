import type { DndEntryView, Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import { DND_COMMANDS, type DndList } from '../dnd-lists';

/** Removes one number from the enterprise's list; dnd-svc answers the removed entry or 491. */
export function deleteEntry(rr: RequestReplyClient, enterpriseSid: string, list: DndList, numberSid: string): Promise<Result<DndEntryView>> {
  return rr.request<DndEntryView>(DND_COMMANDS, enterpriseSid, 'DeleteDndEntry', { enterpriseSid, list: list.kind, numberSid });
}
