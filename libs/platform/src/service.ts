import { Catch, Global, Module, type ArgumentsHost, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { BaseExceptionFilter, NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { DataSource, MigrationInterface } from 'typeorm';
import type { Kafka, Producer } from 'kafkajs';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { intFromEnv, readPlatformConfig, type PlatformConfig } from './config';
import { openDatabase } from './db';
import { createKafka, createProducer, ensureTopics } from './kafka';
import { HealthModule, ServiceHealth } from './health';
import { isRetriable } from './errors';
import { OutboxRelay } from './outbox-relay';
import { KafkaTransport } from './transport';
import { startTelemetry } from './telemetry';
import { queryRows, runInTx, type Tx } from './tx';

/** What every service's providers may inject: its own database, the broker, the relay. */
export class Platform {
  constructor(
    readonly serviceName: string,
    readonly config: PlatformConfig,
    readonly ds: DataSource,
    readonly kafka: Kafka,
    readonly producer: Producer,
    readonly relay: OutboxRelay,
    readonly health: ServiceHealth,
  ) {}

  private pruneTimer: NodeJS.Timeout | null = null;

  /**
   * The inbox only has to remember message ids for as long as Kafka can redeliver them: the
   * internal topics keep seven days, so ids older than eight days are deleted, keeping it bounded.
   */
  pruneInboxEvery(intervalMs: number): void {
    const prune = () => this.query(`DELETE FROM inbox WHERE handled_at < now() - interval '8 days'`).catch((err: Error) => console.error(`[${this.serviceName}] inbox pruning: ${err.message}`));
    this.pruneTimer = setInterval(prune, intervalMs);
    this.pruneTimer.unref();
  }

  stopPruning(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
  }

  /** One statement outside a transaction, returning its rows. */
  query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.ds, sql, params);
  }

  /** A transaction whose outbox rows are relayed as soon as it commits. */
  tx<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return runInTx(this.ds, work, () => this.relay.kick());
  }
}

@Global()
@Module({})
export class PlatformModule {
  static forRoot(platform: Platform): DynamicModule {
    return { module: PlatformModule, providers: [{ provide: Platform, useValue: platform }], exports: [Platform] };
  }
}

/**
 * Nest turns a handler's error into a generic "Internal server error" and logs it; the transport
 * decides about retries and dead letters itself and needs the real error, so it is passed through.
 * HTTP requests (health and readiness) get Nest's usual handling.
 */
@Catch()
class RethrowToTransport extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    return super.catch(exception, host);
  }
}

export interface ServiceDefinition {
  name: string;
  schema: string;
  migrations: (new () => MigrationInterface)[];
  module: (platform: Platform) => DynamicModule | Type<unknown>;
  commandTopics: string[];
  queryTopics?: string[];
}

export interface RunningService {
  platform: Platform;
  app: INestApplicationContext;
  /** Where GET /health and GET /ready answer. */
  healthUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  spanProcessors?: SpanProcessor[];
  /** What to do when a consumer stopped for good; runMain exits the process (its supervisor restarts it). */
  onFatal?: (reason: string) => void;
}

/**
 * Opens the database and broker (waiting for them as long as it takes), then runs the service's
 * Nest module on the Kafka transport, with GET /health and GET /ready on HEALTH_PORT (0: any free
 * port, printed at start).
 */
export async function startService(def: ServiceDefinition, options: StartOptions = {}): Promise<RunningService> {
  startTelemetry(def.name, options.spanProcessors);
  const env = options.env ?? process.env;
  const config = readPlatformConfig(env);
  const platform = await openPlatform(def.name, def.schema, def.migrations, config);
  const transport = new KafkaTransport({
    kafka: platform.kafka,
    producer: platform.producer,
    ds: platform.ds,
    relay: platform.relay,
    health: platform.health,
    groupId: def.name,
    topicPrefix: config.topicPrefix,
    commandTopics: def.commandTopics,
    queryTopics: def.queryTopics,
    bugAttemptsMax: intFromEnv('CLARION_TRANSPORT_BUG_ATTEMPTS_MAX', 3, env),
    retryDelayMsMax: intFromEnv('CLARION_TRANSPORT_RETRY_DELAY_MS_MAX', 2000, env),
    onFatal: options.onFatal,
  });
  @Module({ imports: [def.module(platform), HealthModule.forService(platform.health)] })
  class ServiceRoot {}
  const app = await NestFactory.create(ServiceRoot, { logger: ['error', 'warn'] });
  app.useGlobalFilters(new RethrowToTransport(app.getHttpAdapter()));
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  // The service's own loops (dispatch, timers) start before the consumers wait to join their group,
  // which after a crash takes until the dead member's session expires.
  await app.init();
  await app.startAllMicroservices();
  const healthUrl = await listenForHealth(app, intFromEnv('HEALTH_PORT', 0, env), env.HEALTH_HOST ?? '127.0.0.1');
  return {
    platform,
    app,
    healthUrl,
    close: async () => {
      await app.close();
      await closePlatform(platform);
    },
  };
}

