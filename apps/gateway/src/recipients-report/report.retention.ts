import type { Platform } from '@clarion/platform';
import { pruneEndedCampaigns } from './report.store';

export interface ReportRetentionOptions {
  /** Days a campaign's report is kept after the campaign ended (completed, cancelled or failed). */
  retentionDays: number;
  intervalMs?: number;
}

/** Rows deleted per statement and statements per pass: a pass takes a few seconds at most. */
const PRUNE_ROWS_MAX = 20_000;
const PRUNE_STATEMENTS_MAX = 50;

/**
 * Deletes the report of campaigns that ended more than `retentionDays` ago, one bounded pass per
 * interval. The default (30 days) is the public deliveries topic's retention: the report keeps
 * what that topic still holds, so a fresh consumer group can always rebuild it, and a campaign
 * still running (or scheduled far ahead) is never pruned whatever its age. Every gateway instance
 * may run it; two passes over the same campaign delete each row once.
 */
export class ReportRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly platform: Platform,
    private readonly options: ReportRetentionOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.pass(), this.options.intervalMs ?? 3600_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; skipped while the previous one still runs. */
  pass(): Promise<void> {
    if (this.running) return this.running;
    this.running = pruneEndedCampaigns(this.platform, this.options.retentionDays, PRUNE_ROWS_MAX, PRUNE_STATEMENTS_MAX)
      .then(() => undefined)
      .catch((err: Error) => console.error(`[gateway] recipients report pruning: ${err.message}`))
      .finally(() => (this.running = null));
    return this.running;
  }
}
