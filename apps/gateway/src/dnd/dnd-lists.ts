import { Errors, TOPIC, seedTime, type ClarionError, type DndEntryView, type DndListKind } from '@clarion/contracts';

/**
 * What differs between the opt-out list and the opt-in lists at the REST edge. Every use case is
 * written once and takes one of these, so the two kinds answer alike by construction.
 */
export interface DndList {
  kind: DndListKind;
  /** The path segment under /campaignmanager/dnd. */
  path: 'optout' | 'optin';
  /** How the seed names it in summaries. */
  title: 'Opt-Out' | 'Opt-In';
  notFound: ClarionError;
}

export const OPT_OUT: DndList = { kind: 'optout', path: 'optout', title: 'Opt-Out', notFound: Errors.optOutNotFound };
export const OPT_IN: DndList = { kind: 'optin', path: 'optin', title: 'Opt-In', notFound: Errors.optInNotFound };

/** Uploads and deletes change state (commands, with inbox and outbox); reads are queries. */
export const DND_COMMANDS = TOPIC.dndCommands;
export const DND_QUERIES = TOPIC.dndQueries;

/** An entry as seed 000 writes it: the number without "+" ("918278362878"), the seed's timestamp form. */
export interface DndEntryBody {
  sid: string;
  name: string;
  number: string;
  dateCreated: string;
  enterpriseSid: string;
}

export function entryBody(e: DndEntryView): DndEntryBody {
  return { sid: e.sid, name: e.name, number: e.number.replace(/^\+/, ''), dateCreated: seedTime(e.dateCreated), enterpriseSid: e.enterpriseSid };
}
