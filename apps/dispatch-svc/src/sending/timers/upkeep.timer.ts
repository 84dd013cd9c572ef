import type { Platform } from '@clarion/platform';
import type { DispatchConfig } from '../dispatch.config';
import { applyPendingReceipts, publishGrouped, pruneFinished } from '../sends.repository';
import { quietClock, releaseDueDeferred } from '../quiet-hours';

/** Pending receipts looked at, and finished rows deleted, per tick. */
const PENDING_PER_TICK_MAX = 5000;
const PRUNE_ROWS_PER_TICK_MAX = 20_000;
/** Deferred sends put back to 'queued' per tick once their recipient's window opens. */
const RELEASED_PER_TICK_MAX = 20_000;

/**
 * Upkeep: receipts that overtook their send's answer are applied once the answer is recorded
 * (or dropped after DISPATCH_PENDING_RECEIPT_KEEP_MS), and the sends of campaigns finished longer
 * than DISPATCH_SENDS_RETENTION_MS ago are pruned, so no table grows without bound.
 */
export class UpkeepTimer {
  private ticks = 0;

  constructor(
    private readonly platform: Platform,
    private readonly config: DispatchConfig,
  ) {}

  async tick(): Promise<void> {
    await this.platform.tx(async (tx) => {
      const { applied, dropped } = await applyPendingReceipts(tx, this.config.pendingReceiptKeepMs, PENDING_PER_TICK_MAX);
      if (dropped > 0) console.error(`[dispatch-svc] ${dropped} receipts matched no send within ${this.config.pendingReceiptKeepMs} ms; dropped`);
      await publishGrouped(tx, applied);
    });
    // Quiet hours: sends whose recipient's window has opened go back to the queue, the cursor with them.
    await this.platform.tx((tx) => releaseDueDeferred(tx, quietClock.nowMs(), RELEASED_PER_TICK_MAX));
    // Pruning is slow work: every 40th tick (10 s at the default tick) is often enough.
    if (this.ticks++ % 40 === 0) await pruneFinished(this.platform, this.config.sendsRetentionMs, PRUNE_ROWS_PER_TICK_MAX);
  }
}
