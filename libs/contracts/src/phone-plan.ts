import metadataJson from 'libphonenumber-js/metadata.max.json';

/**
 * libphonenumber's number plans, compiled once into RegExps, deciding exactly what
 * libphonenumber-js's `isValidPhoneNumber('+' + digits)` decides with the same ("max") metadata:
 * the calling code, the national prefix some writers keep after it ("+44 (0)20…"), the country
 * among those sharing a calling code (+1, +7, +44…), and the country's number types (fixed line,
 * mobile, toll free…), each with its possible lengths. The library itself costs ~11 µs a number
 * (it re-creates its metadata wrappers and RegExps on every call), which would add ~11 s to a
 * 1,000,000-number upload; this costs well under a microsecond. phone.unit.spec.ts holds it to the
 * library on random and real-looking numbers of every country.
 *
 * It follows libphonenumber-js 1.12's parse → getCountryByCallingCode → isValid path
 * (source/parse.js, helpers/extractNationalNumber.js, helpers/getNumberType.js) step by step.
 * The metadata is libphonenumber-js's "v4" JSON: a numbering plan is an array whose slots are read
 * below by index, as libphonenumber-js's own Metadata class reads them.
 */

/** A numbering plan as the v4 metadata JSON stores it (only the slots read here). */
type PlanJson = readonly unknown[];
interface MetadataV4 {
  version: number;
  country_calling_codes: Record<string, readonly string[]>;
  countries: Record<string, PlanJson>;
  nonGeographic: Record<string, PlanJson>;
}

interface NumberType {
  pattern: RegExp;
  lengths: readonly number[];
}

interface Plan {
  /** The whole national number must match this (anchored). */
  national: RegExp;
  /** Ascending, as in the metadata. */
  lengths: readonly number[];
  /** Anchored at the start only, like libphonenumber's `^(?:…)`; null when the plan has none. */
  prefixForParsing: RegExp | null;
  prefixTransform: string | null;
  /** Picks this country among those sharing a calling code without checking types; null when absent. */
  leadingDigits: RegExp | null;
  /** The number types with a pattern; a valid number matches at least one. */
  types: readonly NumberType[];
}

interface CallingCode {
  /** The plan libphonenumber selects by the calling code alone: its main country's, or a non-geographic one. */
  main: Plan;
  /** The countries sharing the code, main first; empty for non-geographic codes (+800, +882…). */
  countries: readonly Plan[];
}

/** libphonenumber's MIN_LENGTH_FOR_NSN and MAX_LENGTH_FOR_NSN. */
const NATIONAL_DIGITS_MIN = 2;
const NATIONAL_DIGITS_MAX = 17;
/** libphonenumber's MAX_LENGTH_COUNTRY_CODE. */
const CALLING_CODE_DIGITS_MAX = 3;

// v4 slot indexes (libphonenumber-js source/metadata.js, class NumberingPlan).
const SLOT = { national: 2, lengths: 3, nationalPrefix: 5, prefixForParsing: 7, prefixTransform: 8, leadingDigits: 10, types: 11 } as const;

function compilePlan(json: PlanJson): Plan {
  const lengths = json[SLOT.lengths] as number[];
  const prefixForParsing = (json[SLOT.prefixForParsing] as string | undefined) || (json[SLOT.nationalPrefix] as string | undefined);
  const leadingDigits = json[SLOT.leadingDigits] as string | undefined;
  // Types are [pattern, lengths?] in libphonenumber's slot order; an empty pattern (e.g. US mobile,
  // removed as a duplicate of fixed line) never matches. Which type matched does not matter here.
  const types = ((json[SLOT.types] as unknown[] | undefined) || [])
    .filter((t): t is [string, number[]?] => Array.isArray(t) && typeof t[0] === 'string' && t[0] !== '')
    .map(([pattern, typeLengths]) => ({ pattern: new RegExp(`^(?:${pattern})$`), lengths: typeLengths || lengths }));
  if (types.length === 0) throw new Error('phone-plan: the metadata has no number types; the "max" flavour is expected');
  return {
    national: new RegExp(`^(?:${json[SLOT.national] as string})$`),
    lengths,
    prefixForParsing: prefixForParsing ? new RegExp(`^(?:${prefixForParsing})`) : null,
    prefixTransform: (json[SLOT.prefixTransform] as string | undefined) || null,
    leadingDigits: leadingDigits ? new RegExp(`^(?:${leadingDigits})`) : null,
    types,
  };
}

