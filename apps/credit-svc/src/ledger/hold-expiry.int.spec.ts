/**
 * The hold expiry watchdog against the real broker and database: a hold neither committed nor
 * released by its deadline is released (reason "expired"), and a hold committed in time is not.
 */
import { randomBytes } from 'node:crypto';
import { TOPIC, message, newSid } from '@clarion/contracts';
import type { RunningService } from '@clarion/platform';
import { freshNamespace, waitFor } from '../../../../test/support/stack';
import { startCreditService } from '../main';

describe('hold expiry', () => {
  let svc: RunningService;
  let ns: Awaited<ReturnType<typeof freshNamespace>>;
  const events: { type: string; data: any }[] = [];
  let stopWatching: () => Promise<void>;

  beforeAll(async () => {
    ns = await freshNamespace();
    // The service's own settings are read from the process environment, as in its own process.
    process.env.CREDIT_HOLD_EXPIRY_CHECK_MS = '300';
    svc = await startCreditService({ env: { ...process.env, DATABASE_URL: ns.databaseUrl, KAFKA_TOPIC_PREFIX: ns.prefix } });
    const consumer = ns.kafka.consumer({ groupId: `${ns.prefix}watch-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [ns.prefix + TOPIC.creditEvents], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message: m }) => void events.push(JSON.parse(m.value!.toString())) });
    stopWatching = () => consumer.disconnect();
  });
  afterAll(async () => {
    await stopWatching?.();
    await svc?.close();
  });

  it('releases a hold still pending past its deadline, and leaves a committed one alone', async () => {
    const enterpriseSid = newSid('enterprise');
    const [late, onTime] = [newSid('campaign'), newSid('campaign')];
    const producer = ns.kafka.producer();
    await producer.connect();
    const send = (type: string, data: unknown) => producer.send({ topic: ns.prefix + TOPIC.creditCommands, messages: [{ key: enterpriseSid, value: JSON.stringify(message(type, data)) }] });
    await send('AddCredit', { entrySid: newSid('creditEntry'), enterpriseSid, credit: 1000, description: null, accountSid: null, accountEmail: null });
    const soon = new Date(Date.now() + 1500).toISOString();
    await send('ReserveCredits', { holdId: late, enterpriseSid, amount: 300, expiresAt: soon });
    await send('ReserveCredits', { holdId: onTime, enterpriseSid, amount: 200, expiresAt: soon });
    await send('CommitCredits', { holdId: onTime, enterpriseSid, amount: 150 });
    await producer.disconnect();

    const released = await waitFor('the late hold to expire', async () => events.find((e) => e.type === 'CreditsReleased' && e.data.holdId === late), 30_000);
    expect(released.data).toMatchObject({ amount: 300, reason: 'expired' });
    await new Promise((r) => setTimeout(r, 1000)); // a few more watchdog ticks
    expect(events.filter((e) => e.type === 'CreditsReleased' && e.data.holdId === late)).toHaveLength(1);
    expect(events.some((e) => e.type === 'CreditsReleased' && e.data.holdId === onTime)).toBe(false);
    const [account] = await svc.platform.query('SELECT credited, reserved, used FROM accounts WHERE enterprise_sid = $1', [enterpriseSid]);
    expect(account).toEqual({ credited: '1000', reserved: '0', used: '150' });
  });
});
