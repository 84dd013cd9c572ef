/**
 * Phone numbers for tests that are valid under libphonenumber's number plans (the gateway refuses
 * the rest), e.g. +12122000001; see tools/bench/numbers.ts, which the benchmarks share.
 */
export { testNumber, testNumbers, testNumberIndex, TEST_NUMBERS_PER_BLOCK } from '../../tools/bench/numbers';