let compiled: Map<string, CallingCode> | null = null;

/** Compiles on first use, so the services that never validate a number never pay for it. */
function callingCodes(): Map<string, CallingCode> {
  if (compiled) return compiled;
  const metadata = metadataJson as unknown as MetadataV4;
  if (metadata.version !== 4) throw new Error(`phone-plan: libphonenumber metadata version ${metadata.version}, 4 expected`);
  const plans = new Map<string, Plan>();
  const plan = (country: string) => {
    let p = plans.get(country);
    if (!p) plans.set(country, (p = compilePlan(metadata.countries[country])));
    return p;
  };
  const codes = new Map<string, CallingCode>();
  for (const [code, countries] of Object.entries(metadata.country_calling_codes)) {
    const list = countries.map(plan);
    codes.set(code, { main: list[0], countries: list });
  }
  for (const [code, json] of Object.entries(metadata.nonGeographic)) codes.set(code, { main: compilePlan(json), countries: [] });
  compiled = codes;
  return codes;
}

/** libphonenumber's getNumberType(…) !== undefined. */
function hasType(plan: Plan, national: string): boolean {
  if (!plan.national.test(national)) return false;
  const length = national.length;
  for (const t of plan.types) if (t.lengths.includes(length) && t.pattern.test(national)) return true;
  return false;
}

/** libphonenumber's getCountryByCallingCode: the country's plan, or undefined when none fits. */
function countryOf(code: CallingCode, national: string): Plan | undefined {
  const { countries } = code;
  if (countries.length === 1) return countries[0];
  for (const c of countries) {
    // Leading digits, where a country has them, decide alone: no fallback to the type check.
    if (c.leadingDigits) {
      if (national !== '' && c.leadingDigits.test(national)) return c;
    } else if (hasType(c, national)) return c;
  }
  return undefined;
}

/** libphonenumber's checkNumberLength(…) is neither TOO_SHORT nor INVALID_LENGTH (TOO_LONG passes). */
function possibleIncomplete(plan: Plan, national: string): boolean {
  const { lengths } = plan;
  const n = national.length;
  if (n < lengths[0]) return false;
  if (n > lengths[lengths.length - 1]) return true;
  return lengths.includes(n);
}

/**
 * libphonenumber's extractNationalNumber for a number written with its calling code: strips a
 * national prefix ("0", "8"…) or applies the plan's transform, unless the result is no longer a
 * national number while the original was, or has an impossible length.
 */
function nationalNumberOf(code: CallingCode, rest: string): string {
  const { main } = code;
  if (!main.prefixForParsing) return rest;
  const m = main.prefixForParsing.exec(rest);
  if (!m) return rest;
  const lastGroup = m.length - 1;
  const hasGroups = lastGroup > 0 && !!m[lastGroup];
  const stripped = main.prefixTransform && hasGroups ? rest.replace(main.prefixForParsing, main.prefixTransform) : rest.slice(m[0].length);
  if (stripped === rest) return rest;
  if (main.national.test(rest) && !main.national.test(stripped)) return rest;
  if (!possibleIncomplete(countryOf(code, stripped) ?? main, stripped)) return rest;
  return stripped;
}

/**
 * The canonical E.164 form ("+" calling code national number) of an international number written
 * as digits only (calling code first, no "+"), when libphonenumber deems it valid; otherwise null.
 * The canonical form drops a national prefix written after the calling code: "4402079460958" →
 * "+442079460958", so the same number is always spelt the same way.
 */
export function validInternational(digits: string): string | null {
  if (digits === '' || digits[0] === '0') return null;
  const codes = callingCodes();
  for (let i = 1; i <= CALLING_CODE_DIGITS_MAX && i < digits.length; i++) {
    const callingCode = digits.slice(0, i);
    const code = codes.get(callingCode);
    if (!code) continue;
    // Calling codes are prefix-free: the first one found is the only one.
    const national = nationalNumberOf(code, digits.slice(i));
    if (national.length < NATIONAL_DIGITS_MIN || national.length > NATIONAL_DIGITS_MAX) return null;
    const plan = countryOf(code, national) ?? code.main;
    return hasType(plan, national) ? '+' + callingCode + national : null;
  }
  return null;
}
