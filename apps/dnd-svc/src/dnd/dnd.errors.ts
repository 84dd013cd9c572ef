import { Errors, type DndListKind } from '@clarion/contracts';

/** 491 in the wording of the list it was asked about. */
export const entryNotFound = (list: DndListKind) => (list === 'optout' ? Errors.optOutNotFound : Errors.optInNotFound);
