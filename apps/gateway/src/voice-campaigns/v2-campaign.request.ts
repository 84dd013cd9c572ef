import {
  Errors,
  LIMITS,
  RETRY_STATUSES,
  VOICE_RETRIES_MAX,
  VOICE_RETRY_INTERVAL_MINS_MAX,
  fail,
  ok,
  parseSeedDateTime,
  type CampaignStatus,
  type Result,
  type RetryStatus,
  type VoiceCampaignOptions,
  type VoiceRetries,
  type VoiceWebhookUrls,
} from '@clarion/contracts';

/**
 * The voice-campaign API's requests (seeds 002/003), validated without side effects: what each
 * field of that API means in Clarion's terms, and the refusal, with Clarion's code, of anything
 * it cannot honour.
 */

/** A custom field is passed to the call flow's URL: short. */
const CUSTOM_FIELD_CHARS_MAX = 256;
const URL_CHARS_MAX = 2048;
/** Seed 003: "default:20 maximum=500". */
export const V2_LIST_LIMIT_DEFAULT = 20;
export const V2_LIST_LIMIT_MAX = 500;

export interface V2Create {
  /** The fields of a native create (parseCreateCampaign), as the v2 request sets them. */
  fields: Record<string, string>;
  /** The numbers to call, as given (validated with the upload's rules). */
  numbers: string[];
  callerId: string;
  options: VoiceCampaignOptions;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : null);

function httpUrl(name: string, v: unknown): Result<string | null> {
  if (v === undefined || v === null || v === '') return ok(null);
  const s = str(v);
  if (!s || s.length > URL_CHARS_MAX || !/^https?:\/\/[^\s/]+/i.test(s)) return fail(Errors.invalidParameter(`${name} must be an http(s) URL.`));
  return ok(s);
}

function bool(name: string, v: unknown, fallback: boolean): Result<boolean> {
  if (v === undefined || v === null || v === '') return ok(fallback);
  if (v === true || v === 'true') return ok(true);
  if (v === false || v === 'false') return ok(false);
  return fail(Errors.invalidParameter(`${name} must be true or false.`));
}

/** `retries` and `on_status` (seed 002 lists on_status beside retries; inside it is taken too). */
export function parseRetries(body: Record<string, unknown>): Result<VoiceRetries | null> {
  const r = body.retries;
  if (r === undefined || r === null) return body.on_status === undefined ? ok(null) : fail(Errors.invalidParameter('on_status needs retries.'));
  if (!isObject(r)) return fail(Errors.invalidParameter('retries must be an object.'));
  const count = r.number_of_retries === undefined ? 0 : Number(r.number_of_retries);
  if (!Number.isInteger(count) || count < 0 || count > VOICE_RETRIES_MAX) return fail(Errors.invalidParameter(`retries.number_of_retries must be a whole number from 0 to ${VOICE_RETRIES_MAX}.`));
  if (count === 0) return ok(null);
  if (r.interval_mins === undefined || r.interval_mins === null || r.interval_mins === '') return fail(Errors.mandatoryMissing('retries.interval_mins'));
  const interval = Number(r.interval_mins);
  if (!Number.isInteger(interval) || interval < 1 || interval > VOICE_RETRY_INTERVAL_MINS_MAX)
    return fail(Errors.invalidParameter(`retries.interval_mins must be a whole number of minutes from 1 to ${VOICE_RETRY_INTERVAL_MINS_MAX}.`));
  const mechanism = (str(r.mechanism) ?? 'linear').toLowerCase();
  if (mechanism !== 'linear' && mechanism !== 'exponential') return fail(Errors.invalidParameter('retries.mechanism must be Linear or Exponential.'));
  const rawStatus = r.on_status ?? body.on_status ?? [...RETRY_STATUSES];
  const list = typeof rawStatus === 'string' ? rawStatus.split(',') : rawStatus;
  if (!Array.isArray(list) || list.length === 0) return fail(Errors.invalidParameter('on_status must be a list of busy, no-answer, failed.'));
  const onStatus: RetryStatus[] = [];
  for (const s of list) {
    const v = str(s)?.toLowerCase();
    if (!v || !(RETRY_STATUSES as readonly string[]).includes(v)) return fail(Errors.invalidParameter('on_status must be a list of busy, no-answer, failed.'));
    if (!onStatus.includes(v as RetryStatus)) onStatus.push(v as RetryStatus);
  }
  return ok({ count, intervalMins: interval, mechanism, onStatus });
}

