import type { Message } from './envelope';
import type { RecipientFields } from './campaign';

// ---- Commands to dnd-svc (topic dnd.commands.v1) ----
export type AddOptOuts = Message<'AddOptOuts', { enterpriseSid: string; uploadId: string; batchNo: number; numbers: string[] }>;
/** fields (personalised campaigns) is aligned with numbers and passed through untouched: RecipientsFiltered.acceptedFields is aligned with accepted. */
export type FilterRecipients = Message<
  'FilterRecipients',
  { campaignSid: string; enterpriseSid: string; batchNo: number; numbers: string[]; optOut: string | null; optIn: string | null; fields?: Array<RecipientFields | null> }
>;

// ---- Events of dnd-svc (topic dnd.events.v1, key: campaign sid) ----
/**
 * optedOut: every number not accepted (on the opt-out list, or not on the named opt-in list).
 * notOptedIn (optional, present when the campaign names an opt-in list): the part of optedOut
 * dropped only because it is not on that list (an opted-out number counts as opted out), so
 * counts can tell the two apart while readers of optedOut keep seeing every number not sent to.
 */
export type RecipientsFiltered = Message<
  'RecipientsFiltered',
  { campaignSid: string; enterpriseSid: string; batchNo: number; accepted: string[]; optedOut: string[]; notOptedIn?: string[]; acceptedFields?: Array<RecipientFields | null> }
>;

// ---- Queries (topic dnd.queries.v1, key: enterprise sid) ----
/** Campaign create asks whether a named opt-in list exists (4001 if not) before accepting the campaign. */
export type FindOptInList = Message<'FindOptInList', { enterpriseSid: string; name: string }>;
export interface OptInListView {
  name: string;
  numbers: number;
}

// ---- Opt-out and opt-in lists through the REST API (seed 000 "Do Not Disturb") ----
/** Which of an enterprise's lists an entry is on: its one opt-out list, or one of its named opt-in lists. */
export type DndListKind = 'optout' | 'optin';
/** The opt-out list's name in seed 000's answers. */
export const OPT_OUT_LIST_NAME = 'Opt-Out';
/** The name an opt-in upload gets when it names none (seed 000 "Create Opt-In List"). */
export const OPT_IN_DEFAULT_NAME = 'opt-in';

/** Adds one batch of an upload to a named opt-in list (topic dnd.commands.v1); answers DndBatchAdded. */
export type AddOptIns = Message<'AddOptIns', { enterpriseSid: string; uploadId: string; batchNo: number; name: string; numbers: string[] }>;
export interface DndBatchAdded {
  name: string;
  enterpriseSid: string;
  added: number;
  alreadyListed: number;
}
/** Removes one number (topic dnd.commands.v1); answers the removed DndEntryView or 491. */
export type DeleteDndEntry = Message<'DeleteDndEntry', { enterpriseSid: string; list: DndListKind; numberSid: string }>;
/** One entry (topic dnd.queries.v1); answers DndEntryView or 491. */
export type GetDndEntry = Message<'GetDndEntry', { enterpriseSid: string; list: DndListKind; numberSid: string }>;
/** One page of a list (topic dnd.queries.v1); number is E.164, times ISO-8601 and inclusive. */
export type SearchDndEntries = Message<
  'SearchDndEntries',
  {
    enterpriseSid: string;
    list: DndListKind;
    name: string | null;
    number: string | null;
    startTime: string | null;
    endTime: string | null;
    sortDirection: 'asc' | 'desc';
    page: number;
    pageSize: number;
  }
>;
/** An entry in canonical form (number E.164, dateCreated ISO-8601); the gateway writes it the seed's way. */
export interface DndEntryView {
  sid: string;
  name: string;
  number: string;
  dateCreated: string;
  enterpriseSid: string;
}
export interface DndEntryPage {
  total: number;
  data: DndEntryView[];
}
