import fc from 'fast-check';
import { CUT_INTERVAL_MS, EMPTY_BUCKET, EMPTY_METER, NO_LOCAL_LIMIT, meterAdd, meterPerSecond, nextRate, returnTokens, slotQuota, takeTokens, type LocalRate, type RateLimits } from './rate';

const limits: RateLimits = { capPerSecond: 400, floorPerSecond: 10, stepPerSecond: 50 };
const clean = (pdus: number, observedPerSecond: number, nowMs = 0) => ({ throttled: false, pdus, observedPerSecond, nowMs });
const throttled = (pdus: number, observedPerSecond: number, nowMs = 0) => ({ throttled: true, pdus, observedPerSecond, nowMs });
const at = (perSecond: number | null, cutAtMs = -Infinity): LocalRate => ({ perSecond, cutAtMs });
const perSecondAfter = (rate: LocalRate, batch: Parameters<typeof nextRate>[1], l = limits) => nextRate(rate, batch, l).perSecond;

describe('shared cap slots', () => {
  it('gives each 100 ms slot its share of the cap', () => {
    expect(Array.from({ length: 10 }, (_, i) => slotQuota(400, i))).toEqual(Array(10).fill(40));
    expect(Array.from({ length: 10 }, (_, i) => slotQuota(5, i))).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it('adds up to exactly the cap over any ten consecutive slots', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 2 ** 40 }), (cap, first) => {
        let sum = 0;
        for (let s = first; s < first + 10; s++) {
          const q = slotQuota(cap, s);
          expect(q).toBeGreaterThanOrEqual(0);
          sum += q;
        }
        expect(sum).toBe(cap);
      }),
    );
  });
});

