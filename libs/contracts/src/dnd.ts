import type { Message } from './envelope';
import type { RecipientFields } from './campaign';

// ---- Commands to dnd-svc (topic dnd.commands.v1) ----
export type AddOptOuts = Message<'AddOptOuts', { enterpriseSid: string; uploadId: string; batchNo: number; numbers: string[] }>;
/** fields (personalised campaigns) is aligned with numbers and passed through untouched: RecipientsFiltered.acceptedFields is aligned with accepted. */
export type FilterRecipients = Message<'FilterRecipients', { campaignSid: string; enterpriseSid: string; batchNo: number; numbers: string[]; optOut: string | null; optIn: string | null; fields?: Array<RecipientFields | null> }>;

// ---- Events of dnd-svc (topic dnd.events.v1, key: campaign sid) ----
export type RecipientsFiltered = Message<'RecipientsFiltered', { campaignSid: string; enterpriseSid: string; batchNo: number; accepted: string[]; optedOut: string[]; acceptedFields?: Array<RecipientFields | null> }>;

// ---- Queries (topic dnd.queries.v1, key: enterprise sid) ----
/** Campaign create asks whether a named opt-in list exists (4001 if not) before accepting the campaign. */
export type FindOptInList = Message<'FindOptInList', { enterpriseSid: string; name: string }>;
export interface OptInListView {
  name: string;
  numbers: number;
}
