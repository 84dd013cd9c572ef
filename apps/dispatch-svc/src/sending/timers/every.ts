import { sleep } from '@clarion/platform';

/**
 * Runs one timer's tick every `intervalMs` until stopped; a failed tick (the database is away) is
 * logged and the next one tries again. Each timer is one small unit with a `tick()` of its own.
 */
export class Every {
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<unknown>,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.tick();
        } catch (err) {
          console.error(`[dispatch-svc] ${this.name}: ${(err as Error).message}`);
        }
        await sleep(this.intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
