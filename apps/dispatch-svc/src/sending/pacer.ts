import { sleep } from '@clarion/platform';
import type { DispatchConfig } from './dispatch.config';
import { EMPTY_BUCKET, EMPTY_METER, NO_LOCAL_LIMIT, meterAdd, meterPerSecond, nextRate, returnTokens, takeTokens, type Bucket, type LocalRate, type Meter, type RateLimits } from './rate';
import { grantRate, returnRate, type Sql } from './sends.repository';

/** What the sender may claim: `messages` of `unit` PDUs each, and the shared slot they came from. */
export interface Allowance {
  messages: number;
  unit: number;
  slot: number | null;
}

/**
 * The sender's pace, put together: this instance's adaptive rate (rate.ts, pure) through a token
 * bucket, then the cap shared by every instance (one statement per batch, grantRate). Both count
 * submit_sm PDUs, so a long message costs each of its parts. The state is this process's own: a
 * restart starts again without a limit of its own, and the first throttled batch sets one.
 */
export class Pacer {
  private rate: LocalRate = NO_LOCAL_LIMIT;
  private bucket: Bucket = EMPTY_BUCKET;
  private meter: Meter = EMPTY_METER;
  private readonly limits: RateLimits;

  constructor(
    private readonly sql: Sql,
    private readonly config: Pick<DispatchConfig, 'carrierKey' | 'ratePerSecondMax' | 'ratePerSecondMin' | 'rateStepPerSecond'>,
  ) {
    this.limits = { capPerSecond: config.ratePerSecondMax, floorPerSecond: config.ratePerSecondMin, stepPerSecond: config.rateStepPerSecond };
  }

  /** This instance's own limit (null: none beyond the cap), for logs and tests. */
  localRate(): number | null {
    return this.rate.perSecond;
  }

  /** Waits until at least one message of `unit` PDUs may go; grants up to `want` of them. */
  async take(want: number, unit: number, running: () => boolean): Promise<Allowance | null> {
    while (running()) {
      let n = want;
      const perSecond = this.rate.perSecond;
      if (perSecond !== null) {
        const t = takeTokens(this.bucket, Date.now(), perSecond, n, unit);
        this.bucket = t.bucket;
        if (t.granted === 0) {
          await sleep(t.waitMs);
          continue;
        }
        n = t.granted;
      }
      if (this.config.ratePerSecondMax === 0) return { messages: n, unit, slot: null };
      const g = await grantRate(this.sql, this.config.carrierKey, this.config.ratePerSecondMax, n, unit);
      if (perSecond !== null && g.granted < n) this.bucket = returnTokens(this.bucket, (n - g.granted) * unit);
      if (g.granted > 0) return { messages: g.granted, unit, slot: g.slot };
      await sleep(g.waitMs);
    }
    return null;
  }

  /** What a claim did not use (it came back shorter than allowed) goes back, to both limits. */
  async giveBack(a: Allowance, used: number): Promise<void> {
    const pdus = (a.messages - used) * a.unit;
    if (pdus <= 0) return;
    if (this.rate.perSecond !== null) this.bucket = returnTokens(this.bucket, pdus);
    if (a.slot !== null) await returnRate(this.sql, this.config.carrierKey, a.slot, pdus);
  }

  /** A batch was answered: a throttled one halves this instance's rate, clean ones add back to it. */
  answered(throttled: boolean, pdus: number): void {
    const now = Date.now();
    this.meter = meterAdd(this.meter, now, pdus);
    const before = this.rate;
    this.rate = nextRate(this.rate, { throttled, pdus, observedPerSecond: meterPerSecond(this.meter, now), nowMs: now }, this.limits);
    if (this.rate.cutAtMs !== before.cutAtMs) {
      // A cut starts with an empty bucket: the carrier just said it has had enough.
      this.bucket = { tokens: 0, atMs: now };
      console.log(`[dispatch-svc] the carrier throttles: sending at ${this.rate.perSecond} msg/s, adding back ${this.limits.stepPerSecond} msg/s each clean second`);
    }
  }
}
