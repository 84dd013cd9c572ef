/**
 * The campaign watchdog against the real broker and database, with campaign-svc alone: a batch
 * whose filtering is never answered is asked for again (new message ids), and past the retries the
 * campaign fails with 495; a late answer arriving next to a re-requested one counts once.
 */
import { randomBytes } from 'node:crypto';
import { TOPIC, message, newSid, type CampaignDefinition } from '@clarion/contracts';
import type { RunningService } from '@clarion/platform';
import { freshNamespace, waitFor } from '../../../../test/support/stack';
import { startCampaignService } from '../main';

describe('campaign watchdog', () => {
  let svc: RunningService;
  let ns: Awaited<ReturnType<typeof freshNamespace>>;
  const seen: { topic: string; value: any }[] = [];
  let stopWatching: () => Promise<void>;

  beforeAll(async () => {
    ns = await freshNamespace();
    // The service reads its own settings from the process environment, as in its own process.
    Object.assign(process.env, { CAMPAIGN_WATCHDOG_INTERVAL_MS: '300', CAMPAIGN_STEP_TIMEOUT_MS: '1500', CAMPAIGN_STEP_RETRIES_MAX: '2' });
    svc = await startCampaignService({ env: { ...process.env, DATABASE_URL: ns.databaseUrl, KAFKA_TOPIC_PREFIX: ns.prefix } });
    const consumer = ns.kafka.consumer({ groupId: `${ns.prefix}watch-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC.dndCommands, TOPIC.creditCommands, TOPIC.campaignStatus].map((t) => ns.prefix + t), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, message: m }) => void seen.push({ topic: topic.slice(ns.prefix.length), value: JSON.parse(m.value!.toString()) }) });
    stopWatching = () => consumer.disconnect();
  });
  afterAll(async () => {
    await stopWatching?.();
    await svc?.close();
  });

  async function newCampaign(numbers: string[][]): Promise<string> {
    const campaignSid = newSid('campaign');
    const def: CampaignDefinition = {
      campaignSid,
      enterpriseSid: newSid('enterprise'),
      accountSid: newSid('account'),
      accountEmail: 'a@b.c',
      name: 'watched',
      channel: 'sms',
      body: 'hi',
      creditsPerRecipient: 1,
      fromNumbers: [],
      fromPrefix: '1',
      startTime: null,
      optOut: null,
      optIn: null,
    };
    const producer = ns.kafka.producer();
    await producer.connect();
    const commands = [
      message('CreateCampaign', { ...def, requestedAt: new Date().toISOString() }),
      ...numbers.map((batch, batchNo) => message('AddRecipients', { campaignSid, batchNo, numbers: batch })),
      message('SealRecipients', { campaignSid, batchCount: numbers.length, invalidCount: 0, lineCount: numbers.flat().length }),
    ];
    await producer.send({ topic: ns.prefix + TOPIC.campaignCommands, messages: commands.map((m) => ({ key: campaignSid, value: JSON.stringify(m) })) });
    await producer.disconnect();
    return campaignSid;
  }

  const filterRequests = (sid: string) => seen.filter((s) => s.topic === TOPIC.dndCommands && s.value.data.campaignSid === sid).map((s) => s.value);

  it('asks again for an unanswered filtering, then fails the campaign with 495', async () => {
    const sid = await newCampaign([['+14155550001', '+14155550002'], ['+14155550003']]);
    const failed = await waitFor('the campaign to fail', async () => seen.find((s) => s.topic === TOPIC.campaignStatus && s.value.campaignSid === sid && s.value.status === 'failed'), 60_000);
    expect(failed.value).toMatchObject({ failureCode: 495, previousStatus: 'initiating' });
    expect(failed.value.failureMessage).toContain('recipient filtering');
    const requests = filterRequests(sid);
    // The first request of each batch, then two re-requests of both: each with a message id of its own.
    expect(requests.map((r) => r.data.batchNo).sort()).toEqual([0, 0, 0, 1, 1, 1]);
    expect(new Set(requests.map((r) => r.metadata.messageId)).size).toBe(6);
    expect(requests.filter((r) => r.data.batchNo === 0).every((r) => JSON.stringify(r.data.numbers) === JSON.stringify(['+14155550001', '+14155550002']))).toBe(true);
  });

  it('counts a batch once when its late answer and the re-requested one both arrive', async () => {
    const sid = await newCampaign([['+14155550011', '+14155550012']]);
    await waitFor('a re-requested filtering', async () => filterRequests(sid).length >= 2, 30_000);
    const producer = ns.kafka.producer();
    await producer.connect();
    const answer = () => message('RecipientsFiltered', { campaignSid: sid, enterpriseSid: 'EN', batchNo: 0, accepted: ['+14155550011', '+14155550012'], optedOut: [] });
    await producer.send({ topic: ns.prefix + TOPIC.dndEvents, messages: [answer(), answer()].map((m) => ({ key: sid, value: JSON.stringify(m) })) });
    await producer.disconnect();
    const reserve = await waitFor('the reservation', async () => seen.find((s) => s.topic === TOPIC.creditCommands && s.value.data.holdId === sid), 30_000);
    expect(reserve.value.data.amount).toBe(2); // two recipients, counted once
    expect(Date.parse(reserve.value.data.expiresAt)).toBeGreaterThan(Date.now());
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen.filter((s) => s.topic === TOPIC.creditCommands && s.value.data.holdId === sid && s.value.type === 'ReserveCredits').length).toBeGreaterThanOrEqual(1);
    const [row] = await svc.platform.query('SELECT view FROM campaigns WHERE sid = $1', [sid]);
    expect(row.view.recipients).toMatchObject({ unique: 2, accepted: 2 });
  });
});
