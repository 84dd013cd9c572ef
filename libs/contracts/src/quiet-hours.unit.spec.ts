import fc from 'fast-check';
import { QuietHoursCheck, isInsideWindow, parseQuietHoursPolicy, minutesOf, nextSendableAt, timeZonesOf, windowFor, type QuietWindow } from './quiet-hours';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const MINUTE = 60_000;

describe('timeZonesOf', () => {
  it('tells the region where the numbering plan does, and every zone of the country where it does not', () => {
    expect(timeZonesOf('+12125550100')).toEqual(['America/New_York']);
    expect(timeZonesOf('+61212345678')).toEqual(['Australia/Sydney']);
    expect(timeZonesOf('+447700900123')).toContain('Europe/London');
    expect(timeZonesOf('+18005550100')).toContain('America/Los_Angeles'); // toll free: every +1 zone
    expect(timeZonesOf('+919812345678')).toEqual(['Asia/Calcutta']);
  });
  it('knows nothing of a prefix outside the map', () => {
    expect(timeZonesOf('+999123')).toEqual([]);
  });
});

describe('nextSendableAt', () => {
  const day: QuietWindow = { start: '08:00', end: '21:00' };
  it('is the instant itself inside the window', () => {
    const t = at('2026-12-02T12:00:30Z');
    expect(nextSendableAt(t, day, ['Europe/London'])).toBe(t);
  });
  it('is the next opening outside it', () => {
    expect(iso(nextSendableAt(at('2026-12-02T23:00:00Z'), day, ['Europe/London']))).toBe('2026-12-03T08:00:00.000Z');
    expect(iso(nextSendableAt(at('2026-12-02T21:00:00Z'), day, ['Europe/London']))).toBe('2026-12-03T08:00:00.000Z');
    expect(iso(nextSendableAt(at('2026-12-02T07:59:59Z'), day, ['Europe/London']))).toBe('2026-12-02T08:00:00.000Z');
  });
  it('opens at the jump on a spring-forward night when the window opens inside the missing hour', () => {
    // New York, 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z; 02:30 never happens.
    expect(iso(nextSendableAt(at('2026-03-08T05:00:00Z'), { start: '02:30', end: '05:00' }, ['America/New_York']))).toBe('2026-03-08T07:00:00.000Z');
  });
  it('opens at the first 01:30 on a fall-back night, and again at the second one', () => {
    // New York, 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z; 01:30 happens at 05:30Z and 06:30Z.
    const w = { start: '01:30', end: '01:45' };
    expect(iso(nextSendableAt(at('2026-11-01T03:00:00Z'), w, ['America/New_York']))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(nextSendableAt(at('2026-11-01T05:50:00Z'), w, ['America/New_York']))).toBe('2026-11-01T06:30:00.000Z');
  });
  it('spans midnight when the end is before the start', () => {
    expect(iso(nextSendableAt(at('2026-12-02T12:00:00Z'), { start: '22:00', end: '02:00' }, ['UTC']))).toBe('2026-12-02T22:00:00.000Z');
    const t = at('2026-12-03T01:00:00Z');
    expect(nextSendableAt(t, { start: '22:00', end: '02:00' }, ['UTC'])).toBe(t);
  });
  it('waits until every zone of the number is inside', () => {
    // London 08:00 (GMT) is 08:00Z; New York 08:00 (EST) is 13:00Z: both inside from 13:00Z.
    expect(iso(nextSendableAt(at('2026-12-02T05:00:00Z'), day, ['Europe/London', 'America/New_York']))).toBe('2026-12-02T13:00:00.000Z');
  });
  it('falls back to the first zone when the zones share no opening', () => {
    // A one-hour window in Sydney and London never overlaps.
    const w = { start: '09:00', end: '10:00' };
    const r = nextSendableAt(at('2026-12-02T12:00:00Z'), w, ['Europe/London', 'Australia/Sydney']);
    expect(iso(r)).toBe('2026-12-03T09:00:00.000Z');
  });
  it('never holds back a number of unknown zone', () => {
    expect(nextSendableAt(5, day, [])).toBe(5);
  });

  // The property: across DST changes in several zones, the result is never before the instant, is
  // inside the window, and no earlier whole minute after the instant is.
  const zones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata'];
  // Instants within two days of each 2026 change of these zones (Kolkata has none).
  const changes = ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z'].map(at);
  const instant = fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -2 * 1440, max: 2 * 1440 }), fc.integer({ min: 0, max: 59_999 })).map(([c, m, ms]) => c + m * MINUTE + ms);
  const hhmm = fc.integer({ min: 0, max: 1439 }).map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  const window = fc
    .tuple(hhmm, hhmm)
    .filter(([s, e]) => s !== e)
    .map(([start, end]) => ({ start, end }));
  const zoneSet = fc.subarray(zones, { minLength: 1, maxLength: 2 });

  it('is the earliest instant inside the window, at minute resolution, across DST changes', () => {
    fc.assert(
      fc.property(instant, window, fc.constantFrom(...zones), (t, w, z) => {
        const r = nextSendableAt(t, w, [z]);
        expect(r).toBeGreaterThanOrEqual(t);
        expect(isInsideWindow(r, w, [z])).toBe(true);
        for (let m = Math.floor(t / MINUTE) * MINUTE + MINUTE; m < r; m += MINUTE) if (isInsideWindow(m, w, [z])) throw new Error(`${iso(m)} is inside ${JSON.stringify(w)} in ${z} before ${iso(r)}`);
      }),
      { numRuns: 300 },
    );
  });

  it('is inside every zone when the zones share an opening within 48 h', () => {
    fc.assert(
      fc.property(instant, window, zoneSet, (t, w, zs) => {
        const r = nextSendableAt(t, w, zs);
        expect(r).toBeGreaterThanOrEqual(t);
        let shared = false;
        for (let m = Math.floor(t / MINUTE) * MINUTE; m < t + 48 * 60 * MINUTE; m += 15 * MINUTE) if (m >= t && isInsideWindow(m, w, zs)) shared = true;
        if (shared) {
          expect(isInsideWindow(r, w, zs)).toBe(true);
          for (let m = Math.floor(t / MINUTE) * MINUTE + MINUTE; m < r; m += MINUTE) if (isInsideWindow(m, w, zs)) throw new Error(`${iso(m)} before ${iso(r)}`);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('checks local time against Intl independently of its offset cache', () => {
    // 2026-03-29 01:00Z London goes to BST: 00:59Z is 00:59 GMT, 01:00Z is 02:00 BST.
    expect(isInsideWindow(at('2026-03-29T00:59:00Z'), { start: '00:59', end: '01:00' }, ['Europe/London'])).toBe(true);
    expect(isInsideWindow(at('2026-03-29T01:00:00Z'), { start: '02:00', end: '02:01' }, ['Europe/London'])).toBe(true);
  });
});

describe('windows', () => {
  it('reads HH:MM and rejects anything else', () => {
    expect(minutesOf('08:30')).toBe(510);
    expect(minutesOf('24:00')).toBeNull();
    expect(minutesOf('8:30')).toBeNull();
    expect(minutesOf(830)).toBeNull();
  });
  it('applies a country override, else the default', () => {
    const p = { start: '08:00', end: '21:00', countries: { AU: { start: '09:00', end: '20:00' } } };
    expect(windowFor(p, 'AU')).toEqual({ start: '09:00', end: '20:00' });
    expect(windowFor(p, 'GB')).toEqual({ start: '08:00', end: '21:00' });
    expect(windowFor(p, null)).toEqual({ start: '08:00', end: '21:00' });
  });
});

describe('QuietHoursCheck', () => {
  const policy = { start: '08:00', end: '21:00', countries: { AU: { start: '10:00', end: '12:00' } } };
  const countryOf = (n: string) => (n.startsWith('+61') ? 'AU' : n.startsWith('+44') ? 'GB' : 'US');
  it('answers as nextSendableAt does, with the country override, within and across seconds', () => {
    const check = new QuietHoursCheck(policy, countryOf);
    const t = Date.parse('2026-12-02T20:59:59.500Z');
    expect(check.sendableAt('+442079460958', t)).toBe(t);
    expect(check.sendableAt('+442079460958', t + 400)).toBe(t + 400);
    expect(new Date(check.sendableAt('+442079460958', t + 500)).toISOString()).toBe('2026-12-03T08:00:00.000Z');
    // Sydney is 07:59:59 (AEDT) on 12-03: the AU override opens at 10:00 local, 23:00Z.
    expect(new Date(check.sendableAt('+61212345678', t)).toISOString()).toBe('2026-12-02T23:00:00.000Z');
    expect(check.sendableAt('+12125550100', t)).toBe(t);
  });
});

describe('parseQuietHoursPolicy', () => {
  it('takes a window with per-country overrides', () => {
    expect(parseQuietHoursPolicy({ start: '08:00', end: '21:00', countries: { AU: { start: '09:00', end: '20:00' } } })).toEqual({
      policy: { start: '08:00', end: '21:00', countries: { AU: { start: '09:00', end: '20:00' } } },
    });
    expect(parseQuietHoursPolicy({ start: '22:00', end: '06:00' })).toEqual({ policy: { start: '22:00', end: '06:00', countries: {} } });
  });
  it('answers 4000 for a missing value and 4001 for an invalid one', () => {
    const code = (b: unknown) => {
      const r = parseQuietHoursPolicy(b);
      return 'error' in r ? r.error.code : 0;
    };
    expect(code({ end: '21:00' })).toBe(4000);
    expect(code(null)).toBe(4000);
    expect(code({ start: '08:00', end: '21:00', countries: { AU: { start: '09:00' } } })).toBe(4000);
    expect(code({ start: '8', end: '21:00' })).toBe(4001);
    expect(code({ start: '08:00', end: '08:00' })).toBe(4001);
    expect(code({ start: '08:00', end: '21:00', countries: { australia: { start: '09:00', end: '20:00' } } })).toBe(4001);
    expect(code({ start: '08:00', end: '21:00', countries: [] })).toBe(4001);
  });
});
