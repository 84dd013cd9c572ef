/**
 * Phone numbers for tests that are valid under libphonenumber's number plans (the gateway refuses
 * the rest): US numbers in real area codes with a real exchange (200–999), e.g. +12122000001.
 * `block` separates tests that must not share numbers; up to 8,000,000 numbers per block.
 */
const AREAS = [212, 213, 312, 415, 617, 646, 718, 917, 305, 404, 512, 602, 702, 206, 303];

export function testNumber(i: number, block = 0): string {
  if (!Number.isSafeInteger(i) || i < 0 || i >= 8_000_000) throw new RangeError(`test number index ${i} is outside 0..7,999,999`);
  const area = AREAS[block % AREAS.length];
  const exchange = 200 + Math.floor(i / 10_000);
  return `+1${area}${exchange}${String(i % 10_000).padStart(4, '0')}`;
}

export function testNumbers(count: number, block = 0, from = 0): string[] {
  return Array.from({ length: count }, (_, k) => testNumber(from + k, block));
}
