import fc from 'fast-check';
import { distinctSorted, splitByConsent } from './dnd.rules';

describe('splitByConsent', () => {
  it('never accepts an opted-out number, and keeps only opt-in members when a list is named', () => {
    expect(splitByConsent(['+1', '+2', '+3'], new Set(['+2']), null)).toEqual({ accepted: ['+1', '+3'], optedOut: ['+2'] });
    expect(splitByConsent(['+1', '+2', '+3'], new Set(['+2']), new Set(['+2', '+3']))).toEqual({ accepted: ['+3'], optedOut: ['+1', '+2'], notOptedIn: ['+1'] });
  });

  it('partitions the input', () => {
    const num = fc.constantFrom('+1', '+2', '+3', '+4', '+5', '+6');
    fc.assert(
      fc.property(fc.array(num), fc.array(num), fc.option(fc.array(num)), (numbers, out, optIn) => {
        const optedOut = new Set(out);
        const r = splitByConsent(numbers, optedOut, optIn ? new Set(optIn) : null);
        expect([...r.accepted, ...r.optedOut].sort()).toEqual([...numbers].sort());
        expect(r.accepted.some((n) => optedOut.has(n))).toBe(false);
        expect(r).not.toHaveProperty('acceptedFields');
        // The opt-in misses are told apart: refused, not opted out, and not on the list.
        if (!optIn) expect(r).not.toHaveProperty('notOptedIn');
        else expect(r.notOptedIn).toEqual(r.optedOut.filter((n) => !optedOut.has(n) && !optIn.includes(n)));
      }),
    );
  });

  it('keeps each accepted number with its own fields, in the same order', () => {
    const r = splitByConsent(['+1', '+2', '+3', '+4'], new Set(['+2']), new Set(['+1', '+2', '+4']), [{ name: 'one' }, { name: 'two' }, { name: 'three' }, null]);
    expect(r).toEqual({ accepted: ['+1', '+4'], optedOut: ['+2', '+3'], notOptedIn: ['+3'], acceptedFields: [{ name: 'one' }, null] });
  });

  it('aligns acceptedFields with accepted whatever is filtered out', () => {
    const num = fc.integer({ min: 1, max: 8 }).map((i) => `+${i}`);
    fc.assert(
      fc.property(fc.array(num), fc.array(num), fc.option(fc.array(num)), (numbers, out, optIn) => {
        // Each number's fields name its own position, so a shift anywhere shows.
        const fields = numbers.map((n, i) => (i % 3 === 2 ? null : { name: n, custom1: String(i) }));
        const r = splitByConsent(numbers, new Set(out), optIn ? new Set(optIn) : null, fields);
        expect(r.acceptedFields).toHaveLength(r.accepted.length);
        let from = 0;
        r.accepted.forEach((n, k) => {
          const i = numbers.indexOf(n, from);
          expect(r.acceptedFields![k]).toEqual(fields[i]);
          from = i + 1;
        });
      }),
    );
  });

  it('refuses fields that are not aligned with the numbers', () => {
    expect(() => splitByConsent(['+1', '+2'], new Set(), null, [null])).toThrow(/aligned/);
  });
});

describe('distinctSorted', () => {
  it('keeps each number once, in one order', () => {
    expect(distinctSorted(['+3', '+1', '+3', '+2', '+1'])).toEqual(['+1', '+2', '+3']);
  });
});