describe('adaptive rate (AIMD)', () => {
  it('has no limit of its own until the carrier throttles, then halves what was being sent', () => {
    expect(perSecondAfter(NO_LOCAL_LIMIT, clean(100, 900))).toBeNull();
    expect(perSecondAfter(NO_LOCAL_LIMIT, throttled(100, 300))).toBe(150); // observed below the cap
    expect(perSecondAfter(NO_LOCAL_LIMIT, throttled(100, 900))).toBe(200); // the cap below what was observed
    expect(perSecondAfter(at(200), throttled(100, 200))).toBe(100);
    expect(perSecondAfter(at(12), throttled(10, 12))).toBe(10); // never below the floor
    expect(perSecondAfter(NO_LOCAL_LIMIT, throttled(1, 0), { ...limits, capPerSecond: 0 })).toBe(10);
  });

  it('cuts once for the throttled batches that were in flight together', () => {
    const cut = nextRate(NO_LOCAL_LIMIT, throttled(100, 800, 5000), limits);
    expect(cut).toEqual({ perSecond: 200, cutAtMs: 5000 });
    expect(nextRate(cut, throttled(100, 800, 5000 + CUT_INTERVAL_MS - 1), limits)).toBe(cut);
    expect(nextRate(cut, throttled(100, 200, 5000 + CUT_INTERVAL_MS), limits)).toEqual({ perSecond: 100, cutAtMs: 6000 });
  });

  it('adds back stepPerSecond for each second of clean batches, whatever their size, and drops the limit at the cap', () => {
    // One second at 100/s in batches of 10 or of 50 adds about 50/s either way.
    let small = at(100);
    for (let i = 0; i < 10; i++) small = nextRate(small, clean(10, 100), limits);
    let large = at(100);
    for (let i = 0; i < 2; i++) large = nextRate(large, clean(50, 100), limits);
    for (const r of [small, large]) {
      expect(r.perSecond).toBeGreaterThan(140);
      expect(r.perSecond).toBeLessThan(151);
    }
    expect(nextRate(at(399), clean(100, 399), limits)).toEqual(NO_LOCAL_LIMIT);
    // Without a cap there is no rate known to be safe: the limit stays, and grows.
    expect(perSecondAfter(at(300), clean(100, 300), { ...limits, capPerSecond: 0 })).toBeCloseTo(300 + (50 * 100) / 300);
  });

  const limitsArb = fc.record({
    capPerSecond: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 })),
    floorPerSecond: fc.integer({ min: 1, max: 100 }),
    stepPerSecond: fc.integer({ min: 1, max: 1000 }),
  });
  const batchArb = fc.record({ throttled: fc.boolean(), pdus: fc.integer({ min: 1, max: 1000 }), observedPerSecond: fc.integer({ min: 0, max: 200_000 }), gapMs: fc.integer({ min: 0, max: 2000 }) });

  it('stays between the floor and the cap, halves on throttling and never falls on a clean batch', () => {
    fc.assert(
      fc.property(limitsArb, fc.array(batchArb, { maxLength: 200 }), (l, batches) => {
        const floor = l.capPerSecond > 0 ? Math.min(l.floorPerSecond, l.capPerSecond) : l.floorPerSecond;
        let rate = NO_LOCAL_LIMIT;
        let now = 0;
        for (const { gapMs, ...b } of batches) {
          now += gapMs;
          const previous = rate;
          const before = rate.perSecond;
          rate = nextRate(rate, { ...b, nowMs: now }, l);
          const after = rate.perSecond;
          if (b.throttled) {
            expect(after).not.toBeNull();
            // Halved, or left alone within a second of the last cut.
            if (before !== null && rate !== previous) expect(after!).toBeLessThanOrEqual(Math.max(floor, before / 2));
            if (rate === previous) expect(now - previous.cutAtMs).toBeLessThan(CUT_INTERVAL_MS);
          } else if (before === null) {
            expect(after).toBeNull();
          } else if (after !== null) {
            expect(after).toBeGreaterThanOrEqual(before);
          }
          if (after !== null) {
            expect(after).toBeGreaterThanOrEqual(floor);
            if (l.capPerSecond > 0) expect(after).toBeLessThanOrEqual(l.capPerSecond);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('settles near a carrier that throttles above a fixed rate: below it, but not far below', () => {
    // A carrier that takes 300 PDUs a second and throttles the rest; the sender would do 2,000/s.
    let rate = NO_LOCAL_LIMIT;
    let taken = 0;
    for (let second = 0; second < 60; second++) {
      const offered = Math.min(rate.perSecond ?? 2000, 2000);
      const batches = 10;
      let accepted = 0;
      for (let b = 0; b < batches; b++) {
        const pdus = offered / batches;
        const over = accepted + pdus > 300;
        accepted = Math.min(300, accepted + pdus);
        rate = nextRate(rate, { throttled: over, pdus, observedPerSecond: offered, nowMs: second * 1000 + b * 100 }, { capPerSecond: 0, floorPerSecond: 10, stepPerSecond: 50 });
      }
      if (second >= 30) taken += accepted;
    }
    expect(taken / 30).toBeGreaterThan(180);
    expect(taken / 30).toBeLessThanOrEqual(300);
  });
});

describe('token bucket', () => {
  it('grants whole messages, holds 100 ms of the rate, and says how long until the next', () => {
    const first = takeTokens(EMPTY_BUCKET, 10_000, 200, 100, 1);
    expect(first.granted).toBe(20);
    const again = takeTokens(first.bucket, 10_000, 200, 100, 1);
    expect(again).toMatchObject({ granted: 0, waitMs: 5 });
    // A three-part message at 10/s: one message's worth is always reachable.
    const long = takeTokens({ tokens: 0, atMs: 0 }, 300, 10, 5, 3);
    expect(long.granted).toBe(1);
    expect(takeTokens(returnTokens(again.bucket, 4), 10_000, 200, 100, 2).granted).toBe(2);
  });

  it('never grants more than the rate plus one bucket over any second, and keeps up with the rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 5000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 50 }), want: fc.integer({ min: 1, max: 200 }) }), { minLength: 50, maxLength: 400 }),
        (perSecond, unit, calls) => {
          let bucket = EMPTY_BUCKET;
          let now = 1_000_000;
          const grants: { at: number; pdus: number }[] = [];
          for (const c of calls) {
            now += c.gapMs;
            const t = takeTokens(bucket, now, perSecond, c.want, unit);
            bucket = t.bucket;
            if (t.granted > 0) grants.push({ at: now, pdus: t.granted * unit });
            else expect(t.waitMs).toBeGreaterThan(0);
          }
          const burst = Math.max(unit, perSecond / 10);
          for (const g of grants) {
            const inSecond = grants.filter((h) => h.at >= g.at && h.at < g.at + 1000).reduce((a, h) => a + h.pdus, 0);
            expect(inSecond).toBeLessThanOrEqual(perSecond + burst + 1e-9);
          }
        },
      ),
      { numRuns: 200 },
    );
    // Asking all the time, at the times it says to come back, it delivers the rate.
    let bucket = EMPTY_BUCKET;
    let now = 0;
    let granted = 0;
    while (now < 10_000) {
      const t = takeTokens(bucket, now, 250, 100, 1);
      bucket = t.bucket;
      granted += t.granted;
      now += Math.max(1, t.waitMs);
    }
    expect(granted).toBeGreaterThan(2450);
    expect(granted).toBeLessThanOrEqual(2525);
  });
});

describe('meter', () => {
  it('counts the PDUs of the last second only', () => {
    let m = EMPTY_METER;
    m = meterAdd(m, 1000, 10);
    m = meterAdd(m, 1550, 5);
    expect(meterPerSecond(m, 1600)).toBe(15);
    expect(meterPerSecond(m, 2050)).toBe(5);
    expect(meterPerSecond(m, 2600)).toBe(0);
    m = meterAdd(m, 5000, 7);
    expect(meterPerSecond(m, 5000)).toBe(7);
  });
});
