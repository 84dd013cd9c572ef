/**
 * Crash safety: SIGKILL a service in the middle of a 20,000-recipient campaign, restart it, and
 * the campaign still completes with every number sent exactly once and credits exact.
 */
import { api, campaignForm, provisionTenant, startStack, waitFor, waitForStatus, type Stack } from './support/stack';
import { testNumbers } from './support/numbers';

const COUNT = 20_000;
const numbersFrom = (base: number) => testNumbers(COUNT, 2, base);

describe('crash safety', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());

  async function runCampaign(base: number, crash: (sid: string) => Promise<void>): Promise<{ sessions: Set<number> }> {
    const tenant = await provisionTenant(stack.url, COUNT + 500);
    const numbers = numbersFrom(base);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: tenant.auth,
      form: campaignForm({ name: `crash ${base}`, body: 'Flash sale today', fromPrefix: '1' }, numbers),
    });
    expect(created.status).toBe(201);
    const sid = created.body.data.sid;
    await crash(sid);
    const done = await waitForStatus(stack, tenant, sid, 'completed', 240_000);

    const wanted = new Set(numbers);
    const mine = stack.smsc.submits().filter((s) => wanted.has(s.to));
    const perNumber = new Map<string, number>();
    for (const s of mine) perNumber.set(s.to, (perNumber.get(s.to) ?? 0) + 1);
    const twice = [...perNumber.entries()].filter(([, n]) => n > 1);
    expect(twice).toEqual([]); // nobody got two messages
    expect(perNumber.size).toBe(COUNT); // nobody was skipped
    expect(done.total).toBe(COUNT);
    const balance = await waitFor(
      'credits to be committed',
      async () => {
        const b = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
        return b.body.data.reserved === 0 ? b.body.data : null;
      },
      30_000,
    );
    expect(balance).toMatchObject({ available: 500, reserved: 0, used: COUNT });
    const times = mine.map((s) => s.receivedAt).sort((a, b) => a - b);
    const seconds = (times[times.length - 1] - times[0]) / 1000;
    console.log(`[figures] ${COUNT} recipients submitted in ${seconds.toFixed(1)} s (${Math.round(COUNT / seconds)} msg/s)`);
    return { sessions: new Set(mine.map((s) => s.session)) };
  }

  it('survives SIGKILL of dispatch-svc mid-campaign', async () => {
    await runCampaign(0, async () => {
      await waitFor('a quarter of the campaign to be sent', async () => stack.smsc.submits().length >= COUNT / 4, 180_000, 20);
      await stack.kill('dispatch-svc', 'SIGKILL');
      const atKill = stack.smsc.submits().length;
      expect(atKill).toBeLessThan(COUNT); // the kill really happened mid-campaign
      await stack.waitForRestart('dispatch-svc'); // the supervisor starts it again, as npm start does
    });
  });

  it('survives SIGKILL of campaign-svc while it records the recipients', async () => {
    const before = stack.smsc.submits().length;
    await runCampaign(100_000, async () => {
      await stack.kill('campaign-svc', 'SIGKILL');
      expect(stack.smsc.submits().length).toBe(before); // nothing of this campaign was sent yet
      await stack.waitForRestart('campaign-svc');
    });
  });

  it('shares a campaign between two dispatch-svc instances without sending anything twice', async () => {
    await stack.start('dispatch-svc', 1);
    await stack.start('campaign-svc', 1);
    const { sessions } = await runCampaign(200_000, async () => undefined);
    expect(sessions.size).toBe(2); // both instances sent part of it, through their own binds
  });
});
