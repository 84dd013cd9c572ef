import { fail, isSid, ok, type Result } from '@clarion/contracts';
import type { DndList } from './dnd-lists';

/**
 * A numberSid path parameter (delete and get). Anything that is not an OT sid cannot name an
 * entry, so it answers 491 like an unknown sid without asking dnd-svc.
 */
export function parseNumberSid(list: DndList, value: string | undefined): Result<string> {
  return isSid('number', value) ? ok(value) : fail(list.notFound);
}
