import fc from 'fast-check';
import { parseSeedDateTime, seedTime } from './time';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DAY_MS = 86_400_000;
/** Instants in whole seconds, far enough from year 0 and 9999 for any offset to stay in four-digit years. */
const instant = fc.integer({ min: Date.UTC(1000, 0, 2) / 1000, max: Date.UTC(9999, 11, 30) / 1000 }).map((s) => new Date(s * 1000));
/** Offsets from -14:00 to +14:00 in minutes, the range real time zones use. */
const offsetMinutes = fc.integer({ min: -14 * 60, max: 14 * 60 });

/** The wall-clock fields of `at` seen from a zone `offset` minutes east of UTC. */
function wallClock(at: Date, offset: number): string {
  return new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 19);
}
function offsetText(offset: number, colon: boolean): string {
  const abs = Math.abs(offset);
  return (offset < 0 ? '-' : '+') + pad(Math.floor(abs / 60)) + (colon ? ':' : '') + pad(abs % 60);
}
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

describe('parseSeedDateTime', () => {
  it.each([
    ['2018-10-05', '2018-10-05T00:00:00.000Z'],
    ['2018-10-05T22:45:32', '2018-10-05T22:45:32.000Z'],
    ['2021-03-18T12:20:46+0530', '2021-03-18T06:50:46.000Z'],
    ['2021-03-18T12:20:46+05:30', '2021-03-18T06:50:46.000Z'],
    ['2021-03-18T12:20:46Z', '2021-03-18T12:20:46.000Z'],
    ['2021-03-18T12:20:46-0800', '2021-03-18T20:20:46.000Z'],
    ['2019-01-01 09:53:51', '2019-01-01T09:53:51.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2021-01-01T10:00:00+1400', '2020-12-31T20:00:00.000Z'],
    ['2021-01-01T10:00:00-14:00', '2021-01-02T00:00:00.000Z'],
  ])('parses %j', (input, iso) => expect(parseSeedDateTime(input)?.toISOString()).toBe(iso));

  it.each([
    '2021-02-30',
    '2023-02-29',
    '2021-04-31',
    '2021-13-01',
    '2021-00-10',
    '2021-01-00',
    '2021-01-01T25:00:00',
    '2021-01-01T24:00:00',
    '2021-01-01T10:60:00',
    '2021-01-01T10:00:60',
    'yesterday',
    '2018/10/05',
    '05/10/2018',
    '',
    '2021-01-01T10:00:00+1500',
    '2021-01-01T10:00:00+1401',
    '2021-01-01T10:00:00-14:30',
    '2021-01-01T10:00:00+05:60',
    '2021-1-1',
    '2021-01-01T10:00:00+5',
  ])('rejects %j', (input) => expect(parseSeedDateTime(input)).toBeNull());
  it.each([20181005, null, undefined, {}, ['2018-10-05'], new Date(0)])('rejects the non-string %p', (input) => expect(parseSeedDateTime(input)).toBeNull());

  it('reads a date alone as midnight UTC of that day', () => {
    fc.assert(
      fc.property(instant, (at) => {
        const day = at.toISOString().slice(0, 10);
        expect(parseSeedDateTime(day)?.getTime()).toBe(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
      }),
    );
  });

  it('reads a time without an offset as UTC, with a "T" or a space', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom('T', ' '), (at, sep) => {
        expect(parseSeedDateTime(wallClock(at, 0).replace('T', sep))?.getTime()).toBe(at.getTime());
      }),
    );
  });

  it('round-trips the instant of a wall-clock time in any zone, written +hhmm, +hh:mm or Z', () => {
    fc.assert(
      fc.property(instant, offsetMinutes, fc.boolean(), (at, offset, colon) => {
        expect(parseSeedDateTime(wallClock(at, offset) + offsetText(offset, colon))?.getTime()).toBe(at.getTime());
        expect(parseSeedDateTime(wallClock(at, 0) + 'Z')?.getTime()).toBe(at.getTime());
      }),
    );
  });

  it("reads back its own output form, seed 000's timestamps", () => {
    fc.assert(fc.property(instant, (at) => expect(parseSeedDateTime(seedTime(at))?.getTime()).toBe(at.getTime())));
  });

  it('round-trips any ISO timestamp, milliseconds included', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const d = new Date(ms);
        expect(parseSeedDateTime(d.toISOString())?.getTime()).toBe(d.getTime());
      }),
    );
  });

  it('refuses days a month does not have', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 99 }), (year, month, day) => {
        const parsed = parseSeedDateTime(`${year}-${pad(month)}-${pad(day)}`);
        if (day <= daysIn(year, month)) expect(parsed?.toISOString().slice(0, 10)).toBe(`${year}-${pad(month)}-${pad(day)}`);
        else expect(parsed).toBeNull();
      }),
    );
  });

  it('refuses hours, minutes and seconds out of range', () => {
    const field = fc.integer({ min: 0, max: 99 });
    fc.assert(
      fc.property(field, field, field, (h, m, s) => {
        const parsed = parseSeedDateTime(`2021-06-15T${pad(h)}:${pad(m)}:${pad(s)}`);
        if (h < 24 && m < 60 && s < 60) expect(parsed?.getTime()).toBe(Date.UTC(2021, 5, 15, h, m, s));
        else expect(parsed).toBeNull();
      }),
    );
  });

  it('refuses offsets beyond 14 hours and minutes beyond 59', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('+', '-'), fc.boolean(), (h, m, sign, colon) => {
        const parsed = parseSeedDateTime(`2021-06-15T12:00:00${sign}${pad(h)}${colon ? ':' : ''}${pad(m)}`);
        if (m < 60 && h * 60 + m <= 14 * 60) expect(parsed?.getTime()).toBe(Date.UTC(2021, 5, 15, 12, 0, 0) - (sign === '+' ? 1 : -1) * (h * 60 + m) * 60_000);
        else expect(parsed).toBeNull();
      }),
    );
  });

  it('never throws on garbage, and answers null or a real instant', () => {
    const dateish = fc.stringOf(fc.constantFrom(...'0123456789-:T+Z .'), { maxLength: 30 });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.fullUnicodeString(), dateish, fc.anything()), (input) => {
        const parsed = parseSeedDateTime(input);
        expect(parsed === null || (parsed instanceof Date && Number.isFinite(parsed.getTime()))).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });
});
