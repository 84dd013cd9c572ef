import type { Message } from './envelope';

// ---- Commands to credit-svc (topic credit.commands.v1, key: enterprise sid) ----
export type AddCredit = Message<'AddCredit', { entrySid: string; enterpriseSid: string; credit: number; description: string | null; accountSid: string | null; accountEmail: string | null }>;
/**
 * holdId is the campaign sid: one hold per campaign, so a replay is recognised. expiresAt (ISO-8601)
 * is when an unresolved hold is released by credit-svc's expiry watchdog; absent (older senders),
 * credit-svc applies its default hold lifetime from the time of the reservation.
 */
export type ReserveCredits = Message<'ReserveCredits', { holdId: string; enterpriseSid: string; amount: number; expiresAt?: string | null }>;
/** A timer as a command: the hold's deadline passed with neither commit nor release. */
export type ExpireHold = Message<'ExpireHold', { holdId: string; enterpriseSid: string }>;
/**
 * The commit writes the charge to the credit history as a debit entry: description names it (e.g.
 * `Campaign CP… "New year"`; absent, from older senders, credit-svc writes `Campaign <holdId>`), and
 * accountSid / accountEmail are the account that ran the campaign.
 */
export type CommitCredits = Message<'CommitCredits', { holdId: string; enterpriseSid: string; amount: number; description?: string | null; accountSid?: string | null; accountEmail?: string | null }>;
export type ReleaseCredits = Message<'ReleaseCredits', { holdId: string; enterpriseSid: string }>;
export type CreditCommand = AddCredit | ReserveCredits | CommitCredits | ReleaseCredits | ExpireHold;

// ---- Events of credit-svc (topic credit.events.v1, key: enterprise sid) ----
export type CreditsReserved = Message<'CreditsReserved', { holdId: string; enterpriseSid: string; amount: number }>;
export type CreditReservationRefused = Message<'CreditReservationRefused', { holdId: string; enterpriseSid: string; amount: number; code: number; message: string }>;
export type CreditsCommitted = Message<'CreditsCommitted', { holdId: string; enterpriseSid: string; amount: number; released: number }>;
/** reason 'expired': the expiry watchdog released it; absent or 'released': a ReleaseCredits did. */
export type CreditsReleased = Message<'CreditsReleased', { holdId: string; enterpriseSid: string; amount: number; reason?: 'released' | 'expired' }>;

// ---- Queries (topic credit.queries.v1) ----
/**
 * type 'credit' lists entries that added credit, 'debit' those that took it away (operator
 * reductions and campaign charges). startTime and endTime (ISO-8601) are inclusive, endTime to the
 * whole second, as the seed's timestamps are shown.
 */
export type SearchCredits = Message<
  'SearchCredits',
  { enterpriseSid: string; page: number; pageSize: number; type: 'credit' | 'debit' | null; startTime: string | null; endTime: string | null; sortDirection: 'asc' | 'desc' }
>;
export type GetCredit = Message<'GetCredit', { enterpriseSid: string; creditSid: string }>;
export type GetBalance = Message<'GetBalance', { enterpriseSid: string }>;

/** One entry of the credit history as seed 000 shows it; dates in its form (seedTime). */
export interface CreditEntryView {
  sid: string;
  enterpriseSid: string;
  dateCreated: string;
  dateUpdated: string;
  accountSid: string | null;
  accountEmail: string | null;
  description: string | null;
  credit: number;
}
export interface BalanceView {
  enterpriseSid: string;
  available: number;
  reserved: number;
  used: number;
}
