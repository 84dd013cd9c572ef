import { CAMPAIGN_STATUSES, Errors, LIMITS, fail, ok, parseSeedDateTime, seedTime, type CampaignStatus, type CampaignView, type ContactView, type Result } from '@clarion/contracts';
import { parseFromNumbers } from '../create-campaign/create-campaign.request';

/**
 * Seed 001's campaign API (`/api/Campaigns`) mapped onto Clarion's: its shapes here, pure; the
 * commands and queries are seed 000's.
 *
 * Its numeric `status` is the index of the status in CAMPAIGN_STATUSES: 0 initiating, 1 scheduled,
 * 2 in-progress, 3 paused, 4 completed, 5 failed, 6 cancelled.
 */
export const seed001Status = (s: CampaignStatus): number => CAMPAIGN_STATUSES.indexOf(s);
export const SEED001_CANCELLED = seed001Status('cancelled');

/** A campaign as seed 001's list and get show it. */
export interface Seed001Campaign {
  id: string;
  startDateTime: string | null;
  sender: string;
  recipientCount: number;
  message: string;
  status: number;
  optOutLinkId: number;
  trackLinkUrl: string | null;
}

export function toSeed001(v: CampaignView & { sender?: string | null }): Seed001Campaign {
  return {
    id: v.sid,
    // Seed 001 writes ISO-8601 with milliseconds and Z ("2023-06-27T03:04:01.374Z").
    startDateTime: v.startTime ? new Date(v.startTime).toISOString() : null,
    sender: v.sender ?? v.fromPrefix ?? '',
    // Before filtering is done the uploaded (unique) count, then the recipients who will get it.
    recipientCount: v.status === 'initiating' ? v.recipients.unique : v.recipients.accepted,
    message: v.body,
    status: seed001Status(v.status),
    // Opt-out links and tracked links are not part of Clarion (seed 001 itself calls them "under development").
    optOutLinkId: 0,
    trackLinkUrl: null,
  };
}

export const toSeed001Contact = (c: ContactView) => ({ phoneNumber: c.phoneNumber, name: c.name ?? '', custom1: c.custom1 ?? '', custom2: c.custom2 ?? '', id: c.phoneNumber });

/** Seed 001's page envelope; pageIndex counts from 1. */
export function seed001Page<T>(pageIndex: number, pageSize: number, total: number, items: T[]) {
  return { pageIndex, totalPages: Math.ceil(total / pageSize), totalRecords: total, items };
}

/** pageIndex (from 1, default 1) and pageSize (default 10, at most LIMITS.pageSizeMax). */
export function parseSeed001Paging(q: Record<string, string | undefined>): Result<{ pageIndex: number; pageSize: number }> {
  const pageIndex = q.pageIndex === undefined || q.pageIndex === '' ? 1 : Number(q.pageIndex);
  const pageSize = q.pageSize === undefined || q.pageSize === '' ? 10 : Number(q.pageSize);
  if (!Number.isSafeInteger(pageIndex) || pageIndex < 1) return fail(Errors.invalidParameter('pageIndex must be a whole number from 1.'));
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > LIMITS.pageSizeMax) return fail(Errors.invalidParameter(`pageSize must be a whole number from 1 to ${LIMITS.pageSizeMax}.`));
  return ok({ pageIndex, pageSize });
}

/** Fields of seed 001's items that only Clarion sets. */
const SEED001_SERVER_OWNED = ['id', 'status', 'recipientCount'] as const;

/** Seed 001 features Clarion does not have: refused rather than silently dropped. */
function unsupportedLinks(b: Record<string, unknown>): Result<null> {
  if (b.optOutLinkId !== undefined && b.optOutLinkId !== null && b.optOutLinkId !== 0 && b.optOutLinkId !== '0')
    return fail(Errors.invalidParameter('optOutLinkId is not supported; pass 0 or leave it out.'));
  if (typeof b.trackLinkUrl === 'string' ? b.trackLinkUrl.trim() !== '' : b.trackLinkUrl !== undefined && b.trackLinkUrl !== null)
    return fail(Errors.invalidParameter('trackLinkUrl is not supported; leave it out.'));
  return ok(null);
}

