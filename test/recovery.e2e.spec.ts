/**
 * Recovery from what cannot be retried away: a poison record is dead-lettered with its error while
 * the consumer goes on, and a fixed copy replayed with the Kafka tool applies once; and a service
 * started before Postgres and Kafka are up waits for them and becomes ready once they are.
 */
import { Client } from 'pg';
import { TOPIC, message, newSid } from '@clarion/contracts';
import { FaultProxy } from './support/fault-proxy';
import { freePort, freshNamespace, waitFor } from './support/stack';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Supervised } = require('../tools/stack/supervisor');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { listDeadLetters, replayDeadLetter } = require('../tools/stack/dead-letters');

type Namespace = Awaited<ReturnType<typeof freshNamespace>>;

async function credited(ns: Namespace, enterpriseSid: string): Promise<number> {
  const db = new Client({ connectionString: ns.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT credited FROM credit.accounts WHERE enterprise_sid = $1', [enterpriseSid]);
    return rows.length === 0 ? 0 : Number(rows[0].credited);
  } finally {
    await db.end();
  }
}

describe('recovery', () => {
  const started: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of started) await s.stop();
  });

  it('dead-letters an undecodable command with its error, goes on, and applies a replayed fixed copy once', async () => {
    const ns = await freshNamespace();
    const env = { DATABASE_URL: ns.databaseUrl, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', KAFKA_TOPIC_PREFIX: ns.prefix };
    const credit = new Supervised('credit-svc', env, { quiet: !process.env.CLARION_TEST_VERBOSE });
    started.push(credit);
    await credit.start();
    const enterpriseSid = newSid('enterprise');
    const topUp = (credit: number) => message('AddCredit', { entrySid: newSid('creditEntry'), enterpriseSid, credit, description: 'replay test', accountSid: null, accountEmail: 'operator' });

    const producer = ns.kafka.producer();
    await producer.connect();
    const good = JSON.stringify(topUp(100));
    const broken = JSON.stringify(topUp(7)).slice(0, 60); // cut off mid-record: undecodable
    await producer.send({
      topic: ns.prefix + TOPIC.creditCommands,
      messages: [
        { key: enterpriseSid, value: broken },
        { key: enterpriseSid, value: good },
      ],
    });

    // The record behind the poison one, on the same partition, is applied: the consumer went on.
    await waitFor('the top-up behind the poison record', async () => (await credited(ns, enterpriseSid)) === 100, 60_000);
    const [dead] = await waitFor(
      'the dead letter',
      async () => {
        const all = await listDeadLetters({ brokers: env.KAFKA_BROKERS, prefix: ns.prefix });
        return all.length > 0 ? all : null;
      },
      30_000,
    );
    expect(dead).toMatchObject({ originalTopic: TOPIC.creditCommands, consumerGroup: 'credit-svc', kind: 'poison', key: enterpriseSid, value: broken });
    expect(dead.error).toContain('undecodable');

    // Ops fix the record and replay it; a second replay of the same fixed copy changes nothing.
    const fixed = JSON.stringify(topUp(7));
    const sent = await replayDeadLetter({ brokers: env.KAFKA_BROKERS, prefix: ns.prefix, partition: dead.partition, offset: dead.offset, value: fixed });
    expect(sent).toMatchObject({ topic: ns.prefix + TOPIC.creditCommands, key: enterpriseSid });
    expect(sent.headers['x-replayed-from']).toBe(`${dead.partition}:${dead.offset}`);
    await waitFor('the replayed top-up', async () => (await credited(ns, enterpriseSid)) === 107, 30_000);
    await replayDeadLetter({ brokers: env.KAFKA_BROKERS, prefix: ns.prefix, partition: dead.partition, offset: dead.offset, value: fixed });
    await producer.send({ topic: ns.prefix + TOPIC.creditCommands, messages: [{ key: enterpriseSid, value: JSON.stringify(topUp(1)) }] });
    await waitFor('a marker behind the second replay', async () => (await credited(ns, enterpriseSid)) >= 108, 30_000);
    expect(await credited(ns, enterpriseSid)).toBe(108); // 100 + 7 once + the marker
    expect(await listDeadLetters({ brokers: env.KAFKA_BROKERS, prefix: ns.prefix })).toHaveLength(1);
    await producer.disconnect();
  });

  it('a service started before Postgres and Kafka are up waits for them and becomes ready once they are', async () => {
    const ns = await freshNamespace();
    const pgTarget = new URL(ns.databaseUrl);
    const [kafkaHost, kafkaPort] = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0].split(':');
    const pg = new FaultProxy({ targetHost: pgTarget.hostname, targetPort: Number(pgTarget.port || 5432) });
    const kafka = new FaultProxy({ targetHost: kafkaHost, targetPort: Number(kafkaPort) });
    started.push(pg, kafka);
    pgTarget.port = String(await pg.start());
    const kafkaProxyPort = await kafka.start();
    // Both are "down": every connection is refused until we say otherwise.
    pg.refuse(3_600_000);
    kafka.refuse(3_600_000);
    const healthPort = await freePort();
    const output: string[] = [];
    const credit = new Supervised(
      'credit-svc',
      { DATABASE_URL: pgTarget.toString(), KAFKA_BROKERS: `127.0.0.1:${kafkaProxyPort}`, KAFKA_TOPIC_PREFIX: ns.prefix, HEALTH_PORT: String(healthPort) },
      { quiet: true },
    );
    started.push(credit);
    credit.spawn();
    credit.child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await waitFor('the service to say it waits for Postgres', async () => output.join('').includes('waiting for Postgres'), 30_000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(credit.restarts).toBe(0); // it waited instead of exiting
    pg.refuse(0);
    await waitFor('the service to say it waits for Kafka', async () => output.join('').includes('waiting for Kafka'), 60_000);
    expect(credit.restarts).toBe(0);
    kafka.refuse(0);
    const ready = await waitFor(
      'readiness',
      async () => {
        const r = await fetch(`http://127.0.0.1:${healthPort}/ready`);
        return r.status === 200 ? r.json() : null;
      },
      90_000,
      250,
    );
    expect(ready).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, kafka: { status: 'up' } } });
    expect(credit.restarts).toBe(0);
  });
});