/** The three callback URLs; each present key is validated, absent ones stay null. */
export function parseWebhookUrls(body: Record<string, unknown>): Result<VoiceWebhookUrls | null> {
  const urls: VoiceWebhookUrls = { statusCallback: null, callStatusCallback: null, callScheduleCallback: null };
  const fields = { status_callback: 'statusCallback', call_status_callback: 'callStatusCallback', call_schedule_callback: 'callScheduleCallback' } as const;
  for (const [field, key] of Object.entries(fields)) {
    const u = httpUrl(field, body[field]);
    if (!u.ok) return u;
    urls[key] = u.value;
  }
  return ok(urls.statusCallback || urls.callStatusCallback || urls.callScheduleCallback ? urls : null);
}

/** The numbers of `from`: a list, or seed 002's comma-separated string. */
function numbersOf(v: unknown): Result<string[]> {
  const list = typeof v === 'string' ? v.split(',') : v;
  if (!Array.isArray(list)) return fail(Errors.invalidParameter('from must be a list of phone numbers, or a comma-separated string of them.'));
  if (list.length > LIMITS.jsonRecipientsMax) return fail(Errors.payloadTooLarge(`from has more than ${LIMITS.jsonRecipientsMax} numbers.`));
  const out: string[] = [];
  for (const n of list) {
    const s = str(n);
    if (s === null) return fail(Errors.invalidParameter('from must hold phone numbers as strings.'));
    if (s !== '') out.push(s);
  }
  return ok(out);
}

export function parseV2Create(body: unknown, now: Date): Result<V2Create> {
  if (!isObject(body)) return fail(Errors.invalidParameter('The body must be a JSON object.'));
  for (const k of ['id', 'sid', 'status', 'account_sid', 'date_created', 'date_updated', 'stats', 'uri'])
    if (body[k] !== undefined) return fail(Errors.invalidParameter(`${k} is set by Clarion and cannot be passed.`));
  if (body.lists !== undefined && !(Array.isArray(body.lists) && body.lists.length === 0)) return fail(Errors.invalidParameter('lists are not supported: pass the numbers to call in from.'));
  const name = str(body.name);
  if (!name) return fail(Errors.mandatoryMissing('name'));
  if (body.from === undefined || body.from === null || body.from === '') return fail(Errors.mandatoryMissing('from'));
  const numbers = numbersOf(body.from);
  if (!numbers.ok) return numbers;
  const callerId = str(body.caller_id);
  if (!callerId) return fail(Errors.mandatoryMissing('caller_id'));
  const type = (str(body.type) ?? 'trans').toLowerCase();
  if (type !== 'trans') return fail(Errors.invalidParameter('type must be "trans": only transactional campaigns are supported.'));
  const url = httpUrl('url', body.url);
  if (!url.ok) return url;
  const announcementSid = str(body.announcement_sid);
  if (!url.value && !announcementSid) return fail(Errors.mandatoryMissing('url'));
  const duplicates = bool('call_duplicate_numbers', body.call_duplicate_numbers, false);
  if (!duplicates.ok) return duplicates;
  const retries = parseRetries(body);
  if (!retries.ok) return retries;
  const webhooks = parseWebhookUrls(body);
  if (!webhooks.ok) return webhooks;
  const customField = body.custom_field === undefined || body.custom_field === null ? null : str(body.custom_field);
  if (customField !== null && customField.length > CUSTOM_FIELD_CHARS_MAX) return fail(Errors.invalidParameter(`custom_field is longer than ${CUSTOM_FIELD_CHARS_MAX} characters.`));

  const schedule = body.schedule ?? {};
  if (!isObject(schedule)) return fail(Errors.invalidParameter('schedule must be an object with send_at and end_at.'));
  const fields: Record<string, string> = { name, channel: 'voice' };
  if (announcementSid) fields.announcementSid = announcementSid;
  else fields.rcmlUrl = url.value!;
  if (body.dial_timeout !== undefined) fields.dialTimeout = String(body.dial_timeout);
  let sendAt = now;
  if (schedule.send_at !== undefined && schedule.send_at !== null && schedule.send_at !== '') {
    const t = parseSeedDateTime(String(schedule.send_at));
    if (!t) return fail(Errors.dateFormatIncorrect);
    if (t.getTime() < now.getTime()) return fail(Errors.startTimeInPast);
    fields.startTime = t.toISOString();
    sendAt = t;
  }
  let endAt: string | null = null;
  if (schedule.end_at !== undefined && schedule.end_at !== null && schedule.end_at !== '') {
    const t = parseSeedDateTime(String(schedule.end_at));
    if (!t) return fail(Errors.dateFormatIncorrect);
    if (t.getTime() <= sendAt.getTime()) return fail(Errors.invalidParameter('schedule.end_at must be after send_at.'));
    endAt = t.toISOString();
  }
  return ok({
    fields,
    numbers: numbers.value,
    callerId,
    options: { retries: retries.value, endAt, webhooks: webhooks.value, customField, callDuplicateNumbers: duplicates.value },
  });
}

