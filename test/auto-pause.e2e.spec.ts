/**
 * Auto-pause (issue 8): a carrier that refuses 30% of submits pauses the campaign once the failures
 * among its last N answers cross the threshold; nothing more is claimed; the carrier is repaired and
 * a resume finishes the campaign with exact credits. Also a STOP-rate pause from ConsentChanged
 * replies, cancel from paused, and 487 for a resume of a campaign that is not paused.
 */
import { wireValue } from '@clarion/platform';
import { TOPIC, message, type ConsentChanged } from '@clarion/contracts';
import { api, campaignForm, campaignStatus, provisionTenant, startStack, waitFor, waitForStatus, watchStatusTopic, type Stack, type Tenant } from './support/stack';
import { testNumbers } from './support/numbers';

const WINDOW = 50;
const COUNT = 600;
/** Every submit the simulator answered, accepted or refused. */
const submitted = (stack: Stack) => stack.smsc.submits().length + stack.smsc.failedSubmits();

describe('auto-pause on spikes', () => {
  let stack: Stack;
  let status: Awaited<ReturnType<typeof watchStatusTopic>>;

  beforeAll(async () => {
    stack = await startStack({
      // Small claims at a modest pace, so a pause lands mid-campaign with little in flight.
      env: {
        DISPATCH_PAUSE_WINDOW: String(WINDOW),
        DISPATCH_PAUSE_FAILURE_RATE: '0.2',
        DISPATCH_PAUSE_STOP_RATE: '0.1',
        DISPATCH_RATE_PER_SECOND_MAX: '60',
        DISPATCH_CLAIM_BATCH_SIZE: '10',
        DISPATCH_BATCHES_IN_FLIGHT: '1',
      },
      smsc: { failSubmitRatio: 0.3 },
    });
    status = await watchStatusTopic(stack.kafka, stack.prefix);
  });
  afterAll(async () => {
    await status?.stop();
    await stack?.stop();
  });

  async function create(tenant: Tenant, name: string, numbers: string[]): Promise<string> {
    const r = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name, body: 'Flash sale today', fromPrefix: '1' }, numbers) });
    expect(r.status).toBe(201);
    return r.body.data.sid;
  }
  const put = (tenant: Tenant, sid: string, s: string) => api(stack.url, 'PUT', `/campaignmanager/campaigns/${sid}`, { auth: tenant.auth, json: { status: s } });
  const balance = (tenant: Tenant) =>
    waitFor(
      'credits to be settled',
      async () => {
        const b = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
        return b.body?.data?.reserved === 0 ? b.body.data : null;
      },
      60_000,
    );

  /** Waits for the pause and checks that it stops the sending: a few answers in flight at most, then none. */
  async function pausedAndQuiet(tenant: Tenant, sid: string): Promise<any> {
    const paused = await waitForStatus(stack, tenant, sid, 'paused', 60_000);
    await new Promise((r) => setTimeout(r, 1000)); // the claims in flight at the pause are answered
    const settled = submitted(stack);
    await new Promise((r) => setTimeout(r, 3000));
    expect(submitted(stack)).toBe(settled);
    return paused;
  }

  it('pauses at the failure threshold, stops sending, and a resume after the repair finishes with exact credits', async () => {
    const tenant = await provisionTenant(stack.url, COUNT + 100);
    const numbers = testNumbers(COUNT, 5, 0);
    const sid = await create(tenant, 'spiky carrier', numbers);
    const paused = await pausedAndQuiet(tenant, sid);
    expect(paused.pauseReason).toMatch(/^failure-rate: \d+ of the last 50 submits failed$/);
    const sentAtPause = submitted(stack);
    // Paused well before the end: the threshold, not the list, stopped it.
    expect(sentAtPause).toBeLessThan(COUNT / 2);
    const record = await waitFor('the paused record on campaign.status.v1', async () => status.records.find((r) => r.key === sid && r.value.status === 'paused'));
    expect(record.value).toMatchObject({ type: 'CampaignStatusChanged', previousStatus: 'in-progress', pauseReason: paused.pauseReason });

    // Only a paused campaign resumes: resuming twice answers 487 the second time.
    stack.smsc.setFailSubmitRatio(0);
    const resumed = await put(tenant, sid, 'in-progress');
    expect([resumed.status, resumed.body.data?.status]).toEqual([200, 'in-progress']);
    expect(resumed.body.data.pauseReason).toBeUndefined();
    const again = await put(tenant, sid, 'in-progress');
    expect([again.status, again.body.code]).toEqual([409, 487]);

    const done = await waitForStatus(stack, tenant, sid, 'completed', 120_000);
    const failed = stack.smsc.failedSubmits();
    expect(done.counts.failed).toBe(failed);
    expect(done.counts.queued).toBe(0);
    const final = Object.entries(done.counts as Record<string, number>).reduce((sum, [k, n]) => (k === 'queued' ? sum : sum + n), 0);
    expect(final).toBe(COUNT); // each recipient in a final state
    // Refused submits are not charged (CHARGED_STATES): the campaign costs what the carrier took.
    expect(done.total).toBe(COUNT - failed);
    expect(await balance(tenant)).toMatchObject({ available: 100 + failed, reserved: 0, used: COUNT - failed });
    // Once resumed it was not paused again by the window of before the pause.
    expect(status.records.filter((r) => r.key === sid && r.value.status === 'paused')).toHaveLength(1);
    console.log(`[figures] auto-pause: paused after ${sentAtPause} submits (${failed} refused in all); resumed and completed`);
  }, 240_000);

  it('pauses on STOP replies attributed to the campaign', async () => {
    stack.smsc.setFailSubmitRatio(0);
    const tenant = await provisionTenant(stack.url, COUNT);
    const numbers = testNumbers(COUNT, 5, 10_000);
    const sid = await create(tenant, 'stop spike', numbers);
    await waitForStatus(stack, tenant, sid, 'in-progress', 60_000);
    const producer = stack.kafka.producer();
    await producer.connect();
    const stops = numbers.slice(0, (WINDOW * 0.1) | 0).map((phoneNumber) => {
      const data: ConsentChanged['data'] = {
        enterpriseSid: tenant.enterpriseSid,
        phoneNumber,
        consent: 'opted-out',
        optInList: null,
        source: 'reply',
        campaignSid: sid,
        uploadId: null,
        text: 'STOP',
        at: new Date().toISOString(),
      };
      return { key: tenant.enterpriseSid, value: wireValue(TOPIC.consentChanges, message('ConsentChanged', data)) };
    });
    await producer.send({ topic: stack.prefix + TOPIC.consentChanges, messages: stops });
    await producer.disconnect();
    const paused = await pausedAndQuiet(tenant, sid);
    expect(paused.pauseReason).toBe(`stop-rate: ${stops.length} STOP replies to the last ${WINDOW} messages sent`);
    // The pause is the campaign's status in the database: a dispatch-svc restart keeps it paused and quiet.
    const quiet = submitted(stack);
    await stack.kill('dispatch-svc');
    await stack.waitForRestart('dispatch-svc');
    await new Promise((r) => setTimeout(r, 3000));
    expect(submitted(stack)).toBe(quiet);
    expect((await campaignStatus(stack, tenant, sid)).status).toBe('paused');
  }, 120_000);

  it('cancels a paused campaign: the unsent expire uncharged and the rest of the hold comes back', async () => {
    stack.smsc.setFailSubmitRatio(0.3);
    const tenant = await provisionTenant(stack.url, COUNT);
    const numbers = testNumbers(COUNT, 5, 20_000);
    const before = { accepted: stack.smsc.submits().length };
    const sid = await create(tenant, 'cancelled while paused', numbers);
    await pausedAndQuiet(tenant, sid);
    const accepted = stack.smsc.submits().length - before.accepted;
    const r = await put(tenant, sid, 'cancelled');
    expect([r.status, r.body.data?.status]).toEqual([200, 'cancelled']);
    const cancelled = await waitFor('the cancelled campaign to be settled', async () => {
      const c = await campaignStatus(stack, tenant, sid);
      return c?.status === 'cancelled' && c.total > 0 ? c : null;
    });
    expect(cancelled.total).toBe(accepted);
    expect(await balance(tenant)).toMatchObject({ available: COUNT - accepted, reserved: 0, used: accepted });
    // Nothing more went out after the cancel.
    expect(stack.smsc.submits().length - before.accepted).toBe(accepted);
    // A cancelled campaign neither resumes nor cancels again.
    expect((await put(tenant, sid, 'in-progress')).body.code).toBe(487);
  }, 120_000);
});
