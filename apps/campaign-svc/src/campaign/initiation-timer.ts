import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPIC, message } from '@clarion/contracts';
import { Platform, intFromEnv } from '@clarion/platform';

/**
 * The timeout of the initiation step, as a command: a campaign still 'initiating' long after its
 * last change lost its upload (the gateway stopped mid-stream). The timer only sends
 * ExpireInitiation through the command topic; the aggregate decides, so a late batch and the
 * timer cannot both win. Any instance may send it; repeats are no-ops.
 */
@Injectable()
export class InitiationTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private readonly expireAfterMs = intFromEnv('CAMPAIGN_INITIATION_TIMEOUT_MS', 15 * 60_000);

  constructor(private readonly platform: Platform) {}

  onApplicationBootstrap(): void {
    const everyMs = Math.max(1000, Math.min(60_000, Math.floor(this.expireAfterMs / 4)));
    this.timer = setInterval(() => this.tick().catch((err: Error) => console.error(`[campaign-svc] initiation timer: ${err.message}`)), everyMs);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    const stale = await this.platform.query<{ sid: string }>(
      // Oldest first: with more than a hundred stale campaigns, none waits for ever behind the others.
      `SELECT sid FROM campaigns WHERE status = 'initiating' AND date_updated < now() - ($1::int * interval '1 millisecond') ORDER BY date_updated LIMIT 100`,
      [this.expireAfterMs],
    );
    if (stale.length === 0) return;
    await this.platform.tx(async (tx) => {
      for (const { sid } of stale) tx.publish(TOPIC.campaignCommands, sid, message('ExpireInitiation', { campaignSid: sid }));
    });
  }
}
