/** Environment, read in one place so every service names its settings the same way. */
export interface PlatformConfig {
  databaseUrl: string;
  kafkaBrokers: string[];
  topicPrefix: string;
  /** Distinguishes consumer groups of separate deployments (or test runs) on one broker. */
  groupPrefix: string;
}

export function readPlatformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/clarion',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    topicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
    groupPrefix: env.KAFKA_GROUP_PREFIX ?? env.KAFKA_TOPIC_PREFIX ?? '',
  };
}

export function intFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}
