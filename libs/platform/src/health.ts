import { Controller, Get, Module, Res, ServiceUnavailableException, type DynamicModule } from '@nestjs/common';
import type { HealthCheckResult, HealthIndicatorFunction } from '@nestjs/terminus';
import { HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import type { Kafka } from 'kafkajs';

/**
 * What a service knows about its own condition. Components report themselves: the transport marks a
 * partition degraded while it retries a message against an unavailable dependency, dispatch marks
 * its carrier. Liveness fails only for what a restart would cure (a consumer that stopped for good);
 * readiness also fails while a dependency is away.
 */
export class ServiceHealth {
  private readonly degraded = new Map<string, { reason: string; since: string }>();
  private readonly fatal = new Map<string, string>();
  private probeCache: { at: number; database: string | null; kafka: string | null } | null = null;
  private static readonly PROBE_CACHE_MS = 1000;
  private static readonly PROBE_TIMEOUT_MS = 3000;

  constructor(
    readonly serviceName: string,
    private readonly deps: { ds?: DataSource; kafka?: Kafka } = {},
  ) {}

  /** A component works, but not as it should (e.g. retrying against a dependency that is away). */
  markDegraded(component: string, reason: string): void {
    const current = this.degraded.get(component);
    if (!current) this.degraded.set(component, { reason, since: new Date().toISOString() });
    else current.reason = reason;
  }

  clearDegraded(component: string): void {
    this.degraded.delete(component);
  }

  /** A component stopped and will not recover by itself: liveness fails, so a supervisor restarts the process. */
  markFatal(component: string, reason: string): void {
    this.fatal.set(component, reason);
  }

  degradedComponents(): Record<string, { reason: string; since: string }> {
    return Object.fromEntries(this.degraded);
  }

  fatalComponents(): Record<string, string> {
    return Object.fromEntries(this.fatal);
  }

  /** Pings the database and the broker, at most once a second whatever the request rate. */
  async probeDependencies(): Promise<{ database: string | null; kafka: string | null }> {
    const now = Date.now();
    if (this.probeCache && now - this.probeCache.at < ServiceHealth.PROBE_CACHE_MS) return this.probeCache;
    const [database, kafka] = await Promise.all([this.probeDatabase(), this.probeKafka()]);
    this.probeCache = { at: now, database, kafka };
    return this.probeCache;
  }

  /** null when the database answers, else why not. */
  async probeDatabase(): Promise<string | null> {
    if (!this.deps.ds) return null;
    try {
      await withTimeout(this.deps.ds.query('SELECT 1'), ServiceHealth.PROBE_TIMEOUT_MS, 'no answer from Postgres');
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  private async probeKafka(): Promise<string | null> {
    if (!this.deps.kafka) return null;
    const admin = this.deps.kafka.admin({ retry: { retries: 0 } });
    try {
      await withTimeout(
        (async () => {
          await admin.connect();
          await admin.describeCluster();
        })(),
        ServiceHealth.PROBE_TIMEOUT_MS,
        'no answer from the Kafka broker',
      );
      return null;
    } catch (err) {
      return (err as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(what)), ms);
    }),
  ]);
}

@Controller()
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly service: ServiceHealth,
  ) {}

  /**
   * Terminus reports a failed check by throwing 503; answering it here keeps its body as it is,
   * whatever exception filter the application installs for its own routes.
   */
  private async answer(res: { status(code: number): unknown }, checks: HealthIndicatorFunction[]): Promise<HealthCheckResult | unknown> {
    try {
      return await this.health.check(checks);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(503);
      return err.getResponse();
    }
  }

  /** Liveness: the process runs and none of its consumers stopped for good. */
  @Get('health')
  live(@Res({ passthrough: true }) res: { status(code: number): unknown }) {
    return this.answer(res, [
      () => {
        const fatal = this.service.fatalComponents();
        const check = this.indicators.check('process');
        return Object.keys(fatal).length === 0 ? check.up({ service: this.service.serviceName }) : check.down({ service: this.service.serviceName, fatal });
      },
    ]);
  }

  /** Readiness: liveness, plus the database and broker answer and no component is degraded. */
  @Get('ready')
  ready(@Res({ passthrough: true }) res: { status(code: number): unknown }) {
    return this.answer(res, [
      async () => {
        const { database } = await this.service.probeDependencies();
        return database === null ? this.indicators.check('database').up() : this.indicators.check('database').down({ message: database });
      },
      async () => {
        const { kafka } = await this.service.probeDependencies();
        return kafka === null ? this.indicators.check('kafka').up() : this.indicators.check('kafka').down({ message: kafka });
      },
      () => {
        const degraded = this.service.degradedComponents();
        const fatal = this.service.fatalComponents();
        const check = this.indicators.check('components');
        return Object.keys(degraded).length === 0 && Object.keys(fatal).length === 0 ? check.up() : check.down({ degraded, fatal });
      },
    ]);
  }
}

/** GET /health and GET /ready for a service's HTTP listener. */
@Module({})
export class HealthModule {
  static forService(health: ServiceHealth): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: ServiceHealth, useValue: health }],
    };
  }
}
