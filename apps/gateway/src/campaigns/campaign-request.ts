import { Errors, LIMITS, parseSeedDateTime, toE164, type ClarionError } from '@clarion/contracts';
import { segmentsFor } from '@clarion/smpp';

/** The fields of a create-campaign upload after validation: everything the command needs. */
export interface CampaignRequest {
  name: string;
  body: string;
  creditsPerRecipient: number;
  startTime: Date | null;
  fromPrefix: string | null;
  optOut: string | null;
  optIn: string | null;
}

/**
 * Pure validation of the create-campaign form fields (seed 000): mandatory fields answer 4000,
 * a malformed start time 498, a start time in the past 489.
 */
export function validateCampaignFields(fields: Record<string, string>, hasFromFile: boolean, now: Date): { ok: true; value: CampaignRequest } | { ok: false; error: ClarionError } {
  const f = (k: string) => (fields[k] ?? '').trim();
  const channel = f('channel').toLowerCase() || 'sms';
  if (channel === 'voice') return { ok: false, error: Errors.invalidParameter('Voice campaigns are not available yet; channel must be "sms".') };
  if (channel !== 'sms') return { ok: false, error: Errors.invalidParameter('channel must be "sms" or "voice".') };
  if (!f('name')) return { ok: false, error: Errors.mandatoryMissing('name') };
  if (f('name').length > LIMITS.nameCharsMax) return { ok: false, error: Errors.invalidParameter(`name is longer than ${LIMITS.nameCharsMax} characters.`) };
  const body = fields.body ?? '';
  if (body.trim() === '') return { ok: false, error: Errors.mandatoryMissing('body') };
  if (body.length > LIMITS.bodyCharsMax) return { ok: false, error: Errors.invalidParameter(`body is longer than ${LIMITS.bodyCharsMax} characters.`) };
  const fromPrefix = f('fromPrefix').replace(/^\+/, '') || null;
  if (!hasFromFile && !fromPrefix) return { ok: false, error: Errors.mandatoryMissing('fromFile or fromPrefix') };
  if (fromPrefix && !/^[0-9]{1,6}$/.test(fromPrefix)) return { ok: false, error: Errors.invalidParameter('fromPrefix must be 1 to 6 digits.') };
  let startTime: Date | null = null;
  if (f('startTime')) {
    startTime = parseSeedDateTime(f('startTime'));
    if (!startTime) return { ok: false, error: Errors.dateFormatIncorrect };
    if (startTime.getTime() < now.getTime()) return { ok: false, error: Errors.startTimeInPast };
  }
  const optOut = f('optOut') || null;
  return {
    ok: true,
    value: { name: f('name'), body, creditsPerRecipient: segmentsFor(body), startTime, fromPrefix: hasFromFile ? null : fromPrefix, optOut, optIn: f('optIn') || f('optInx') || null },
  };
}

/** From numbers are few (sender ids); they are read whole, bounded, and normalised. */
export function parseFromNumbers(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (!t) continue;
    // An alphanumeric sender id (up to 11 characters) is a valid SMS originator too.
    const n = toE164(t) ?? (/^[A-Za-z0-9 ]{1,11}$/.test(t) && /[A-Za-z]/.test(t) ? t : null);
    if (n) out.push(n);
    if (out.length >= LIMITS.fromNumbersMax) break;
  }
  return out;
}
