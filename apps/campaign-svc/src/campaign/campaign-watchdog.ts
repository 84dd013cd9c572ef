import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPIC, message } from '@clarion/contracts';
import { Platform, intFromEnv } from '@clarion/platform';
import type { WatchdogSettings } from './campaign.decider';

export function readWatchdogSettings(env: NodeJS.ProcessEnv = process.env): WatchdogSettings & { intervalMs: number } {
  return {
    intervalMs: Math.max(100, intFromEnv('CAMPAIGN_WATCHDOG_INTERVAL_MS', 30_000, env)),
    stepTimeoutMs: intFromEnv('CAMPAIGN_STEP_TIMEOUT_MS', 5 * 60_000, env),
    stepRetriesMax: intFromEnv('CAMPAIGN_STEP_RETRIES_MAX', 5, env),
    runLimitMs: intFromEnv('CAMPAIGN_RUN_LIMIT_MS', 3 * 24 * 3600_000, env),
  };
}

/**
 * The campaign watchdog, as a command: every interval it finds the live campaigns idle for longer
 * than the step timeout, oldest first so none starves, and sends each a CheckCampaign through the
 * command topic. The aggregate decides what that means (campaign.decider.ts, check()); any
 * instance may send it, and a repeat or a stale tick changes nothing.
 */
@Injectable()
export class CampaignWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private readonly settings = readWatchdogSettings();
  private static readonly BATCH_MAX = 100;

  constructor(private readonly platform: Platform) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick().catch((err: Error) => console.error(`[campaign-svc] watchdog: ${err.message}`)), this.settings.intervalMs);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<number> {
    const idle = await this.platform.query<{ sid: string }>(
      `SELECT sid FROM campaigns
       WHERE status IN ('initiating', 'scheduled', 'in-progress', 'paused')
         AND date_updated < now() - ($1::bigint * interval '1 millisecond')
         AND (status <> 'scheduled' OR start_time < now() - ($1::bigint * interval '1 millisecond'))
       ORDER BY date_updated LIMIT $2`,
      [this.settings.stepTimeoutMs, CampaignWatchdog.BATCH_MAX],
    );
    if (idle.length === 0) return 0;
    const at = new Date().toISOString();
    await this.platform.tx(async (tx) => {
      for (const { sid } of idle) tx.publish(TOPIC.campaignCommands, sid, message('CheckCampaign', { campaignSid: sid, at }));
    });
    return idle.length;
  }
}
