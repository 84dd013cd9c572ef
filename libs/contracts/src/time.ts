/** The largest offset from UTC a time zone has (Kiribati's +14:00); offsets beyond it are typos. */
const OFFSET_MINUTES_MAX = 14 * 60;

/**
 * Parses the date/time forms seed 000 accepts: "2018-10-05" (midnight UTC), "2018-10-05T22:45:32"
 * (UTC), and with an offset "2021-03-18T12:20:46+0530", "+05:30" or "Z". Returns null for anything
 * else, including impossible dates such as 2021-02-30, so callers answer 498 instead of guessing.
 */
export function parseSeedDateTime(input: unknown): Date | null {
  if (typeof input !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(input.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', zone] = m;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0'))] as const;
  const utc = Date.UTC(...parts);
  const check = new Date(utc);
  // Date.UTC rolls 2021-02-30 over into March; a round trip catches that.
  if (
    check.getUTCFullYear() !== parts[0] ||
    check.getUTCMonth() !== parts[1] ||
    check.getUTCDate() !== parts[2] ||
    check.getUTCHours() !== parts[3] ||
    check.getUTCMinutes() !== parts[4] ||
    check.getUTCSeconds() !== parts[5]
  ) {
    return null;
  }
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const hours = Number(z[2]);
    const minutes = Number(z[3]);
    // Real zones span -12:00 to +14:00; +14:30 is as wrong as +15:00.
    if (minutes > 59 || hours * 60 + minutes > OFFSET_MINUTES_MAX) return null;
    offsetMinutes = (z[1] === '+' ? 1 : -1) * (hours * 60 + minutes);
  }
  return new Date(utc - offsetMinutes * 60_000);
}

/**
 * Seed 000's output form of a timestamp: "2021-12-13T12:21:27+0000" (UTC, whole seconds).
 * Every date a REST answer carries goes through this, so clients parse one form everywhere.
 */
export function seedTime(value: Date | string | number): string {
  const d = value instanceof Date ? value : new Date(value);
  return d.toISOString().slice(0, 19) + '+0000';
}
