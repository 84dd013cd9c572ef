import { validInternational } from './phone-plan';

/** E.164's own limit on a number's digits, calling code included. */
const E164_DIGITS_MAX = 15;
/** More digits than any number with a national prefix written after its calling code could have. */
const WRITTEN_DIGITS_MAX = 24;

/**
 * Normalises a phone number to its canonical E.164 form when it is a real number: valid under
 * libphonenumber's number plans (country, number type and length; see phone-plan.ts) and at most
 * 15 digits. Seed 000 writes numbers without the plus ("919960639903"): a number is always read
 * as international, calling code first, whether or not it starts with "+" or "00". Spaces, dots,
 * dashes and parentheses are ignored, as are a byte-order mark, surrounding quotes and the further
 * columns of a CSV line. A national prefix written after the calling code is dropped
 * ("+44 (0)20 7946 0958" → "+442079460958"). Anything else is invalid: null.
 */
export function toE164(raw: string): string | null {
  let s = raw.trim().replace(/^\uFEFF/, '');
  // A CSV line may carry further columns; the number is the first one.
  const comma = s.indexOf(',');
  if (comma >= 0) s = s.slice(0, comma);
  s = s.replace(/^"|"$/g, '').replace(/[\s.\-()]/g, '');
  if (s.startsWith('+')) s = s.slice(1);
  else if (s.startsWith('00')) s = s.slice(2);
  if (s.length > WRITTEN_DIGITS_MAX || !/^[0-9]+$/.test(s)) return null;
  const e164 = validInternational(s);
  return e164 !== null && e164.length - 1 <= E164_DIGITS_MAX ? e164 : null;
}
