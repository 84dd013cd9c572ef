/**
 * Phone-number validation speed: the gateway validates every line of an upload (up to 1,000,000
 * numbers), so a microsecond per number is a second per upload. Prints numbers/s, the median of
 * several runs, for
 *   - toE164, the gateway's normaliser (libphonenumber's number plans compiled once, phone-plan.ts);
 *   - libphonenumber-js's own isValidPhoneNumber on the same numbers (the same "max" metadata);
 *   - the digit-count check toE164 made before it checked number plans, for reference;
 *   - the gateway's intake path without HTTP: LineSplitter over 64 KB chunks, toE164, spool text.
 *
 *   npm run build && node -r ./tools/stack/register.js dist/tools/bench/phone-validation.js [--numbers N] [--runs K]
 *
 * The numbers are seed-000-style lines without '+': 80 % US test numbers, 15 % real-looking
 * mobile numbers of every country (libphonenumber's examples with their last digits varied) and
 * 5 % invalid ones (+1555…, a digit short).
 */
import { getCountries, getExampleNumber, isValidPhoneNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import { LIMITS, toE164 } from '@clarion/contracts';
import { LineSplitter } from '../../apps/gateway/src/http/line-splitter';
import { testNumber } from './numbers';

function args(): { numbers: number; runs: number } {
  const out = { numbers: 200_000, runs: 5 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(numbers|runs)$/.exec(argv[i]);
    const n = Number(argv[i + 1]);
    if (!m || !Number.isSafeInteger(n) || n < 1) {
      console.error('usage: node -r ./tools/stack/register.js dist/tools/bench/phone-validation.js [--numbers N] [--runs K]');
      process.exit(2);
    }
    out[m[1] as 'numbers' | 'runs'] = n;
    i++;
  }
  return out;
}

function sampleLines(count: number): string[] {
  const world = getCountries().map((c) => getExampleNumber(c, examples)!.number.slice(1));
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 20;
    if (kind < 16) lines.push(testNumber(i).slice(1));
    else if (kind < 19) {
      const example = world[i % world.length];
      const tail = String(i % 100).padStart(2, '0');
      lines.push(example.slice(0, -2) + tail);
    } else lines.push(i % 40 === 19 ? `1555${String(i % 10_000_000).padStart(7, '0')}` : testNumber(i).slice(1, -1));
  }
  return lines;
}

/** toE164 as it was before number plans: "+" and 8 to 15 digits. */
function digitCount(raw: string): string | null {
  let s = raw.trim().replace(/^\uFEFF/, '');
  const comma = s.indexOf(',');
  if (comma >= 0) s = s.slice(0, comma);
  s = s.replace(/^"|"$/g, '').replace(/[\s.\-()]/g, '');
  if (s.startsWith('+')) s = s.slice(1);
  else if (s.startsWith('00')) s = s.slice(2);
  if (!/^[1-9][0-9]{7,14}$/.test(s)) return null;
  return '+' + s;
}

/** The gateway's per-chunk intake work (apps/gateway/src/http/multipart.ts) over 64 KB chunks. */
function intake(chunks: string[]): number {
  const splitter = new LineSplitter(LIMITS.lineCharsMax);
  let valid = 0;
  let spooled = 0;
  const spool = (lines: (string | null)[]) => {
    let text = '';
    for (const line of lines) {
      if (line === null || line.trim() === '') continue;
      const n = toE164(line);
      if (n !== null) {
        valid++;
        text += n + '\n';
      }
    }
    spooled += text.length;
  };
  for (const chunk of chunks) spool(splitter.push(chunk));
  spool(splitter.end());
  if (spooled === 0) throw new Error('nothing spooled');
  return valid;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main() {
  const { numbers, runs } = args();
  const lines = sampleLines(numbers);
  const text = lines.join('\n') + '\n';
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 64 * 1024) chunks.push(text.slice(i, i + 64 * 1024));
  const plus = lines.map((l) => '+' + l);

  // Both must agree on the sample, or the speed means nothing.
  const ours = lines.map((l) => toE164(l) !== null);
  const disagree = plus.filter((p, i) => isValidPhoneNumber(p) !== ours[i] && p.length <= 16);
  if (disagree.length > 0) throw new Error(`toE164 and isValidPhoneNumber disagree on ${disagree.length} numbers, e.g. ${disagree.slice(0, 3).join(', ')}`);
  const validShare = ours.filter(Boolean).length / lines.length;

  const contenders: { name: string; run: () => number }[] = [
    { name: 'toE164 (compiled number plans)', run: () => lines.reduce((n, l) => n + (toE164(l) !== null ? 1 : 0), 0) },
    { name: 'libphonenumber-js isValidPhoneNumber', run: () => plus.reduce((n, p) => n + (isValidPhoneNumber(p) ? 1 : 0), 0) },
    { name: 'digit count (toE164 before)', run: () => lines.reduce((n, l) => n + (digitCount(l) !== null ? 1 : 0), 0) },
    { name: 'intake: split + toE164 + spool text', run: () => intake(chunks) },
  ];
  console.log(`${numbers.toLocaleString('en-US')} numbers (${(validShare * 100).toFixed(1)} % valid), ${runs} runs each, median; node ${process.version}`);
  for (const c of contenders) {
    c.run(); // warm up: compiles the number plans and lets the JIT settle
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = process.hrtime.bigint();
      c.run();
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      rates.push(numbers / seconds);
    }
    const m = median(rates);
    console.log(
      `${c.name.padEnd(40)} ${Math.round(m).toLocaleString('en-US').padStart(12)} numbers/s  (${(1e6 / m).toFixed(2)} µs/number; runs ${rates.map((x) => Math.round(x / 1000) + 'k').join(' ')})`,
    );
  }
}

main();
