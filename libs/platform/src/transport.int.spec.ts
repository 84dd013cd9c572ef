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
import { PlatformModule, startService, type MessageContext, type RunningService } from '@clarion/platform';
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

@Module({ controllers: [Handlers] })
class TestModule {}

describe('Kafka transport with inbox, outbox and dead letters', () => {
  let svc: RunningService;
  let ns: Awaited<ReturnType<typeof freshNamespace>>;
  const seen: { topic: string; value: any; headers: Record<string, string> }[] = [];
  let stopWatching: () => Promise<void>;

  beforeAll(async () => {
    ns = await freshNamespace();
    process.env.CLARION_TRANSPORT_MAX_ATTEMPTS = '3';
    svc = await startService(
      { name: 'platform-test', schema: 'platform_test', migrations: [Counters], module: (p) => ({ module: TestModule, imports: [PlatformModule.forRoot(p)] }), commandTopics: [TOPIC.campaignCommands] },
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

    await waitFor('the bump after the poison message', async () => {
      const [row] = await svc.platform.query('SELECT n FROM counters WHERE name = $1', ['a']);
      return row?.n === 2;
    }, 60000);
    const [poison] = await svc.platform.query('SELECT n FROM counters WHERE name = $1', ['poison']);
    expect(poison).toBeUndefined();

    await waitFor('relayed events and dead letters', async () => seen.filter((s) => s.topic === TOPIC.campaignEvents).length >= 2 && seen.filter((s) => s.topic === TOPIC.deadLetters).length >= 2, 30000);
    const bumped = seen.filter((s) => s.topic === TOPIC.campaignEvents);
    expect(bumped.map((b) => b.value.type)).toEqual(['Bumped', 'Bumped']);
    expect(bumped[0].value.metadata.causationId).toBe(twice.metadata.messageId);
    const dead = seen.filter((s) => s.topic === TOPIC.deadLetters);
    expect(dead.map((d) => d.headers['x-error'])).toEqual(expect.arrayContaining(['boom', 'not a Clarion message envelope']));
    expect(dead.every((d) => d.headers['x-original-topic'] === TOPIC.campaignCommands)).toBe(true);
    const [{ n }] = await svc.platform.query('SELECT count(*)::int AS n FROM outbox');
    expect(n).toBe(0); // everything committed was relayed
  });
});
