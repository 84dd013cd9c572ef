import type { Message } from './envelope';

// ---- Commands to dnd-svc (topic dnd.commands.v1) ----
export type AddOptOuts = Message<'AddOptOuts', { enterpriseSid: string; uploadId: string; batchNo: number; numbers: string[] }>;
export type FilterRecipients = Message<'FilterRecipients', { campaignSid: string; enterpriseSid: string; batchNo: number; numbers: string[]; optOut: string | null; optIn: string | null }>;

// ---- Events of dnd-svc (topic dnd.events.v1, key: campaign sid) ----
export type RecipientsFiltered = Message<'RecipientsFiltered', { campaignSid: string; enterpriseSid: string; batchNo: number; accepted: string[]; optedOut: string[] }>;
