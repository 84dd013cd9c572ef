import { randomBytes } from 'node:crypto';
import type { Platform } from '@clarion/platform';
import { forgetInstances, heartbeat } from './sends.repository';

/**
 * This process's lease on its claims: it beats every leaseMs / 5. Another instance treats the
 * claims as in doubt only once the beats stopped for leaseMs, so a slow rebind or a long wait for
 * an answer never makes a live process's sends look abandoned. The holder stops writing submits
 * itself once its own last beat is older than half the lease, so it can never write a submit that
 * another instance has already decided about.
 */
export class Lease {
  readonly instanceId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private lastBeatAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private beats = 0;

  constructor(
    private readonly platform: Platform,
    readonly leaseMs: number,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), Math.max(100, Math.floor(this.leaseMs / 5)));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  isHeld(): boolean {
    return Date.now() - this.lastBeatAt < this.leaseMs / 2;
  }

  private async beat(): Promise<void> {
    const at = Date.now();
    try {
      await heartbeat(this.platform, this.instanceId);
      this.lastBeatAt = at;
      if (++this.beats % 1000 === 0) await forgetInstances(this.platform);
    } catch (err) {
      console.error(`[dispatch-svc] lease heartbeat failed: ${(err as Error).message}`);
    }
  }
}
