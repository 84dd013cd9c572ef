/**
 * The cost of the quiet-hours check on the send path: ns per send of QuietHoursCheck.sendableAt
 * (quiet-hours.ts) over numbers of several countries and regions, with and without per-country
 * overrides (which add the country lookup), the median of several runs.
 *
 *   npm run build && node -r ./tools/stack/register.js dist/tools/bench/quiet-hours.js [--numbers N] [--runs K]
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { QuietHoursCheck } from '@clarion/contracts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} takes a positive integer`);
  return n;
}

const numbers = arg('numbers', 1_000_000);
const runs = arg('runs', 5);
// New York, Los Angeles, London, Sydney (fixed), Australian mobiles (every AU zone), Delhi mobiles.
const prefixes = ['+1212', '+1310', '+4420', '+612', '+614', '+9198'];
const list = Array.from({ length: numbers }, (_, i) => {
  const p = prefixes[i % prefixes.length];
  return p + String(7_000_000 + ((i * 7919) % 2_999_999)).padStart(13 - p.length, '0');
});
const countryOf = (n: string) => parsePhoneNumberFromString(n)?.country ?? null;

for (const [label, policy] of [
  ['default window only', { start: '08:00', end: '21:00', countries: {} }],
  ['with per-country overrides', { start: '08:00', end: '21:00', countries: { AU: { start: '09:00', end: '20:00' } } }],
] as const) {
  const ns: number[] = [];
  let deferred = 0;
  for (let r = 0; r < runs; r++) {
    const check = new QuietHoursCheck(policy, countryOf);
    const now = Date.now();
    deferred = 0;
    const t0 = process.hrtime.bigint();
    for (const n of list) if (check.sendableAt(n, now) > now) deferred++;
    ns.push(Number(process.hrtime.bigint() - t0) / numbers);
  }
  ns.sort((a, b) => a - b);
  console.log(`${label}: ${ns[Math.floor(runs / 2)].toFixed(0)} ns per send (median of ${runs} runs over ${numbers} numbers; ${deferred} deferred now)`);
}
