import fc from 'fast-check';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { toE164 } from '@clarion/contracts';
import { TEST_NUMBERS_PER_BLOCK, testNumber, testNumberIndex, testNumbers } from './numbers';

const BLOCKS = 15;

describe('test numbers', () => {
  it('are valid under libphonenumber at both ends of every exchange of every block, and the gateway keeps them as they are', () => {
    for (let block = 0; block < BLOCKS; block++) {
      for (let first = 0; first < TEST_NUMBERS_PER_BLOCK; first += 10_000) {
        for (const n of [testNumber(first, block), testNumber(first + 9_999, block)]) {
          expect([n, isValidPhoneNumber(n)]).toEqual([n, true]);
          expect(toE164(n)).toBe(n);
          expect(toE164(n.slice(1))).toBe(n);
        }
      }
    }
  });

  it('are distinct across blocks and map back to their index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TEST_NUMBERS_PER_BLOCK - 1 }), fc.integer({ min: 0, max: BLOCKS - 1 }), fc.integer({ min: 1, max: BLOCKS - 1 }), (i, block, other) => {
        const n = testNumber(i, block);
        expect(testNumberIndex(n, block)).toBe(i);
        expect(testNumberIndex(n, (block + other) % BLOCKS)).toBe(-1);
      }),
    );
  });

  it('run consecutively from `from`', () => expect(testNumbers(3, 2, 9_999)).toEqual([testNumber(9_999, 2), testNumber(10_000, 2), testNumber(10_001, 2)]));

  it.each([-1, TEST_NUMBERS_PER_BLOCK, 1.5])('refuse the index %p', (i) => expect(() => testNumber(i)).toThrow(RangeError));
  it.each(['+15555550100', '+12121990000', '12122000001', '+121220000011'])('%j is no test number', (n) => expect(testNumberIndex(n)).toBe(-1));
});
