/**
 * The sender's pace, as pure rules (time comes in as `nowMs`). Three parts:
 * - the shared cap (DISPATCH_RATE_PER_SECOND_MAX) is cut into 100 ms slots whose quotas add up to
 *   exactly the cap over any ten consecutive slots; every instance draws from the same slot row in
 *   Postgres (sends.repository.ts grantRate mirrors `slotQuota`), so together they keep to the cap;
 * - this instance's own rate adapts to the carrier (AIMD): a throttled batch halves it, clean
 *   batches add it back by `stepPerSecond` per second of sending, never below the floor nor above
 *   the cap. `null` means no limit of its own (only the cap, if any, applies);
 * - a token bucket holding 100 ms of that rate turns it into grants of whole messages.
 */

/** Slots of the shared cap per second. */
export const SLOTS_PER_SECOND = 10;
export const SLOT_MS = 1000 / SLOTS_PER_SECOND;

/**
 * The slot's share of the cap: ⌊cap·(r+1)/10⌋ − ⌊cap·r/10⌋ for the slot's place r in its second, so
 * any ten consecutive slots add up to the cap exactly (a cap of 5 gives 0, 1, 0, 1 …).
 */
export function slotQuota(capPerSecond: number, slot: number): number {
  const r = ((slot % SLOTS_PER_SECOND) + SLOTS_PER_SECOND) % SLOTS_PER_SECOND;
  return Math.floor((capPerSecond * (r + 1)) / SLOTS_PER_SECOND) - Math.floor((capPerSecond * r) / SLOTS_PER_SECOND);
}

/**
 * Throttled batches within this long of a cut do not cut again: they were written at the rate
 * before it (and a carrier's throttle usually counts per second), so halving for each of them
 * would take the rate to the floor in one burst.
 */
export const CUT_INTERVAL_MS = 1000;

export interface RateLimits {
  /** 0: no cap. */
  capPerSecond: number;
  floorPerSecond: number;
  /** What a second of clean sending adds back to a throttled rate. */
  stepPerSecond: number;
}

/** Messages per second this instance allows itself (null: no limit of its own), and when it was last cut. */
export interface LocalRate {
  perSecond: number | null;
  cutAtMs: number;
}

export const NO_LOCAL_LIMIT: LocalRate = { perSecond: null, cutAtMs: -Infinity };

export interface BatchOutcome {
  /** The carrier answered some submit of the batch with ESME_RTHROTTLED or ESME_RMSGQFUL. */
  throttled: boolean;
  /** submit_sm PDUs the batch wrote. */
  pdus: number;
  /** PDUs this instance wrote over the last second, this batch included. */
  observedPerSecond: number;
  nowMs: number;
}

/** The lowest rate the adaptation goes to: the floor, or the cap where that is lower. */
function floorOf(limits: RateLimits): number {
  return limits.capPerSecond > 0 ? Math.min(limits.floorPerSecond, limits.capPerSecond) : limits.floorPerSecond;
}

/**
 * AIMD over the carrier's answers. Throttled: half of what was being sent (the own rate, the cap,
 * or what was observed, whichever is lowest), at most once per CUT_INTERVAL_MS. Clean: the rate
 * grows by step × (pdus / rate), that is by `stepPerSecond` for each second's worth of clean
 * batches, whatever the batch size; it is dropped (no limit of its own) once it reaches the cap.
 * Without a cap it stays, growing, as there is no rate known to be safe to return to.
 */
export function nextRate(rate: LocalRate, batch: BatchOutcome, limits: RateLimits): LocalRate {
  const floor = floorOf(limits);
  const { perSecond } = rate;
  if (batch.throttled) {
    if (perSecond !== null && batch.nowMs - rate.cutAtMs < CUT_INTERVAL_MS) return rate;
    const sending = [perSecond, limits.capPerSecond > 0 ? limits.capPerSecond : null, batch.observedPerSecond > 0 ? batch.observedPerSecond : null].filter((r): r is number => r !== null);
    const base = sending.length > 0 ? Math.min(...sending) : floor;
    return { perSecond: Math.max(floor, Math.floor(base / 2)), cutAtMs: batch.nowMs };
  }
  if (perSecond === null) return rate;
  const next = perSecond + (limits.stepPerSecond * batch.pdus) / perSecond;
  if (limits.capPerSecond > 0 && next >= limits.capPerSecond) return NO_LOCAL_LIMIT;
  return { perSecond: next, cutAtMs: rate.cutAtMs };
}

export interface Bucket {
  /** PDUs that may be written now. */
  tokens: number;
  atMs: number;
}

export const EMPTY_BUCKET: Bucket = { tokens: 0, atMs: 0 };

/**
 * Whole messages of `unit` PDUs each, at most `want`, from a bucket filled at `perSecond` and
 * holding 100 ms of it (at least one message, so a long message at a low rate still goes). None
 * granted: `waitMs` says when one will be.
 */
export function takeTokens(bucket: Bucket, nowMs: number, perSecond: number, want: number, unit: number): { bucket: Bucket; granted: number; waitMs: number } {
  const capacity = Math.max(unit, perSecond / SLOTS_PER_SECOND);
  const tokens = Math.min(capacity, bucket.tokens + (Math.max(0, nowMs - bucket.atMs) * perSecond) / 1000);
  const granted = Math.min(want, Math.floor(tokens / unit));
  const left = tokens - granted * unit;
  const waitMs = granted > 0 ? 0 : Math.ceil(((unit - left) * 1000) / perSecond);
  return { bucket: { tokens: left, atMs: nowMs }, granted, waitMs };
}

/** Tokens taken but not spent (the claim came back shorter, the shared cap granted less) go back. */
export function returnTokens(bucket: Bucket, pdus: number): Bucket {
  return { ...bucket, tokens: bucket.tokens + pdus };
}

/** PDUs written per 100 ms slot over the last second, for the rate that was observed. */
export interface Meter {
  slot: number;
  counts: readonly number[];
}

export const EMPTY_METER: Meter = { slot: 0, counts: [] };

function shift(meter: Meter, slot: number): number[] {
  const gap = slot - meter.slot;
  if (gap >= SLOTS_PER_SECOND || gap < 0) return [];
  return [...meter.counts.slice(gap), ...Array<number>(gap).fill(0)].slice(-SLOTS_PER_SECOND);
}

export function meterAdd(meter: Meter, nowMs: number, pdus: number): Meter {
  const slot = Math.floor(nowMs / SLOT_MS);
  const counts = shift(meter, slot);
  while (counts.length < SLOTS_PER_SECOND) counts.unshift(0);
  counts[counts.length - 1] += pdus;
  return { slot, counts };
}

export function meterPerSecond(meter: Meter, nowMs: number): number {
  return shift(meter, Math.floor(nowMs / SLOT_MS)).reduce((a, b) => a + b, 0);
}
