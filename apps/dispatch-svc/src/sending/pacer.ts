import { sleep } from '@clarion/platform';
import type { DispatchConfig } from './dispatch.config';
import {
  EMPTY_BUCKET,
  EMPTY_METER,
  NO_LOCAL_LIMIT,
  SLOTS_PER_SECOND,
  SLOT_MS,
  meterAdd,
  meterPerSecond,
  nextRate,
  returnTokens,
  takeTokens,
  type Bucket,
  type LocalRate,
  type Meter,
  type RateLimits,
} from './rate';
import { grantRate, type Sql } from './sends.repository';

/**
 * The sender's pace, put together: this instance's adaptive rate (rate.ts, pure) through a token
 * bucket sizes each claim; the cap shared by every instance (grantRate, one statement per grant)
 * is drawn only once the claim is in hand, right before its messages are written, so what a slot
 * grants goes on the wire within that slot. (Drawn before the claim, a grant waited out the claim's
 * round trip: when claims were slow, grants of several slots were written in the same instant, and
 * two instances together went 50 % over the cap in their busiest second.) Both count submit_sm
 * PDUs, so a long message costs each of its parts. The state is this process's own: a restart
 * starts again without a limit of its own, and the first throttled batch sets one.
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

  /**
   * How many messages of `unit` PDUs the next claim may take: up to `want`, no more than this
   * instance's own rate allows now (waiting until it allows one), and, under a shared cap, no more
   * than one slot of it, so a claim does not hold sends for longer than its grants take to come.
   */
  async allow(want: number, unit: number, running: () => boolean): Promise<number | null> {
    const cap = this.config.ratePerSecondMax;
    const n = cap > 0 ? Math.min(want, Math.max(1, Math.floor(Math.ceil(cap / SLOTS_PER_SECOND) / unit))) : want;
    while (running()) {
      const perSecond = this.rate.perSecond;
      if (perSecond === null) return n;
      const t = takeTokens(this.bucket, Date.now(), perSecond, n, unit);
      this.bucket = t.bucket;
      if (t.granted > 0) return t.granted;
      await sleep(t.waitMs);
    }
    return null;
  }

  /** What a claim did not use (it came back shorter than allowed) goes back to this instance's bucket. */
  giveBack(allowed: number, used: number, unit: number): void {
    const pdus = (allowed - used) * unit;
    if (pdus > 0 && this.rate.perSecond !== null) this.bucket = returnTokens(this.bucket, pdus);
  }

  /**
   * PDUs the shared cap grants now, at least one and at most `pdus`, waiting for the next slot
   * while the current one is spent (Infinity without a cap). Called with the messages in hand, so
   * it keeps granting while the sender stops: what was claimed is written, not abandoned.
   */
  async grant(pdus: number): Promise<number> {
    const cap = this.config.ratePerSecondMax;
    if (cap === 0) return Infinity;
    for (;;) {
      const askedAt = Date.now();
      const g = await grantRate(this.sql, this.config.carrierKey, cap, pdus, 1);
      // A grant that reaches us more than a slot after its slot ended (the answer or this event
      // loop was held up) is dropped, not spent: written now, it would go out beside the grants of
      // the slots since, over the cap. Dropping costs only rate; at most one slot's grant is late.
      if (g.granted > 0 && Date.now() - askedAt <= g.waitMs + SLOT_MS) return g.granted;
      await sleep(g.granted > 0 ? 0 : g.waitMs);
    }
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
