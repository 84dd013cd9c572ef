import { parseStatusInput } from './campaign';
import { derivedSid, isSid, newSid } from './ids';

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
