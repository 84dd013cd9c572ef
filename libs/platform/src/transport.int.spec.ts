/**
 * The platform's delivery guarantees against the real broker and database: a redelivered message
 * has its effect once (inbox), effects and outgoing messages commit together (outbox), and a
 * message that keeps failing goes to the dead-letter topic without stalling its partition.
 */
import { Controller, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { TOPIC, message, type Message } from '@clarion/contracts';
import { ConcurrencyError, PlatformModule, RetriableError, startService, type MessageContext, type RunningService } from './index';
import { freshNamespace, waitFor } from '../../../test/support/stack';

class Counters implements MigrationInterface {
  name = 'Counters1763856000009';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE counters (name text PRIMARY KEY, n integer NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE counters');
  }
}

@Controller()
class Handlers {
  @EventPattern('Bump')
  async bump(@Payload() m: Message<'Bump', { name: string }>, @Ctx() ctx: MessageContext): Promise<void> {
    await ctx.db.query('INSERT INTO counters (name, n) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1', [m.data.name]);
    ctx.db.publish(TOPIC.campaignEvents, m.data.name, message('Bumped', { name: m.data.name }, { causedBy: m }));
  }

  @EventPattern('Explode')
  async explode(@Payload() m: Message<'Explode', { name: string }>, @Ctx() ctx: MessageContext): Promise<void> {
    // The write and the outgoing message must both vanish with the failed transaction.
    await ctx.db.query('INSERT INTO counters (name, n) VALUES ($1, 100)', [m.data.name]);
    ctx.db.publish(TOPIC.campaignEvents, m.data.name, message('Bumped', { name: 'never' }, { causedBy: m }));
    throw new Error('boom');
  }
}

/** Attempts per message name, to fail the first few of them on purpose. */
const attempts = new Map<string, number>();

@Controller()
class FlakyHandlers {
  @EventPattern('Flaky')
  async flaky(@Payload() m: Message<'Flaky', { name: string; failures: number; error: 'retriable' | 'conflict' }>, @Ctx() ctx: MessageContext): Promise<void> {
    const n = (attempts.get(m.data.name) ?? 0) + 1;
    attempts.set(m.data.name, n);
    await ctx.db.query('INSERT INTO counters (name, n) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1', [m.data.name]);
    // The write above rolls back with the failed attempt: only the successful one may count.
    if (n <= m.data.failures) throw m.data.error === 'conflict' ? new ConcurrencyError(m.data.name, n) : new RetriableError('database connection lost (simulated)');
  }

  @EventPattern('Publish')
  async publishSized(@Payload() m: Message<'Publish', { name: string; bytes: number; count: number }>, @Ctx() ctx: MessageContext): Promise<void> {
    for (let i = 0; i < m.data.count; i++) ctx.db.publish(TOPIC.campaignEvents, m.data.name, message('Sized', { name: m.data.name, i, pad: 'x'.repeat(m.data.bytes) }, { causedBy: m }));
  }
}

@Module({ controllers: [Handlers, FlakyHandlers] })
class TestModule {}

describe('Kafka transport with inbox, outbox and dead letters', () => {
  let svc: RunningService;
  let ns: Awaited<ReturnType<typeof freshNamespace>>;
  const seen: { topic: string; value: any; headers: Record<string, string> }[] = [];
  let stopWatching: () => Promise<void>;

  beforeAll(async () => {
    ns = await freshNamespace();
    svc = await startService(
      {
        name: 'platform-test',
        schema: 'platform_test',
        migrations: [Counters],
        module: (p) => ({ module: TestModule, imports: [PlatformModule.forRoot(p)] }),
        commandTopics: [TOPIC.campaignCommands],
      },
      { env: { ...process.env, DATABASE_URL: ns.databaseUrl, KAFKA_TOPIC_PREFIX: ns.prefix } },
    );
    const consumer = ns.kafka.consumer({ groupId: `${ns.prefix}watch-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [ns.prefix + TOPIC.campaignEvents, ns.prefix + TOPIC.deadLetters], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message: m }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v);
        seen.push({ topic: topic.slice(ns.prefix.length), value: JSON.parse(m.value!.toString()), headers });
      },
    });
    stopWatching = () => consumer.disconnect();
  });

  afterAll(async () => {
    await stopWatching?.();
    await svc?.close();
  });

  it('applies a redelivered message once, relays its outgoing message, and dead-letters a poison message without stalling', async () => {
    const producer = ns.kafka.producer();
    await producer.connect();
    const send = (m: Message) => producer.send({ topic: ns.prefix + TOPIC.campaignCommands, messages: [{ key: 'k', value: JSON.stringify(m) }] });
    const twice = message('Bump', { name: 'a' });
    await send(twice);
    await send(twice); // Kafka's at-least-once delivery, simulated
    await send(message('Explode', { name: 'poison' }));
    await send(message('Bump', { name: 'a' })); // behind the poison message on the same partition
    await send({ type: 'NotAnEnvelope' } as unknown as Message);
    await producer.disconnect();

    await waitFor(
      'the bump after the poison message',
      async () => {
        const [row] = await svc.platform.query('SELECT n FROM counters WHERE name = $1', ['a']);
        return row?.n === 2;
      },
      60000,
    );
    const [poison] = await svc.platform.query('SELECT n FROM counters WHERE name = $1', ['poison']);
    expect(poison).toBeUndefined();

    await waitFor(
      'relayed events and dead letters',
      async () => seen.filter((s) => s.topic === TOPIC.campaignEvents).length >= 2 && seen.filter((s) => s.topic === TOPIC.deadLetters).length >= 2,
      30000,
    );
    const bumped = seen.filter((s) => s.topic === TOPIC.campaignEvents);
    expect(bumped.map((b) => b.value.type)).toEqual(['Bumped', 'Bumped']);
    expect(bumped[0].value.metadata.causationId).toBe(twice.metadata.messageId);
    const dead = seen.filter((s) => s.topic === TOPIC.deadLetters);
    expect(dead.map((d) => [d.headers['x-error-kind'], d.headers['x-error']])).toEqual(
      expect.arrayContaining([
        ['bug', 'boom'],
        ['poison', expect.stringContaining('not a Clarion message envelope')],
      ]),
    );
    expect(dead.every((d) => d.headers['x-original-topic'] === TOPIC.campaignCommands && d.headers['x-consumer-group'] === 'platform-test')).toBe(true);
    expect(dead.every((d) => /^\d+$/.test(d.headers['x-original-offset']) && d.headers['x-failed-at'])).toBe(true);
    const [{ n }] = await svc.platform.query('SELECT count(*)::int AS n FROM outbox');
    expect(n).toBe(0); // everything committed was relayed
  });

  it('retries infrastructure errors and concurrency conflicts for as long as they last, never dead-lettering them', async () => {
    const deadBefore = seen.filter((s) => s.topic === TOPIC.deadLetters).length;
    const producer = ns.kafka.producer();
    await producer.connect();
    // 12 failures take longer than the old 8-attempt limit; the message must still apply, once.
    await producer.send({
      topic: ns.prefix + TOPIC.campaignCommands,
      messages: [
        { key: 'flaky', value: JSON.stringify(message('Flaky', { name: 'outage', failures: 12, error: 'retriable' })) },
        { key: 'flaky', value: JSON.stringify(message('Flaky', { name: 'conflict', failures: 4, error: 'conflict' })) },
      ],
    });
    await producer.disconnect();
    const degraded = await waitFor(
      'the service to report itself degraded while it retries',
      async () => {
        const r = await fetch(`${svc.healthUrl}/ready`);
        return r.status === 503 ? r.json() : null;
      },
      30000,
      50,
    );
    expect(JSON.stringify(degraded)).toContain('retrying Flaky');
    await waitFor(
      'both flaky messages to apply',
      async () => {
        const rows = await svc.platform.query('SELECT name, n FROM counters WHERE name IN ($1, $2) ORDER BY name', ['conflict', 'outage']);
        return rows.length === 2 ? rows : null;
      },
      90000,
    );
    const rows = await svc.platform.query('SELECT name, n FROM counters WHERE name IN ($1, $2) ORDER BY name', ['conflict', 'outage']);
    expect(rows).toEqual([
      { name: 'conflict', n: 1 },
      { name: 'outage', n: 1 },
    ]);
    expect(attempts.get('outage')).toBe(13);
    expect(seen.filter((s) => s.topic === TOPIC.deadLetters).length).toBe(deadBefore);
    await waitFor('readiness to recover', async () => (await fetch(`${svc.healthUrl}/ready`)).status === 200, 10000, 50);
    expect((await fetch(`${svc.healthUrl}/health`)).status).toBe(200);
  });

  it('dead-letters a message of a schema version this build cannot read', async () => {
    const producer = ns.kafka.producer();
    await producer.connect();
    const future = message('Bump', { name: 'from-the-future' }, { schemaVersion: 2 });
    await producer.send({ topic: ns.prefix + TOPIC.campaignCommands, messages: [{ key: 'v2', value: JSON.stringify(future) }] });
    await producer.disconnect();
    const dead = await waitFor('the dead letter', async () => seen.find((s) => s.topic === TOPIC.deadLetters && s.value?.metadata?.messageId === future.metadata.messageId), 30000);
    expect(dead.headers['x-error-kind']).toBe('poison');
    expect(dead.headers['x-error']).toContain('schema version 2');
    const [row] = await svc.platform.query('SELECT n FROM counters WHERE name = $1', ['from-the-future']);
    expect(row).toBeUndefined();
  });

  it('relays batches bounded by bytes, and sets aside a record too large for any topic while the rest flows', async () => {
    const producer = ns.kafka.producer();
    await producer.connect();
    const send = (m: Message) => producer.send({ topic: ns.prefix + TOPIC.campaignCommands, messages: [{ key: 'sized', value: JSON.stringify(m) }] });
    // 300 records of 10 KB under one key: 3 MB, three times what one record batch may hold.
    await send(message('Publish', { name: 'many', bytes: 10_000, count: 300 }));
    await send(message('Publish', { name: 'huge', bytes: 2_000_000, count: 1 }));
    await send(message('Publish', { name: 'after', bytes: 100, count: 1 }));
    await producer.disconnect();
    await waitFor(
      'every record of the batch and the one after the huge one',
      async () => {
        const sized = seen.filter((s) => s.topic === TOPIC.campaignEvents && s.value?.type === 'Sized');
        return sized.filter((s) => s.value.data.name === 'many').length === 300 && sized.some((s) => s.value.data.name === 'after');
      },
      60000,
    );
    const many = seen.filter((s) => s.topic === TOPIC.campaignEvents && s.value?.type === 'Sized' && s.value.data.name === 'many').map((s) => s.value.data.i);
    expect(many).toEqual(Array.from({ length: 300 }, (_, i) => i)); // in order, once each
    expect(seen.some((s) => s.topic === TOPIC.campaignEvents && s.value?.type === 'Sized' && s.value.data.name === 'huge')).toBe(false);
    // The rejection commits with the relay round that may already have sent 'after'.
    const rejected = await waitFor('the rejected row', async () => (await svc.platform.query('SELECT topic, key, error FROM outbox_rejected'))[0], 10000);
    expect(rejected).toMatchObject({ topic: TOPIC.campaignEvents, key: 'huge' });
    expect(rejected.error).toContain('max.message.bytes');
    const report = await waitFor('the dead letter about it', async () => seen.find((s) => s.topic === TOPIC.deadLetters && s.headers['x-consumer-group'] === 'outbox'), 10000);
    expect(report.headers['x-error-kind']).toBe('bug');
    expect(report.value).toMatchObject({ topic: TOPIC.campaignEvents, key: 'huge', type: 'Sized' });
  });
});
