/**
 * Carrier trouble is visible and survivable: while dispatch cannot reach the SMSC a running
 * campaign's data says so (state and since when); once the SMSC
 * answers again the campaign goes on and completes, every recipient messaged exactly once.
 */
import { api, campaignForm, campaignStatus, provisionTenant, startStack, waitFor, waitForStatus, type Stack } from './support/stack';
import { testNumbers } from './support/numbers';

const COUNT = 1500;
const numbers = testNumbers(COUNT, 4);

describe('carrier trouble during a campaign', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A rate cap makes the campaign last long enough to cut the carrier off in the middle of it.
    stack = await startStack({ smppProxy: true, env: { DISPATCH_RATE_PER_SECOND_MAX: '150' } });
  });
  afterAll(() => stack?.stop());

  it('shows the carrier unreachable, and since when, while it is; then completes sending each message once', async () => {
    const tenant = await provisionTenant(stack.url, COUNT);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name: 'carrier cut', body: 'Hello', fromPrefix: '1' }, numbers) });
    expect(created.status).toBe(201);
    const sid = created.body.data.sid;
    await waitForStatus(stack, tenant, sid, 'in-progress');
    await waitFor('some submits', async () => stack.smsc.submits().length >= 200);
    const connected = await waitFor('the carrier reported connected', async () => {
      const c = await campaignStatus(stack, tenant, sid);
      return c.carrier?.state === 'connected' ? c : null;
    });
    expect(connected.carrier).toMatchObject({ name: 'smpp', since: expect.any(String) });

    // The SMSC goes away: connections cut, new ones refused for 12 s.
    const cutAt = Date.now();
    const outage = stack.smppProxy!.outage(12_000);
    const shown = await waitFor(
      'the campaign shows the carrier unreachable',
      async () => {
        const c = await campaignStatus(stack, tenant, sid);
        return c.carrier?.state === 'unreachable' ? c : null;
      },
      10_000,
    );
    expect(shown.status).toBe('in-progress');
    expect(Date.parse(shown.carrier.since)).toBeGreaterThanOrEqual(cutAt - 1000);
    expect(shown.carrier.detail).toEqual(expect.any(String));
    const sentDuringOutage = stack.smsc.submits().length;
    await outage;
    // While it was unreachable nothing could be sent; now it goes on to the end.
    const done = await waitForStatus(stack, tenant, sid, 'completed', 120_000);
    expect(done.carrier).toBeUndefined();
    const counts = stack.smsc.countByNumber();
    expect(numbers.filter((n) => counts.get(n) !== 1)).toEqual([]);
    expect(stack.smsc.submits().length).toBeGreaterThan(sentDuringOutage);
    const balance = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
    expect(balance.body.data).toMatchObject({ used: COUNT, reserved: 0 });
  });
});
