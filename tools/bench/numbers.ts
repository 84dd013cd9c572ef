/**
 * Phone numbers for tests and benchmarks that are valid under libphonenumber's number plans (the
 * gateway refuses the rest): US numbers in real area codes with a real exchange (200–999), e.g.
 * +12122000001. `block` separates uses that must not share numbers (a bench's recipients and its
 * other opt-outs, two tests); up to 8,000,000 numbers per block. test/support/numbers.ts
 * re-exports these for the tests, so the tools never import test code.
 */
const AREAS = [212, 213, 312, 415, 617, 646, 718, 917, 305, 404, 512, 602, 702, 206, 303];
const EXCHANGE_MIN = 200;
const SUBSCRIBERS_PER_EXCHANGE = 10_000;
export const TEST_NUMBERS_PER_BLOCK = (1000 - EXCHANGE_MIN) * SUBSCRIBERS_PER_EXCHANGE;

export function testNumber(i: number, block = 0): string {
  if (!Number.isSafeInteger(i) || i < 0 || i >= TEST_NUMBERS_PER_BLOCK) throw new RangeError(`test number index ${i} is outside 0..${TEST_NUMBERS_PER_BLOCK - 1}`);
  const area = AREAS[block % AREAS.length];
  const exchange = EXCHANGE_MIN + Math.floor(i / SUBSCRIBERS_PER_EXCHANGE);
  return `+1${area}${exchange}${String(i % SUBSCRIBERS_PER_EXCHANGE).padStart(4, '0')}`;
}

export function testNumbers(count: number, block = 0, from = 0): string[] {
  return Array.from({ length: count }, (_, k) => testNumber(from + k, block));
}

/** The index `i` of `testNumber(i, block)`, or -1 for a number that is no test number of that block. */
export function testNumberIndex(e164: string, block = 0): number {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  if (!m || Number(m[1]) !== AREAS[block % AREAS.length] || Number(m[2]) < EXCHANGE_MIN) return -1;
  return (Number(m[2]) - EXCHANGE_MIN) * SUBSCRIBERS_PER_EXCHANGE + Number(m[3]);
}