async function listenForHealth(app: INestApplication, port: number, host: string): Promise<string> {
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  return `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
}

/**
 * Runs `step` until it succeeds, waiting with capped backoff while its error is an infrastructure
 * one (the database or broker is not up yet), and logging what it waits for. Other errors are
 * thrown: a wrong password or a bad migration does not cure itself.
 */
export async function waitFor<T>(what: string, step: () => Promise<T>, options: { delayMsMax?: number; log?: (line: string) => void } = {}): Promise<T> {
  const log = options.log ?? ((line: string) => console.error(line));
  const startedAt = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await step();
      if (attempt > 1) log(`${what}: ready after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      return value;
    } catch (err) {
      if (!isRetriable(err)) throw err;
      const delayMs = Math.min(options.delayMsMax ?? 5000, 250 * 2 ** Math.min(attempt, 10));
      if (attempt === 1 || attempt % 10 === 0) log(`waiting for ${what} (attempt ${attempt}, next in ${delayMs} ms): ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

export async function openPlatform(name: string, schema: string, migrations: (new () => MigrationInterface)[], config: PlatformConfig): Promise<Platform> {
  const dbAt = safeUrl(config.databaseUrl);
  const ds = await waitFor(`Postgres at ${dbAt}`, () => openDatabase({ url: config.databaseUrl, schema, migrations }));
  const kafka = createKafka(name, config);
  const brokers = config.kafkaBrokers.join(',');
  await waitFor(`Kafka at ${brokers}`, () => ensureTopics(kafka, config.topicPrefix));
  const producer = await waitFor(`the Kafka producer at ${brokers}`, () => createProducer(kafka));
  const relay = new OutboxRelay(ds, producer, config.topicPrefix);
  const health = new ServiceHealth(name, { ds, kafka });
  relay.onHealth = (problem) => (problem ? health.markDegraded('outbox relay', problem) : health.clearDegraded('outbox relay'));
  relay.start();
  const platform = new Platform(name, config, ds, kafka, producer, relay, health);
  platform.pruneInboxEvery(3600_000);
  return platform;
}

/** A connection URL without its password, for log lines. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

export async function closePlatform(p: Platform): Promise<void> {
  p.stopPruning();
  await p.relay.stop();
  await p.producer.disconnect().catch(() => undefined);
  await p.ds.destroy().catch(() => undefined);
}

/**
 * Runs a service as its process's main. SIGTERM / SIGINT stop it cleanly: Nest's shutdown hooks let
 * dispatch drain the carrier answers in flight, and only past SHUTDOWN_TIMEOUT_MS is the exit forced.
 * A consumer that stopped for good exits the process non-zero, so that its supervisor (npm start,
 * compose's restart policy) starts it again.
 */
export function runMain(start: (options: StartOptions) => Promise<{ close(): Promise<void>; healthUrl?: string }>, name: string): void {
  const shutdownTimeoutMs = intFromEnv('SHUTDOWN_TIMEOUT_MS', 30000);
  let svc: { close(): Promise<void> } | null = null;
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`${name}: shutdown took longer than ${shutdownTimeoutMs} ms; exiting anyway`);
      process.exit(code || 1);
    }, shutdownTimeoutMs).unref();
    (svc ? svc.close() : Promise.resolve()).catch((err: Error) => console.error(`${name}: ${err.message}`)).finally(() => process.exit(code));
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  start({ onFatal: () => stop(70) })
    .then((running) => {
      svc = running;
      console.log(`${name} started${running.healthUrl ? `; health on ${running.healthUrl}/health and ${running.healthUrl}/ready` : ''}`);
      if (stopping) stop(0);
    })
    .catch((err) => {
      console.error(`${name} failed to start:`, err);
      process.exit(1);
    });
}