/** Settings of a campaign not started yet, as an update names them (absent: unchanged). */
export interface V2Edits {
  name?: string;
  callerId?: string;
  url?: string;
  /** null: as soon as possible. */
  sendAt?: Date | null;
  endAt?: string | null;
  customField?: string | null;
  retries?: VoiceRetries | null;
}

export type V2Update = { action: 'pause' | 'resume' | null; webhooks: Partial<VoiceWebhookUrls> | null; edits: V2Edits | null };

/** Fields an update cannot change: the hold and the recipients were made from them. */
const FIXED_FIELDS = ['from', 'lists', 'call_duplicate_numbers', 'announcement_sid', 'id', 'sid', 'status', 'account_sid', 'date_created', 'date_updated', 'stats', 'uri'];

/**
 * An update (seeds 002/003): `action` (pause, resume) and the three callback URLs at any time; the
 * other settings only before the campaign starts (campaign-svc refuses them after, 487). The
 * numbers and the count of retries shaped the campaign's hold: changing them is refused (4001) —
 * delete the campaign and create it again.
 */
export function parseV2Update(body: unknown, now: Date): Result<V2Update> {
  if (!isObject(body)) return fail(Errors.invalidParameter('The body must be a JSON object.'));
  const fixed = Object.keys(body).filter((k) => FIXED_FIELDS.includes(k));
  if (fixed.length > 0) return fail(Errors.invalidParameter(`${fixed.join(', ')} cannot be changed once the campaign is created: delete it and create it again.`));
  let action: V2Update['action'] = null;
  if (body.action !== undefined) {
    const a = str(body.action)?.toLowerCase();
    if (a !== 'pause' && a !== 'resume') return fail(Errors.invalidParameter('action must be pause or resume.'));
    action = a;
  }
  let webhooks: Partial<VoiceWebhookUrls> | null = null;
  const keys = { status_callback: 'statusCallback', call_status_callback: 'callStatusCallback', call_schedule_callback: 'callScheduleCallback' } as const;
  for (const [field, key] of Object.entries(keys)) {
    if (!(field in body)) continue;
    const u = httpUrl(field, body[field]);
    if (!u.ok) return u;
    webhooks = { ...(webhooks ?? {}), [key]: u.value };
  }
  const e: V2Edits = {};
  if ('name' in body) {
    const name = str(body.name);
    if (!name) return fail(Errors.mandatoryMissing('name'));
    if (name.length > LIMITS.nameCharsMax) return fail(Errors.invalidParameter(`name is longer than ${LIMITS.nameCharsMax} characters.`));
    e.name = name;
  }
  if ('caller_id' in body) {
    const c = str(body.caller_id);
    if (!c) return fail(Errors.mandatoryMissing('caller_id'));
    e.callerId = c;
  }
  if ('url' in body) {
    const u = httpUrl('url', body.url);
    if (!u.ok) return u;
    if (!u.value) return fail(Errors.mandatoryMissing('url'));
    e.url = u.value;
  }
  if ('type' in body && (str(body.type) ?? '').toLowerCase() !== 'trans') return fail(Errors.invalidParameter('type must be "trans": only transactional campaigns are supported.'));
  if ('custom_field' in body) {
    const c = body.custom_field === null ? null : str(body.custom_field);
    if (c !== null && c.length > CUSTOM_FIELD_CHARS_MAX) return fail(Errors.invalidParameter(`custom_field is longer than ${CUSTOM_FIELD_CHARS_MAX} characters.`));
    e.customField = c;
  }
  if ('retries' in body || 'on_status' in body) {
    const r = parseRetries(body);
    if (!r.ok) return r;
    e.retries = r.value;
  }
  if ('schedule' in body) {
    const schedule = body.schedule;
    if (!isObject(schedule)) return fail(Errors.invalidParameter('schedule must be an object with send_at and end_at.'));
    if ('send_at' in schedule) {
      if (schedule.send_at === null || schedule.send_at === '') e.sendAt = null;
      else {
        const t = parseSeedDateTime(String(schedule.send_at));
        if (!t) return fail(Errors.dateFormatIncorrect);
        if (t.getTime() < now.getTime()) return fail(Errors.startTimeInPast);
        e.sendAt = t;
      }
    }
    if ('end_at' in schedule) {
      if (schedule.end_at === null || schedule.end_at === '') e.endAt = null;
      else {
        const t = parseSeedDateTime(String(schedule.end_at));
        if (!t) return fail(Errors.dateFormatIncorrect);
        e.endAt = t.toISOString();
      }
    }
  }
  const edits = Object.keys(e).length > 0 ? e : null;
  if (!action && !webhooks && !edits) return fail(Errors.mandatoryMissing('action'));
  return ok({ action, webhooks, edits });
}

