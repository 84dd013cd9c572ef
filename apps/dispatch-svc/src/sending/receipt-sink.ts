import { Platform, retryWhileRetriable } from '@clarion/platform';
import type { CarrierReceipt } from './carrier.port';
import { stateFromReceipt } from './send.decider';
import { applyReceipts, publishGrouped } from './sends.repository';

/** Receipts stored in one transaction at most. */
const RECEIPTS_PER_FLUSH_MAX = 2000;
/** Receipts waiting to be stored at most; past it the carrier is told to try again later. */
const RECEIPTS_WAITING_MAX = 50_000;

interface Waiting {
  receipt: CarrierReceipt;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Stores delivery receipts in batches: a receipt is applied to its send (or kept in
 * receipts_pending when it overtook its send's answer) and committed before its promise resolves,
 * which is when the carrier acknowledges it. So a receipt is durable before its deliver_sm_resp,
 * and a crash or a failed write loses none: the carrier delivers an unacknowledged one again.
 */
export class ReceiptSink {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private stopped = false;

  /**
   * @param beforeFlush resolves once the answers being recorded now are committed. A receipt
   *   usually arrives milliseconds after its submit's answer; waiting for that answer's recording
   *   lets the receipt match its send at once instead of taking the receipts_pending detour.
   */
  constructor(
    private readonly platform: Platform,
    private readonly flushMs: number,
    private readonly beforeFlush: () => Promise<unknown> = () => Promise.resolve(),
  ) {}

  /** The carrier's receipt handler: resolves once the receipt is stored. */
  readonly accept = (receipt: CarrierReceipt): Promise<void> => {
    if (this.stopped) return Promise.reject(new Error('dispatch-svc is stopping'));
    if (this.waiting.length >= RECEIPTS_WAITING_MAX) return Promise.reject(new Error('too many receipts waiting to be stored'));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ receipt, resolve, reject });
      if (this.waiting.length >= RECEIPTS_PER_FLUSH_MAX) this.kick();
      else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.flushMs);
    });
  };

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing) return; // the running flush picks the rest up when it ends
    this.flushing = this.flushAll().finally(() => {
      this.flushing = null;
      if (this.waiting.length > 0) this.kick();
    });
  }

  private async flushAll(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, RECEIPTS_PER_FLUSH_MAX);
      try {
        await this.beforeFlush();
        await retryWhileRetriable(
          `[dispatch-svc] storing ${batch.length} receipts`,
          () =>
            this.platform.tx(async (tx) => {
              const applied = await applyReceipts(
                tx,
                batch.map((w) => ({ messageId: w.receipt.messageId, msisdn: w.receipt.msisdn, state: stateFromReceipt(w.receipt.stat) })),
              );
              await publishGrouped(tx, applied);
            }),
          { live: () => !this.stopped },
        );
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err as Error);
      }
    }
  }

  /** Stores what is waiting, then refuses more (the carrier re-delivers those after the restart). */
  async stop(): Promise<void> {
    this.kick();
    await this.flushing;
    this.stopped = true;
  }
}
