/**
 * Normalises a phone number to E.164 ("+" and 8 to 15 digits, no leading zero). Seed 000 writes
 * numbers without the plus ("919960639903"); "+", "00" prefixes, spaces, dots, dashes and
 * parentheses are accepted. Anything else is invalid: null.
 */
export function toE164(raw: string): string | null {
  let s = raw.trim().replace(/^\uFEFF/, '');
  // A CSV line may carry further columns; the number is the first one.
  const comma = s.indexOf(',');
  if (comma >= 0) s = s.slice(0, comma);
  s = s.replace(/^"|"$/g, '').replace(/[\s.\-()]/g, '');
  if (s.startsWith('+')) s = s.slice(1);
  else if (s.startsWith('00')) s = s.slice(2);
  if (!/^[1-9][0-9]{7,14}$/.test(s)) return null;
  return '+' + s;
}
