/**
 * Opt-outs at send time (issue 8), through the whole stack: numbers that opt out while their
 * campaign runs (ConsentChanged on consent.changes.v1, as dnd-svc publishes them) get no message,
 * end 'opted-out' in the recipients report and the campaign's counts, cost nothing, and the
 * campaign still completes. And a campaign naming an opt-in list counts the numbers not on it
 * (notOptedIn) apart from the opted-out ones.
 */
import { Client } from 'pg';
import { wireValue } from '@clarion/platform';
import { TOPIC, message, type ConsentChange, type ConsentChanged } from '@clarion/contracts';
import { api, campaignForm, numberFile, provisionTenant, startStack, waitFor, waitForStatus, type Stack, type Tenant } from './support/stack';
import { testNumbers } from './support/numbers';

const bare = (e164: string) => e164.slice(1);

describe('opt-outs at send time', () => {
  const CAP = 200;
  let stack: Stack;
  let db: Client;
  beforeAll(async () => {
    stack = await startStack({ env: { DISPATCH_RATE_PER_SECOND_MAX: String(CAP) } });
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  async function publishConsent(enterpriseSid: string, changes: { phoneNumber: string; consent: ConsentChange['consent'] }[]): Promise<void> {
    const producer = stack.kafka.producer();
    await producer.connect();
    try {
      const at = new Date().toISOString();
      await producer.send({
        topic: stack.prefix + TOPIC.consentChanges,
        acks: -1,
        messages: changes.map((c) => {
          const m: ConsentChanged = message('ConsentChanged', { enterpriseSid, optInList: null, source: 'reply', campaignSid: null, uploadId: null, text: 'STOP', at, ...c });
          return { key: enterpriseSid, value: wireValue(TOPIC.consentChanges, m) }; // as the relay writes it
        }),
      });
    } finally {
      await producer.disconnect();
    }
  }

  const optOutsHeld = async (enterpriseSid: string): Promise<string[]> =>
    (await db.query<{ msisdn: string }>('SELECT msisdn FROM dispatch.opt_outs WHERE enterprise_sid = $1', [enterpriseSid])).rows.map((r) => r.msisdn);

  async function report(tenant: Tenant, sid: string, status: string): Promise<{ total: number; numbers: string[] }> {
    const r = await api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/recipients?status=${status}&pageSize=1000`, { auth: tenant.auth });
    expect(r.status).toBe(200);
    return { total: r.body.total, numbers: r.body.data.map((row: { phoneNumber: string }) => row.phoneNumber) };
  }

  it('sends nothing to numbers that opt out mid-campaign; they end opted-out, uncharged, and the campaign completes', async () => {
    const COUNT = 3000;
    const OPTED = 100;
    const tenant = await provisionTenant(stack.url, COUNT + 50);
    const numbers = testNumbers(COUNT, 11);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: tenant.auth,
      form: campaignForm({ name: 'send-time opt-outs', body: 'Weekly news', fromPrefix: '1' }, numbers),
    });
    expect(created.status).toBe(201);
    const sid = created.body.data.sid;
    const wanted = new Set(numbers);
    const mine = () => stack.smsc.submits().filter((s) => wanted.has(s.to));
    await waitFor('the campaign to be sending', async () => mine().length >= 200, 60_000, 20);

    // The last numbers of the campaign are seconds away from their turn at 200 a second; one more
    // opts out and back in again (START), which must leave it on nobody's list.
    const late = numbers.slice(COUNT - OPTED - 1);
    const [restarted, ...optedOut] = late;
    await publishConsent(tenant.enterpriseSid, [...late.map((n) => ({ phoneNumber: n, consent: 'opted-out' as const })), { phoneNumber: restarted, consent: 'opted-in' }]);
    const sentAtOptOut = new Set(mine().map((s) => s.to));
    expect(late.filter((n) => sentAtOptOut.has(n))).toEqual([]); // the test is meaningful: none had their turn yet
    const held = await waitFor('dispatch-svc to hold the opt-outs', async () => ((await optOutsHeld(tenant.enterpriseSid)).length === OPTED ? true : null), 30_000, 50);
    expect(held).toBe(true);
    expect((await optOutsHeld(tenant.enterpriseSid)).sort()).toEqual([...optedOut].sort());
    expect(mine().filter((s) => late.includes(s.to))).toEqual([]); // the list was in place before their turn

    const done = await waitForStatus(stack, tenant, sid, 'completed', 120_000);
    const submits = mine();
    const perNumber = new Map<string, number>();
    for (const s of submits) perNumber.set(s.to, (perNumber.get(s.to) ?? 0) + 1);
    const opted = new Set(optedOut);
    expect(submits.filter((s) => opted.has(s.to)).map((s) => s.to)).toEqual([]); // none of them got a message
    expect([...perNumber.values()].filter((n) => n > 1)).toEqual([]);
    expect(perNumber.size).toBe(COUNT - OPTED); // everyone else did, the one who said START again included
    expect(perNumber.get(restarted)).toBe(1);

    // Charged for what was sent, and counted as opted-out.
    expect(done.total).toBe(COUNT - OPTED);
    const balance = await waitFor('credits to be committed', async () => {
      const b = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
      return b.body.data.reserved === 0 ? b.body.data : null;
    });
    expect(balance).toMatchObject({ used: submits.length, available: 50 + OPTED });
    const counts = await waitFor('the final counts', async () => {
      const v = await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${sid}`, { auth: tenant.auth });
      const c = v.body.data.counts;
      return c && c.queued === 0 && c.sent + c.delivered === COUNT - OPTED ? c : null;
    });
    expect(counts).toMatchObject({ 'opted-out': OPTED, failed: 0, unknown: 0, expired: 0, queued: 0 });
    // The recipients were accepted at creation: the creation's opt-out count is untouched.
    expect((await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${sid}`, { auth: tenant.auth })).body.data.recipients).toMatchObject({ accepted: COUNT, optedOut: 0 });

    // Each of them is opted-out in the per-recipient report (from campaign.deliveries.v1), and only they are.
    const inReport = await waitFor('the report to show the opted-out', async () => {
      const r = await report(tenant, sid, 'opted-out');
      return r.total === OPTED ? r : null;
    });
    expect(inReport.numbers.map((n) => (n.startsWith('+') ? n : `+${n}`)).sort()).toEqual([...optedOut].sort());

    // The claim counted them finished exactly: nothing of the campaign is left over in dispatch.
    const { rows } = await db.query(`SELECT state, count(*)::int AS n FROM dispatch.sends WHERE campaign_sid = $1 GROUP BY state ORDER BY state`, [sid]);
    const states = Object.fromEntries(rows.map((r) => [r.state, r.n]));
    expect(states['opted-out']).toBe(OPTED);
    expect((states.sent ?? 0) + (states.delivered ?? 0)).toBe(COUNT - OPTED);
  });

  it('counts the numbers not on the opt-in list apart from the opted-out ones', async () => {
    const tenant = await provisionTenant(stack.url, 100);
    const members = testNumbers(5, 12);
    const others = testNumbers(3, 12, 100);
    const upload = (list: 'optin' | 'optout', lines: string[], name?: string) => {
      const form = numberFile(lines);
      if (name) form.append('name', name);
      return api(stack.url, 'POST', `/campaignmanager/dnd/${list}`, { auth: tenant.auth, form });
    };
    expect((await upload('optin', members, 'vip')).status).toBe(200);
    // A member who opted out, and a non-member who did: both are opted out, not "not opted in".
    expect((await upload('optout', [members[4], others[2]])).status).toBe(200);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: tenant.auth,
      form: campaignForm({ name: 'VIP only', body: 'VIP news', optIn: 'vip', fromPrefix: '1' }, [...members, ...others].map(bare)),
    });
    expect(created.status).toBe(201);
    const done = await waitForStatus(stack, tenant, created.body.data.sid, 'completed');
    expect(done.recipients).toMatchObject({ accepted: 4, optedOut: 2, notOptedIn: 2 });
    // Neither was sent to: both end opted-out per recipient.
    expect(done.counts).toMatchObject({ 'opted-out': 4 });
    expect(done.total).toBe(4);
  });
});