/**
 * Seed 001's create body as seed 000's create fields: message → body, startDateTime → startTime,
 * sender → the one from number (E.164 or an alphanumeric sender id), contacts → the recipients. Its
 * campaigns have no name: one is made from the creation time. contactGroupId is not part of Clarion
 * and is ignored (it groups contacts elsewhere; it changes nothing about the send).
 */
export function parseSeed001Create(body: unknown, now: Date): Result<{ fields: Record<string, unknown>; fromNumbers: string[]; contacts: unknown }> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(Errors.invalidParameter('The body must be a JSON object.'));
  const b = body as Record<string, unknown>;
  for (const k of SEED001_SERVER_OWNED) if (b[k] !== undefined) return fail(Errors.invalidParameter(`${k} is set by Clarion and cannot be passed.`));
  const links = unsupportedLinks(b);
  if (!links.ok) return links;
  if (typeof b.sender !== 'string' || b.sender.trim() === '') return fail(Errors.mandatoryMissing('sender'));
  const fromNumbers = parseFromNumbers([b.sender]);
  if (fromNumbers.length === 0) return fail(Errors.invalidParameter('sender must be a phone number or an alphanumeric sender id of up to 11 characters.'));
  if (b.contacts === undefined || b.contacts === null) return fail(Errors.mandatoryMissing('contacts'));
  const { optOutLinkId: _o, trackLinkUrl: _t, contacts, sender: _s, message, startDateTime, ...rest } = b;
  return ok({
    fields: { ...rest, name: b.name ?? `Campaign ${seedTime(now)}`, body: message, startTime: startDateTime, channel: 'sms' },
    fromNumbers,
    contacts,
  });
}

/** What a seed 001 update asks: the fields it names, to compare with the campaign as it is. */
export interface Seed001Update {
  startTime?: Date | null;
  sender?: string;
  message?: string;
  cancel: boolean;
}

/**
 * Seed 001's update body. Clarion can change one thing about a campaign before it starts: cancel
 * it (`status`: 6). startDateTime, sender and message are accepted when they say what the
 * campaign already has (a client sending the whole item back); any other value is refused by the
 * controller, since changing them needs a command Clarion does not have.
 */
export function parseSeed001Update(body: unknown): Result<Seed001Update> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(Errors.invalidParameter('The body must be a JSON object.'));
  const b = body as Record<string, unknown>;
  const links = unsupportedLinks(b);
  if (!links.ok) return links;
  const u: Seed001Update = { cancel: false };
  if (b.status !== undefined && b.status !== null) {
    if (Number(b.status) !== SEED001_CANCELLED) return fail(Errors.campaignStatusInvalid);
    u.cancel = true;
  }
  if (b.startDateTime !== undefined) {
    if (b.startDateTime === null || b.startDateTime === '') u.startTime = null;
    else {
      const d = parseSeedDateTime(b.startDateTime);
      if (!d) return fail(Errors.dateFormatIncorrect);
      u.startTime = d;
    }
  }
  if (b.sender !== undefined) {
    if (typeof b.sender !== 'string') return fail(Errors.invalidParameter('sender must be a string.'));
    u.sender = parseFromNumbers([b.sender])[0] ?? b.sender;
  }
  if (b.message !== undefined) {
    if (typeof b.message !== 'string') return fail(Errors.invalidParameter('message must be a string.'));
    u.message = b.message;
  }
  return ok(u);
}

/** The fields an update would change on `current`; empty when it restates what the campaign has. */
export function changedFields(u: Seed001Update, current: Seed001Campaign): string[] {
  const out: string[] = [];
  if (
    u.startTime !== undefined &&
    (u.startTime === null ? current.startDateTime !== null : current.startDateTime === null || Math.abs(Date.parse(current.startDateTime) - u.startTime.getTime()) >= 1000)
  )
    out.push('startDateTime');
  if (u.sender !== undefined && u.sender !== current.sender) out.push('sender');
  if (u.message !== undefined && u.message !== current.message) out.push('message');
  return out;
}
