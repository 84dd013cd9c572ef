// Dead letters with the project's Kafka tool:
//   npm run kafka -- dead-letters list [--limit N] [--json]
//   npm run kafka -- dead-letters replay --partition P --offset O [--value-file fixed.json] [--dry-run]
// A dead letter keeps the original record's key, value and headers, plus x-original-topic,
// x-original-partition, x-original-offset, x-consumer-group, x-error-kind, x-error and x-failed-at
// (libs/platform/src/transport.ts). Replay puts the record (or a fixed copy) back on its original
// topic with its key and original headers; the consumer's inbox applies it once.
const fs = require('node:fs');
const { Kafka, logLevel } = require('kafkajs');

const DEAD_LETTERS = 'clarion.dead-letters.v1';
const LIST_LIMIT_MAX = 10_000;
const READ_TIMEOUT_MS = 30_000;

function settings(overrides = {}) {
  return {
    brokers: (overrides.brokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    prefix: overrides.prefix ?? process.env.KAFKA_TOPIC_PREFIX ?? '',
  };
}

const text = (v) => (v === undefined || v === null ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

function describe(partition, m) {
  const headers = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = text(v);
  return {
    partition,
    offset: m.offset,
    timestamp: new Date(Number(m.timestamp)).toISOString(),
    originalTopic: headers['x-original-topic'] ?? null,
    originalPartition: headers['x-original-partition'] ?? null,
    originalOffset: headers['x-original-offset'] ?? null,
    consumerGroup: headers['x-consumer-group'] ?? null,
    kind: headers['x-error-kind'] ?? null,
    error: headers['x-error'] ?? null,
    failedAt: headers['x-failed-at'] ?? null,
    key: text(m.key),
    value: text(m.value),
    headers,
  };
}

/**
 * Reads the dead-letter topic from its start to its current end, without joining a consumer group
 * (so listing never moves anybody's offsets) and without waiting for records that may never come.
 */
async function readDeadLetters({ brokers, prefix, limit = 1000, where = null }) {
  const topic = prefix + DEAD_LETTERS;
  const kafka = new Kafka({ clientId: 'clarion-dead-letters', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  let ends;
  try {
    // The services create the topic; before they first ran there is nothing to list.
    if (!(await admin.listTopics()).includes(topic)) return [];
    ends = (await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.high) > Number(p.low));
  } finally {
    await admin.disconnect();
  }
  const found = [];
  if (ends.length === 0) return found;
  const consumer = kafka.consumer({ groupId: `clarion-dead-letters-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const remaining = new Map(ends.map((p) => [p.partition, Number(p.high)]));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} took longer than ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined) return;
            if (Number(message.offset) < end) {
              const d = describe(partition, message);
              if (!where || where(d)) found.push(d);
            }
            if (Number(message.offset) >= end - 1) remaining.delete(partition);
            if (remaining.size === 0 || found.length >= limit) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return found.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset)).slice(0, limit);
}

async function listDeadLetters(options = {}) {
  const { brokers, prefix } = settings(options);
  return readDeadLetters({ brokers, prefix, limit: Math.min(options.limit ?? 1000, LIST_LIMIT_MAX) });
}

/** Produces one dead letter (or `value`, a fixed copy) to its original topic; returns what was sent. */
async function replayDeadLetter(options) {
  const { brokers, prefix } = settings(options);
  const partition = Number(options.partition);
  const offset = String(options.offset);
  const [record] = await readDeadLetters({ brokers, prefix, limit: 1, where: (d) => d.partition === partition && d.offset === offset });
  if (!record) throw new Error(`no dead letter at partition ${partition}, offset ${offset}`);
  if (!record.originalTopic) throw new Error('that dead letter does not name its original topic (x-original-topic)');
  const value = options.value ?? record.value;
  if (options.value !== undefined) JSON.parse(options.value); // a fixed copy must at least be JSON
  const headers = {};
  for (const [k, v] of Object.entries(record.headers)) if (!k.startsWith('x-')) headers[k] = v;
  headers['x-replayed-from'] = `${partition}:${offset}`;
  const sent = { topic: prefix + record.originalTopic, key: record.key, value, headers };
  if (!options.dryRun) {
    const producer = new Kafka({ clientId: 'clarion-dead-letters', brokers, logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic: sent.topic, acks: -1, messages: [{ key: sent.key, value: sent.value, headers: sent.headers }] });
    } finally {
      await producer.disconnect();
    }
  }
  return sent;
}

function flag(args, name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function cli(args) {
  const [command, ...rest] = args;
  if (command === 'list') {
    const limit = Number(flag(rest, '--limit') ?? 1000);
    const records = await listDeadLetters({ limit });
    for (const r of records) {
      if (rest.includes('--json')) console.log(JSON.stringify(r));
      else console.log([`${r.partition}:${r.offset}`, r.timestamp, r.originalTopic, r.consumerGroup, r.kind, JSON.stringify(r.error), r.key, (r.value ?? '').slice(0, 120)].join('  '));
    }
    if (!rest.includes('--json')) console.error(`${records.length} dead letter(s)`);
    return 0;
  }
  if (command === 'replay') {
    const partition = flag(rest, '--partition');
    const offset = flag(rest, '--offset');
    if (partition === undefined || offset === undefined) throw new Error('replay needs --partition P --offset O');
    const file = flag(rest, '--value-file');
    const sent = await replayDeadLetter({ partition, offset, value: file ? fs.readFileSync(file, 'utf8') : undefined, dryRun: rest.includes('--dry-run') });
    console.log(`${rest.includes('--dry-run') ? 'would send' : 'sent'} to ${sent.topic} key ${sent.key}: ${sent.value.slice(0, 200)}`);
    return 0;
  }
  console.error('usage: npm run kafka -- dead-letters list [--limit N] [--json] | replay --partition P --offset O [--value-file F] [--dry-run]');
  return 2;
}

module.exports = { listDeadLetters, replayDeadLetter, cli, DEAD_LETTERS };
