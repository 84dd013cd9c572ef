import { DIAL_TIMEOUT_DEFAULT_SECONDS, Errors, LIMITS, fail, fillTemplate, ok, parseSeedDateTime, toE164, type Channel, type Result, type VoiceCampaignOptions } from '@clarion/contracts';
import { segmentsFor } from '@clarion/smpp';

/** A create-campaign request after validation: everything the CreateCampaign command needs but the recipients. */
export interface CreateCampaignRequest {
  name: string;
  channel: Channel;
  /** SMS: the text (a template when it names {{name}}, {{custom1}} or {{custom2}}); voice: '' or as given. */
  body: string;
  /** SMS: segments of the body with every field empty; voice: 1 (one call attempt). */
  creditsPerRecipient: number;
  startTime: Date | null;
  fromPrefix: string | null;
  optOut: string | null;
  optIn: string | null;
  announcementSid: string | null;
  rcmlUrl: string | null;
  dialTimeoutSeconds: number | null;
  ignoreInvalidPhoneNumbers: boolean;
  /** True: no quiet hours apply to the campaign; false (the default): the enterprise's policy does. */
  ignoreQuietHours: boolean;
  /** Voice campaigns of the v2 API: retries, end of the window, webhooks… (creditsPerRecipient covers every attempt). */
  voiceOptions?: VoiceCampaignOptions | null;
}

/** Fields only Clarion sets: a request that passes one is refused rather than half-obeyed. */
export const SERVER_OWNED_FIELDS = ['sid', 'status', 'enterpriseSid', 'accountSid', 'accountEmail', 'total', 'dateCreated', 'dateUpdated', 'uri'] as const;

/** The bounds of the ring time in the call-control APIs Clarion speaks (Twilio, SignalWire, Restcomm: 5–600 s). */
export const DIAL_TIMEOUT_SECONDS_MIN = 5;
export const DIAL_TIMEOUT_SECONDS_MAX = 600;
const RCML_URL_CHARS_MAX = 2048;

/** A field as text: multipart fields are strings; JSON bodies may carry numbers and booleans. */
function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** "true"/"false" in any case, or a JSON boolean; absent: the route's default. */
export function parseBooleanField(v: unknown, name: string, dflt: boolean): Result<boolean> {
  if (v === undefined || v === null || v === '') return ok(dflt);
  const s = String(v).trim().toLowerCase();
  if (s === 'true' || s === '1') return ok(true);
  if (s === 'false' || s === '0') return ok(false);
  return fail(Errors.invalidParameter(`${name} must be true or false.`));
}

/**
 * Pure validation of seed 000's Create Campaign parameters, in the seed's order of concern: fields
 * Clarion owns (4001), name (4000), channel (4001), body for SMS (4000), the voice parameters (no
 * announcement and no RCML URL: 500, as seed 000 lists only "Announcement not found" for that), the
 * sender (4000), the start time (498 malformed, 489 past; no offset means UTC), the DND lists.
 * `hasFromNumbers`: a fromFile with at least one usable sender was given (it wins over fromPrefix).
 */
