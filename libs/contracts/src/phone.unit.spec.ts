import fc from 'fast-check';
import { getCountries, getExampleNumber, isValidPhoneNumber, parsePhoneNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import metadata from 'libphonenumber-js/metadata.max.json';
import { toE164 } from './phone';
import { validInternational } from './phone-plan';

/** What libphonenumber-js itself says of digits read as an international number (the same "max" metadata). */
function libraryE164(digits: string): string | null {
  const text = '+' + digits;
  return isValidPhoneNumber(text) ? parsePhoneNumber(text).number : null;
}

const digitString = (minLength: number, maxLength: number) => fc.stringOf(fc.constantFrom(...'0123456789'), { minLength, maxLength });
const callingCodes = [
  ...Object.keys((metadata as unknown as { country_calling_codes: Record<string, string[]> }).country_calling_codes),
  ...Object.keys((metadata as unknown as { nonGeographic: Record<string, unknown> }).nonGeographic),
];
const countries = getCountries();
/** Every country's example mobile number, as digits: calling code then national number. */
const exampleDigits = countries.map((c) => {
  const n = getExampleNumber(c, examples);
  if (!n) throw new Error(`no example number for ${c}`);
  return n.number.slice(1);
});
const plans = metadata as unknown as { countries: Record<string, unknown[]> };
/** Each country's national prefix ("0", "8"…; slot 5 of a v4 numbering plan), where it has one. */
const nationalPrefixOf = (country: string) => plans.countries[country][5] as string | undefined;
const nationalPrefixes = [...new Set(countries.map(nationalPrefixOf).filter((p): p is string => !!p)), '15'];

/** One edit of a real-looking number: a digit changed, dropped or added, a national prefix kept, or more digits. */
const nearMiss = fc
  .tuple(fc.constantFrom(...exampleDigits), fc.nat(), fc.constantFrom(...'0123456789'), fc.integer({ min: 0, max: 5 }), fc.constantFrom(...nationalPrefixes), digitString(1, 3))
  .map(([digits, at, digit, edit, prefix, tail]) => {
    const i = at % digits.length;
    switch (edit) {
      case 0:
        return digits.slice(0, i) + digit + digits.slice(i + 1);
      case 1:
        return digits.slice(0, i) + digits.slice(i + 1);
      case 2:
        return digits.slice(0, i) + digit + digits.slice(i);
      case 3: {
        const code = callingCodes.find((c) => digits.startsWith(c))!;
        return code + prefix + digits.slice(code.length);
      }
      case 4:
        return digits + tail;
      default:
        return digits.slice(0, Math.max(1, digits.length - tail.length));
    }
  });

describe('the compiled number plans', () => {
  it("accept every country's example mobile number, as libphonenumber does", () => {
    for (const digits of exampleDigits) expect([digits, validInternational(digits)]).toEqual([digits, libraryE164(digits)]);
  });

  it("agree with libphonenumber on every country's example written with its national prefix after the calling code", () => {
    countries.forEach((country, i) => {
      const example = exampleDigits[i];
      const code = callingCodes.find((c) => example.startsWith(c))!;
      const digits = code + (nationalPrefixOf(country) ?? '') + example.slice(code.length);
      expect([digits, validInternational(digits)]).toEqual([digits, libraryE164(digits)]);
    });
  });

  it('agree with libphonenumber on random digits', () => {
    fc.assert(
      fc.property(digitString(0, 20), (digits) => expect(validInternational(digits)).toBe(libraryE164(digits))),
      { numRuns: 20_000 },
    );
  });

  it('agree with libphonenumber on random national numbers after every calling code', () => {
    fc.assert(
      fc.property(fc.constantFrom(...callingCodes), digitString(1, 17), (code, rest) => expect(validInternational(code + rest)).toBe(libraryE164(code + rest))),
      { numRuns: 20_000 },
    );
  });

  it("agree with libphonenumber on near misses of every country's real numbers", () => {
    fc.assert(
      fc.property(nearMiss, (digits) => expect(validInternational(digits)).toBe(libraryE164(digits))),
      { numRuns: 20_000 },
    );
  });

  it('agree with libphonenumber on random national numbers of the right length for each country', () => {
    const byCountry = fc.tuple(fc.constantFrom(...exampleDigits), digitString(17, 17)).map(([example, digits]) => {
      const code = callingCodes.find((c) => example.startsWith(c))!;
      return code + digits.slice(0, example.length - code.length);
    });
    fc.assert(
      fc.property(byCountry, (digits) => expect(validInternational(digits)).toBe(libraryE164(digits))),
      { numRuns: 20_000 },
    );
  });
});

describe('toE164', () => {
  it.each([
    ['919960639903', '+919960639903'],
    ['+919960639903', '+919960639903'],
    ['00919960639903', '+919960639903'],
    [' +44 (20) 7946-0958 ', '+442079460958'],
    ['+44 (0)20 7946 0958', '+442079460958'],
    ['1.415.555.2671', '+14155552671'],
    ['14155550100', '+14155550100'],
    ['\uFEFF919960639903', '+919960639903'],
    ['919960639903,Jane,VIP', '+919960639903'],
    ['"919960639903"', '+919960639903'],
  ])('normalises %j', (input, expected) => expect(toE164(input)).toBe(expected));

  it.each([
    ['empty', ''],
    ['letters', 'abc'],
    ['too short', '12345'],
    ['a leading zero (a national form)', '0919960639903'],
    ['too long', '+1234567890123456'],
    ['a letter among the digits', '91996063990x'],
    ['two pluses', '++919960639903'],
    ['the fictional 555 area code', '+15555550100'],
    ['a US area code that does not exist', '+11235550100'],
    ['an Indian number one digit short', '+91996063990'],
    ['an unassigned calling code', '+8091234567'],
  ])('rejects %s: %j', (_, input) => expect(toE164(input)).toBeNull());

  it('is idempotent and yields + and at most 15 digits', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringOf(fc.constantFrom('0', '1', '4', '5', '9', ' ', '-', '+', '(', ')', '.'), { maxLength: 20 }), nearMiss), (raw) => {
        const n = toE164(raw);
        if (n === null) return;
        expect(n).toMatch(/^\+[1-9]\d{1,14}$/);
        expect(toE164(n)).toBe(n);
      }),
      { numRuns: 20_000 },
    );
  });

  it('accepts exactly the numbers libphonenumber deems valid, in any written form', () => {
    const written = fc.tuple(fc.oneof(nearMiss, fc.constantFrom(...exampleDigits)), fc.constantFrom('', '+', '00', ' +'), fc.constantFrom('', ' ', '-', '.')).map(([digits, lead, sep]) => ({
      digits,
      raw: lead + digits.replace(/(\d{3})(?=\d)/g, `$1${sep}`),
    }));
    fc.assert(
      fc.property(written, ({ digits, raw }) => {
        const expected = libraryE164(digits);
        expect(toE164(raw)).toBe(expected !== null && expected.length <= 16 ? expected : null);
      }),
      { numRuns: 20_000 },
    );
  });
});
