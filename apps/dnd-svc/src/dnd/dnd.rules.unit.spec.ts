import fc from 'fast-check';
import { splitByConsent } from './dnd.rules';

describe('splitByConsent', () => {
  it('never accepts an opted-out number, and keeps only opt-in members when a list is named', () => {
    expect(splitByConsent(['+1', '+2', '+3'], new Set(['+2']), null)).toEqual({ accepted: ['+1', '+3'], optedOut: ['+2'] });
    expect(splitByConsent(['+1', '+2', '+3'], new Set(['+2']), new Set(['+2', '+3']))).toEqual({ accepted: ['+3'], optedOut: ['+1', '+2'] });
  });
  it('partitions the input', () => {
    const num = fc.constantFrom('+1', '+2', '+3', '+4', '+5', '+6');
    fc.assert(
      fc.property(fc.array(num), fc.array(num), fc.option(fc.array(num)), (numbers, out, optIn) => {
        const optedOut = new Set(out);
        const r = splitByConsent(numbers, optedOut, optIn ? new Set(optIn) : null);
        expect([...r.accepted, ...r.optedOut].sort()).toEqual([...numbers].sort());
        expect(r.accepted.some((n) => optedOut.has(n))).toBe(false);
      }),
    );
  });
});
