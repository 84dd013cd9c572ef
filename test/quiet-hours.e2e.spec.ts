/**
 * Recipient-local quiet hours on the real stack, with dispatch-svc's clock started shortly before
 * 08:00 in London (DISPATCH_CLOCK_START): Sydney recipients, inside their window, go at once;
 * London ones only once 08:00 comes there; New York ones (03:00 local) are held; a campaign with
 * ignoreQuietHours=true sends to all at once. Also the settings endpoints' answers.
 */
import { api, campaignForm, provisionTenant, startStack, waitFor, waitForStatus, type Stack, type Tenant } from './support/stack';
import { testNumbers } from './support/numbers';

/** December: London is UTC, New York UTC-5, Sydney UTC+11. A minute before London's opening leaves time for the stack to start and the campaign to be made. */
const CLOCK_START = Date.parse('2026-12-15T07:59:00Z');
const LONDON_OPENS = Date.parse('2026-12-15T08:00:00Z');
const NEW_YORK_OPENS = Date.parse('2026-12-15T13:00:00Z');
/** Clock skew between this process and dispatch-svc's start, allowed on the early side only. */
const SKEW_MS = 1500;

const london = Array.from({ length: 3 }, (_, i) => `+44207946${String(i + 1).padStart(4, '0')}`); // Ofcom's drama range
const sydney = Array.from({ length: 3 }, (_, i) => `+6129876${String(5401 + i)}`);
const newYork = testNumbers(3, 0, 700); // +1 212 …

describe('recipient-local quiet hours', () => {
  let stack: Stack;
  let t: Tenant;
  let startedBefore: number;
  let startedAfter: number;

  beforeAll(async () => {
    startedBefore = Date.now();
    stack = await startStack({ env: { DISPATCH_CLOCK_START: new Date(CLOCK_START).toISOString() } });
    startedAfter = Date.now();
    t = await provisionTenant(stack.url, 1000);
  });
  afterAll(() => stack?.stop());

  it('GET answers the default until PUT sets one; 4000 for a missing value, 4001 for an invalid one', async () => {
    const before = await api(stack.url, 'GET', '/campaignmanager/settings/quiet-hours', { auth: t.auth });
    expect(before).toEqual({ status: 200, body: { code: 200, message: 'OK', data: { start: '08:00', end: '21:00', countries: {}, isDefault: true, dateUpdated: null } } });
    const put = await api(stack.url, 'PUT', '/campaignmanager/settings/quiet-hours', { auth: t.auth, json: { start: '08:00', end: '21:00', countries: { AU: { start: '07:00', end: '22:00' } } } });
    expect(put.status).toBe(200);
    expect(put.body.data).toMatchObject({ start: '08:00', end: '21:00', countries: { AU: { start: '07:00', end: '22:00' } }, isDefault: false });
    const after = await api(stack.url, 'GET', '/campaignmanager/settings/quiet-hours', { auth: t.auth });
    expect(after.body.data).toEqual(put.body.data);
    const missing = await api(stack.url, 'PUT', '/campaignmanager/settings/quiet-hours', { auth: t.auth, json: { start: '08:00' } });
    expect(missing.status).toBe(409);
    expect(missing.body).toMatchObject({ code: 4000, errorCode: '4000' });
    for (const bad of [
      { start: '8am', end: '21:00' },
      { start: '08:00', end: '08:00' },
      { start: '08:00', end: '21:00', countries: { gb: { start: '09:00', end: '17:00' } } },
    ]) {
      const r = await api(stack.url, 'PUT', '/campaignmanager/settings/quiet-hours', { auth: t.auth, json: bad });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 4001, errorCode: '4001' });
    }
    // Back to one window everywhere for the campaigns below.
    expect((await api(stack.url, 'PUT', '/campaignmanager/settings/quiet-hours', { auth: t.auth, json: { start: '08:00', end: '21:00' } })).status).toBe(200);
    const refused = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: t.auth, form: campaignForm({ name: 'q', body: 'hi', fromPrefix: '44', ignoreQuietHours: 'maybe' }, london) });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(4001);
  });

  it('sends inside ones at once, London ones from its 08:00, holds New York ones; ignoreQuietHours sends all at once', async () => {
    const to = [...sydney, ...london, ...newYork];
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: t.auth, form: campaignForm({ name: 'quiet', body: 'Good morning', fromPrefix: '44' }, to) });
    expect(created.status).toBe(201);
    expect(created.body.data.ignoreQuietHours).toBe(false);
    const sid = created.body.data.sid;
    const submitsTo = (numbers: string[], text: string) => stack.smsc.submits().filter((s) => s.text === text && numbers.includes(s.to));
    // The test clock at a submit, bounded from both sides: dispatch-svc started within the stack's start.
    const clockLow = (receivedAt: number) => CLOCK_START + (receivedAt - startedAfter);
    const clockHigh = (receivedAt: number) => CLOCK_START + (receivedAt - startedBefore);

    await waitFor('the Sydney sends', async () => submitsTo(sydney, 'Good morning').length === sydney.length, 30_000);
    for (const s of submitsTo(sydney, 'Good morning')) expect(clockHigh(s.receivedAt)).toBeLessThan(LONDON_OPENS);
    expect(submitsTo(london, 'Good morning')).toEqual([]);

    await waitFor('the London sends', async () => submitsTo(london, 'Good morning').length === london.length, 120_000);
    for (const s of submitsTo(london, 'Good morning')) {
      expect(clockHigh(s.receivedAt)).toBeGreaterThanOrEqual(LONDON_OPENS - SKEW_MS);
      expect(clockLow(s.receivedAt)).toBeLessThan(LONDON_OPENS + 15_000);
    }
    // New York stays at 03:00-something local: held, and the campaign is not done while it is.
    await new Promise((r) => setTimeout(r, 3000));
    expect(submitsTo(newYork, 'Good morning')).toEqual([]);
    const nyOpening = new Date(NEW_YORK_OPENS).toISOString();
    const view = await waitFor(
      'the deferred New York sends on the view',
      async () => {
        const v = await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${sid}`, { auth: t.auth });
        return v.body.data.deferred?.count === newYork.length && v;
      },
      15_000,
    );
    expect(view.body.data.deferred).toEqual({ count: newYork.length, until: nyOpening, latest: nyOpening });
    expect(view.body.data.status).toBe('in-progress');
    expect(view.body.data.ignoreQuietHours).toBe(false);
    expect(NEW_YORK_OPENS - clockLow(Date.now())).toBeGreaterThan(3_600_000);

    const loud = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: t.auth,
      form: campaignForm({ name: 'loud', body: 'Any hour', fromPrefix: '44', ignoreQuietHours: 'true' }, newYork),
    });
    expect(loud.status).toBe(201);
    expect(loud.body.data.ignoreQuietHours).toBe(true);
    await waitForStatus(stack, t, loud.body.data.sid, 'completed', 60_000);
    expect(submitsTo(newYork, 'Any hour')).toHaveLength(newYork.length);
    const loudView = await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${loud.body.data.sid}`, { auth: t.auth });
    expect(loudView.body.data.ignoreQuietHours).toBe(true);
  }, 240_000);
});
