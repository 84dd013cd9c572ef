import fc from 'fast-check';
import { parseSeedDateTime } from './time';
import { parseStatusInput } from './campaign';
import { derivedSid, isSid, newSid } from './ids';

describe('parseSeedDateTime', () => {
  it.each([
    ['2018-10-05', '2018-10-05T00:00:00.000Z'],
    ['2018-10-05T22:45:32', '2018-10-05T22:45:32.000Z'],
    ['2021-03-18T12:20:46+0530', '2021-03-18T06:50:46.000Z'],
    ['2021-03-18T12:20:46+05:30', '2021-03-18T06:50:46.000Z'],
    ['2021-03-18T12:20:46Z', '2021-03-18T12:20:46.000Z'],
    ['2021-03-18T12:20:46-0800', '2021-03-18T20:20:46.000Z'],
    ['2019-01-01 09:53:51', '2019-01-01T09:53:51.000Z'],
  ])('parses %j', (input, iso) => expect(parseSeedDateTime(input)?.toISOString()).toBe(iso));

  it.each(['2021-02-30', '2021-13-01', '2021-01-01T25:00:00', 'yesterday', '2018/10/05', '05/10/2018', '', '2021-01-01T10:00:00+1500'])('rejects %j', (input) =>
    expect(parseSeedDateTime(input)).toBeNull(),
  );
  it('rejects non-strings', () => expect(parseSeedDateTime(20181005)).toBeNull());

  it('round-trips any ISO timestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1971, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 }), (seconds) => {
        const d = new Date(seconds * 1000);
        expect(parseSeedDateTime(d.toISOString())?.getTime()).toBe(d.getTime());
      }),
    );
  });
});

describe('parseStatusInput', () => {
  it.each([
    ['cancelled', 'cancelled'],
    ['Canceled', 'cancelled'],
    ['CANCELLED', 'cancelled'],
    ['InProgress', 'in-progress'],
    ['in-progress', 'in-progress'],
    ['Scheduled', 'scheduled'],
  ])('reads %j as %j', (input, expected) => expect(parseStatusInput(input)).toBe(expected));
  it.each(['cancel', '', 'done', 3, null])('refuses %j', (input) => expect(parseStatusInput(input)).toBeNull());
});

describe('sids', () => {
  it('have a type prefix and 32 hex digits, and EN does not swallow ENC', () => {
    const en = newSid('enterprise');
    const enc = newSid('creditEntry');
    expect(en).toMatch(/^EN[0-9a-f]{32}$/);
    expect(isSid('enterprise', en)).toBe(true);
    expect(isSid('enterprise', enc)).toBe(false);
    expect(isSid('creditEntry', enc)).toBe(true);
    expect(isSid('campaign', 'CP' + 'g'.repeat(32))).toBe(false);
  });
  it('derived sids are stable for the same parts and differ for others', () => {
    expect(derivedSid('creditEntry', 'a', 'b')).toBe(derivedSid('creditEntry', 'a', 'b'));
    expect(derivedSid('creditEntry', 'a', 'b')).not.toBe(derivedSid('creditEntry', 'ab', ''));
  });
});
