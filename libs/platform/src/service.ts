import { Catch, Global, Module, type DynamicModule, type INestApplicationContext, type RpcExceptionFilter, type Type } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { NestFactory } from '@nestjs/core';
import type { DataSource, MigrationInterface } from 'typeorm';
import type { Kafka, Producer } from 'kafkajs';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { intFromEnv, readPlatformConfig, type PlatformConfig } from './config';
import { openDatabase } from './db';
import { createKafka, createProducer, ensureTopics } from './kafka';
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
  ) {}

  private pruneTimer: NodeJS.Timeout | null = null;

  /**
   * The inbox only has to remember message ids for as long as Kafka can redeliver them: the
   * internal topics keep seven days, so ids older than eight days are deleted, keeping it bounded.
   */
  pruneInboxEvery(intervalMs: number): void {
    const prune = () =>
      this.query(`DELETE FROM inbox WHERE handled_at < now() - interval '8 days'`).catch((err: Error) => console.error(`[${this.serviceName}] inbox pruning: ${err.message}`));
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
 */
@Catch()
class RethrowToTransport implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
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
  close(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  spanProcessors?: SpanProcessor[];
}

/** Opens the database and broker, then runs the service's Nest module on the Kafka transport. */
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
    groupId: def.name,
    topicPrefix: config.topicPrefix,
    commandTopics: def.commandTopics,
    queryTopics: def.queryTopics,
    maxAttempts: intFromEnv('CLARION_TRANSPORT_MAX_ATTEMPTS', 8, env),
    retryDelayMsMax: intFromEnv('CLARION_TRANSPORT_RETRY_DELAY_MS_MAX', 2000, env),
  });
  const app = await NestFactory.createMicroservice(def.module(platform), { strategy: transport, logger: ['error', 'warn'] });
  app.useGlobalFilters(new RethrowToTransport());
  await app.listen();
  return {
    platform,
    app,
    close: async () => {
      await app.close();
      await closePlatform(platform);
    },
  };
}

export async function openPlatform(name: string, schema: string, migrations: (new () => MigrationInterface)[], config: PlatformConfig): Promise<Platform> {
  const ds = await openDatabase({ url: config.databaseUrl, schema, migrations });
  const kafka = createKafka(name, config);
  await ensureTopics(kafka, config.topicPrefix);
  const producer = await createProducer(kafka);
  const relay = new OutboxRelay(ds, producer, config.topicPrefix);
  relay.start();
  const platform = new Platform(name, config, ds, kafka, producer, relay);
  platform.pruneInboxEvery(3600_000);
  return platform;
}

export async function closePlatform(p: Platform): Promise<void> {
  p.stopPruning();
  await p.relay.stop();
  await p.producer.disconnect().catch(() => undefined);
  await p.ds.destroy().catch(() => undefined);
}

/** Runs a service as its process's main: stops cleanly on SIGTERM / SIGINT. */
export function runMain(start: () => Promise<{ close(): Promise<void> }>, name: string): void {
  start()
    .then((svc) => {
      console.log(`${name} started`);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        svc.close().finally(() => process.exit(0));
        setTimeout(() => process.exit(0), 10000).unref();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    })
    .catch((err) => {
      console.error(`${name} failed to start:`, err);
      process.exit(1);
    });
}
