import { Kafka, Partitioners, logLevel, type Producer, type Admin } from 'kafkajs';
import { ConfigResourceTypes, type ITopicConfig } from 'kafkajs';
import { TOPIC_SPECS, topicConfig, type TopicSpec } from '@clarion/contracts';
import type { PlatformConfig } from './config';

/**
 * kafkajs logs, as errors, conditions it then retries by itself (a coordinator still loading, a
 * leader election, a topic another service created first). They are not errors of ours; hiding
 * them keeps real failures visible.
 */
const TRANSIENT = /group coordinator is not available|Topic creation errors|There is no leader|is not the coordinator|rebalanc|This server does not host this topic-partition/i;

const logCreator =
  () =>
  ({ namespace, level, log }: { namespace: string; level: logLevel; log: { message: string; error?: string } }) => {
    const text = `${log.message} ${log.error ?? ''}`;
    if (TRANSIENT.test(text)) return;
    console.error(`[kafkajs ${logLevel[level]}] ${namespace}: ${text.trim()}`);
  };

export function createKafka(clientId: string, config: PlatformConfig): Kafka {
  return new Kafka({
    clientId,
    brokers: config.kafkaBrokers,
    logLevel: process.env.KAFKAJS_LOG_LEVEL === 'debug' ? logLevel.DEBUG : logLevel.ERROR,
    logCreator,
    connectionTimeout: 5000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
  });
}

export async function createProducer(kafka: Kafka): Promise<Producer> {
  // No idempotent producer: duplicates are expected anyway (at-least-once) and removed by the inbox.
  // The default (murmur2) partitioner places keys as Kafka's Java clients do, so ordinary Kafka
  // tooling agrees on which partition holds a campaign.
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 8 }, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

/**
 * Creates the project's topics with their partition counts, retention and max.message.bytes, and
 * puts those settings back on existing topics where they differ; the broker's auto-creation is off,
 * so a topic name typo fails loudly instead of creating a stray topic.
 */
export async function ensureTopics(kafka: Kafka, prefix: string, specs: readonly TopicSpec[] = TOPIC_SPECS): Promise<string[]> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(prefix + s.name));
    const entries = (s: TopicSpec) => Object.entries(topicConfig(s)).map(([name, value]) => ({ name, value }));
    if (missing.length > 0) {
      const topics: ITopicConfig[] = missing.map((s) => ({ topic: prefix + s.name, numPartitions: s.partitions, replicationFactor: 1, configEntries: entries(s) }));
      // Services start together and race to create the same topics: a loser's error is fine as
      // long as every topic exists afterwards.
      await admin.createTopics({ waitForLeaders: true, topics }).catch(async (err: Error) => {
        const now = new Set(await admin.listTopics());
        if (!missing.every((s) => now.has(prefix + s.name))) throw err;
      });
    }
    const present = specs.filter((s) => existing.has(prefix + s.name));
    if (present.length > 0) {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: present.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: prefix + s.name, configNames: Object.keys(topicConfig(s)) })),
      });
      const drifted = present.filter((s) => {
        const found = described.resources.find((r) => r.resourceName === prefix + s.name);
        return Object.entries(topicConfig(s)).some(([name, value]) => found?.configEntries.find((e) => e.configName === name)?.configValue !== value);
      });
      // AlterConfigs replaces a topic's whole set of overrides; ours are the only ones it has.
      if (drifted.length > 0) await admin.alterConfigs({ validateOnly: false, resources: drifted.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: prefix + s.name, configEntries: entries(s) })) });
    }
    return missing.map((s) => prefix + s.name);
  } finally {
    await admin.disconnect();
  }
}