export function parseCreateCampaign(fields: Record<string, unknown>, options: { hasFromNumbers: boolean; now: Date; ignoreInvalidDefault: boolean }): Result<CreateCampaignRequest> {
  for (const k of SERVER_OWNED_FIELDS) {
    if (fields[k] !== undefined) return fail(Errors.invalidParameter(`${k} is set by Clarion and cannot be passed.`));
  }
  const raw: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(fields)) {
    const t = text(v);
    if (v !== undefined && v !== null && t === null && !['to', 'fromFile', 'from', 'contacts'].includes(k)) return fail(Errors.invalidParameter(`${k} must be a string.`));
    raw[k] = t;
  }
  const f = (k: string) => (raw[k] ?? '').trim();

  const name = f('name');
  if (!name) return fail(Errors.mandatoryMissing('name'));
  if (name.length > LIMITS.nameCharsMax) return fail(Errors.invalidParameter(`name is longer than ${LIMITS.nameCharsMax} characters.`));

  const channel = (f('channel').toLowerCase() || 'sms') as Channel;
  if (channel !== 'sms' && channel !== 'voice') return fail(Errors.invalidParameter('channel must be "sms" or "voice".'));

  const body = raw.body ?? '';
  if (body.length > LIMITS.bodyCharsMax) return fail(Errors.invalidParameter(`body is longer than ${LIMITS.bodyCharsMax} characters.`));
  let announcementSid: string | null = null;
  let rcmlUrl: string | null = null;
  let dialTimeoutSeconds: number | null = null;
  if (channel === 'sms') {
    if (body.trim() === '') return fail(Errors.mandatoryMissing('body'));
  } else {
    announcementSid = f('announcementSid') || null;
    // Seed 000: when both are passed, announcementSid takes preference.
    rcmlUrl = announcementSid ? null : f('rcmlUrl') || null;
    if (!announcementSid && !rcmlUrl) return fail(Errors.announcementNotFound);
    if (rcmlUrl && (rcmlUrl.length > RCML_URL_CHARS_MAX || !/^https?:\/\/[^\s/]+/i.test(rcmlUrl))) return fail(Errors.invalidParameter('rcmlUrl must be an http(s) URL.'));
    dialTimeoutSeconds = DIAL_TIMEOUT_DEFAULT_SECONDS;
    if (f('dialTimeout')) {
      const n = Number(f('dialTimeout'));
      if (!Number.isInteger(n) || n < DIAL_TIMEOUT_SECONDS_MIN || n > DIAL_TIMEOUT_SECONDS_MAX) {
        return fail(Errors.invalidParameter(`dialTimeout must be a whole number of seconds from ${DIAL_TIMEOUT_SECONDS_MIN} to ${DIAL_TIMEOUT_SECONDS_MAX}.`));
      }
      dialTimeoutSeconds = n;
    }
  }

  const fromPrefix = f('fromPrefix').replace(/^\+/, '') || null;
  if (!options.hasFromNumbers && !fromPrefix) return fail(Errors.mandatoryMissing('fromFile or fromPrefix'));
  if (!options.hasFromNumbers && fromPrefix && !/^[0-9]{1,6}$/.test(fromPrefix)) return fail(Errors.invalidParameter('fromPrefix must be 1 to 6 digits.'));

  let startTime: Date | null = null;
  if (f('startTime')) {
    startTime = parseSeedDateTime(f('startTime'));
    if (!startTime) return fail(Errors.dateFormatIncorrect);
    if (startTime.getTime() < options.now.getTime()) return fail(Errors.startTimeInPast);
  }

  // Seed 000: "The only possible value is "Opt-Out"" (the enterprise's one opt-out list, which applies anyway).
  let optOut: string | null = null;
  if (f('optOut')) {
    if (f('optOut').toLowerCase() !== 'opt-out') return fail(Errors.invalidParameter('optOut must be "Opt-Out".'));
    optOut = 'Opt-Out';
  }
  // "optInx" is how seed 000's parameter table spells it; its examples say optIn.
  const optIn = f('optIn') || f('optInx') || null;
  if (optIn && optIn.length > LIMITS.nameCharsMax) return fail(Errors.invalidParameter(`optIn is longer than ${LIMITS.nameCharsMax} characters.`));

  const ignore = parseBooleanField(raw.ignoreInvalidPhoneNumbers, 'ignoreInvalidPhoneNumbers', options.ignoreInvalidDefault);
  if (!ignore.ok) return ignore;
  const ignoreQuiet = parseBooleanField(raw.ignoreQuietHours, 'ignoreQuietHours', false);
  if (!ignoreQuiet.ok) return ignoreQuiet;

  return ok({
    name,
    channel,
    body,
    // A template is priced with its fields empty here; the reservation sums each recipient's own text.
    creditsPerRecipient: channel === 'sms' ? segmentsFor(fillTemplate(body, null)) : 1,
    startTime,
    fromPrefix: options.hasFromNumbers ? null : fromPrefix,
    optOut,
    optIn,
    announcementSid,
    rcmlUrl,
    dialTimeoutSeconds,
    ignoreInvalidPhoneNumbers: ignore.value,
    ignoreQuietHours: ignoreQuiet.value,
  });
}

/**
 * From numbers are few (sender ids): read whole, bounded, and normalised. An alphanumeric sender id
 * (up to 11 letters, digits and spaces, at least one letter) is a valid SMS originator and is kept.
 */
export function parseFromNumbers(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const t = line.trim().replace(/^\uFEFF/, '');
    if (!t) continue;
    const n = toE164(t) ?? (/^[A-Za-z0-9 ]{1,11}$/.test(t) && /[A-Za-z]/.test(t) ? t : null);
    if (n) out.push(n);
    if (out.length >= LIMITS.fromNumbersMax) break;
  }
  return out;
}
