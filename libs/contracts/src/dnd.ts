import type { Message } from './envelope';

// ---- Commands to dnd-svc (topic dnd.commands.v1) ----
export type AddOptOuts = Message<'AddOptOuts', { enterpriseSid: string; uploadId: string; batchNo: number; numbers: string[] }>;
export type FilterRecipients = Message<'FilterRecipients', { campaignSid: string; enterpriseSid: string; batchNo: number; numbers: string[]; optOut: string | null; optIn: string | null }>;

// ---- Events of dnd-svc (topic dnd.events.v1, key: campaign sid) ----
export type RecipientsFiltered = Message<'RecipientsFiltered', { campaignSid: string; enterpriseSid: string; batchNo: number; accepted: string[]; optedOut: string[] }>;

// ---- Queries (topic dnd.queries.v1, key: enterprise sid) ----
/** Campaign create asks whether a named opt-in list exists (4001 if not) before accepting the campaign. */
export type FindOptInList = Message<'FindOptInList', { enterpriseSid: string; name: string }>;
export interface OptInListView {
  name: string;
  numbers: number;
}