/** Campaign statuses in the voice API's words, and back. */
export const V2_STATUS: Record<CampaignStatus, string> = {
  initiating: 'created',
  scheduled: 'scheduled',
  'in-progress': 'in-progress',
  paused: 'paused',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'canceled',
};

export interface V2ListQuery {
  offset: number;
  limit: number;
  name: string | null;
  statuses: CampaignStatus[] | null;
  sortBy: 'dateCreated' | 'name' | 'status' | 'startTime';
  sortDirection: 'asc' | 'desc';
}

export function parseV2List(q: Record<string, string | undefined>): Result<V2ListQuery> {
  const offset = q.offset === undefined || q.offset === '' ? 0 : Number(q.offset);
  if (!Number.isInteger(offset) || offset < 0) return fail(Errors.invalidParameter('offset must be a whole number from 0.'));
  const limit = q.limit === undefined || q.limit === '' ? V2_LIST_LIMIT_DEFAULT : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > V2_LIST_LIMIT_MAX) return fail(Errors.invalidParameter(`limit must be a whole number from 1 to ${V2_LIST_LIMIT_MAX}.`));
  let statuses: CampaignStatus[] | null = null;
  if (q.status) {
    statuses = [];
    for (const s of q.status.split(',')) {
      const wanted = s.trim().toLowerCase();
      const found = (Object.entries(V2_STATUS) as [CampaignStatus, string][]).find(([native, v2]) => v2 === wanted || native === wanted);
      if (!found) return fail(Errors.invalidParameter(`status must be a comma-separated list of ${Object.values(V2_STATUS).join(', ')}.`));
      statuses.push(found[0]);
    }
  }
  const sorts = { date_created: 'dateCreated', name: 'name', status: 'status', send_at: 'startTime' } as const;
  const [field, dir = 'asc'] = (q.sort_by || 'date_created:asc').split(':');
  const sortBy = sorts[field.trim().toLowerCase() as keyof typeof sorts];
  const direction = dir.trim().toLowerCase();
  if (!sortBy || (direction !== 'asc' && direction !== 'desc')) return fail(Errors.invalidParameter('sort_by must be date_created, name, status or send_at, then :asc or :desc.'));
  return ok({ offset, limit, name: q.name?.trim() || null, statuses, sortBy, sortDirection: direction });
}
