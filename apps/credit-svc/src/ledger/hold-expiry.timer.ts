import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPIC, message } from '@clarion/contracts';
import { Platform, intFromEnv } from '@clarion/platform';

/**
 * The hold expiry watchdog, as a command: a hold still pending past its deadline gets an ExpireHold
 * through the command topic, and the ledger decides (a commit that got there first wins, a repeat
 * changes nothing). Any instance may send it. The oldest deadlines go first, so none starves.
 */
@Injectable()
export class HoldExpiryTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private readonly checkEveryMs = Math.max(100, intFromEnv('CREDIT_HOLD_EXPIRY_CHECK_MS', 60_000));
  private static readonly BATCH_MAX = 100;

  constructor(private readonly platform: Platform) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick().catch((err: Error) => console.error(`[credit-svc] hold expiry: ${err.message}`)), this.checkEveryMs);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<number> {
    const due = await this.platform.query<{ hold_id: string; enterprise_sid: string }>(
      `SELECT hold_id, enterprise_sid FROM holds WHERE status = 'pending' AND expires_at < now() ORDER BY expires_at LIMIT $1`,
      [HoldExpiryTimer.BATCH_MAX],
    );
    if (due.length === 0) return 0;
    await this.platform.tx(async (tx) => {
      for (const h of due) tx.publish(TOPIC.creditCommands, h.enterprise_sid, message('ExpireHold', { holdId: h.hold_id, enterpriseSid: h.enterprise_sid }));
    });
    return due.length;
  }
}
