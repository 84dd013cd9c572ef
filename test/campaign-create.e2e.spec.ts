/**
 * Create Campaign through REST on the real stack: a JSON body with a `to` list, every refusal with
 * the seed's code and HTTP status, voice campaigns (accepted and recorded; with no voice carrier
 * their calls fail and nothing is charged), opt-in lists and sender ids, and seed 001's own
 * /api/Campaigns routes with their shapes and statuses.
 */
import { randomBytes } from 'node:crypto';
import { testNumbers } from './support/numbers';
import { api, campaignForm, numberFile, provisionTenant, startStack, waitFor, waitForStatus, type Stack, type Tenant } from './support/stack';
import { sendStates } from './support/sms';

const BODY = 'Your parcel is on its way';

describe('create campaign (seed 000) and seed 001 routes', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const balance = async (t: Tenant) => (await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: t.auth })).body.data;
  const post = (t: Tenant, fields: Record<string, string>, to: string[], from?: string[]) =>
    api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: t.auth, form: campaignForm(fields, to, from) });

  it('takes a JSON body with a `to` list of numbers and contacts, and sends it', async () => {
    const tenant = await provisionTenant(stack.url, 100);
    const n = testNumbers(3, 6);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: tenant.auth,
      json: { name: 'JSON list', body: 'Hello {{name}}', fromFile: ['ACME'], to: [n[0], { phoneNumber: n[1], name: 'Ann' }, n[2], 'nonsense'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.code).toBe(200);
    expect(created.body.data).toMatchObject({
      status: 'initiating',
      name: 'JSON list',
      channel: 'sms',
      enterpriseSid: tenant.enterpriseSid,
      sender: 'ACME',
      upload: { lines: 4, valid: 3, invalid: 1 },
    });
    expect(created.body.data.dateCreated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    const done = await waitForStatus(stack, tenant, created.body.data.sid, 'completed');
    expect(done.total).toBe(3);
    const got = stack.smsc.submits().filter((m) => n.includes(m.to));
    expect(new Map(got.map((m) => [m.to, [m.from, m.text]]))).toEqual(
      new Map([
        [n[0], ['ACME', 'Hello ']],
        [n[1], ['ACME', 'Hello Ann']],
        [n[2], ['ACME', 'Hello ']],
      ]),
    );
  });

  it('refuses each malformed create with the seed’s code and HTTP status, keeping nothing', async () => {
    const t = await provisionTenant(stack.url, 100);
    const to = testNumbers(1, 7);
    const ok = { name: 'n', body: BODY, fromPrefix: '1' };
    const cases: [Record<string, string>, number, number][] = [
      [{ body: BODY, fromPrefix: '1' }, 409, 4000],
      [{ name: 'n', fromPrefix: '1' }, 409, 4000],
      [{ name: 'n', body: BODY }, 409, 4000],
      [{ ...ok, startTime: '18/03/2021' }, 400, 498],
      [{ ...ok, startTime: '2021-03-18T12:20:46+0530' }, 409, 489],
      [{ ...ok, channel: 'fax' }, 400, 4001],
      [{ ...ok, optOut: 'Other list' }, 400, 4001],
      [{ ...ok, optIn: 'No such list' }, 400, 4001],
      [{ ...ok, sid: 'CP' + '0'.repeat(32) }, 400, 4001],
      [{ ...ok, status: 'scheduled' }, 400, 4001],
      [{ ...ok, enterpriseSid: 'EN' + '0'.repeat(32) }, 400, 4001],
      [{ ...ok, total: '0' }, 400, 4001],
      [{ name: 'v', channel: 'voice', fromPrefix: '1' }, 409, 500],
      [{ name: 'v', channel: 'voice', fromPrefix: '1', announcementSid: 'AN' + randomBytes(16).toString('hex') }, 409, 500],
      [{ name: 'v', channel: 'voice', fromPrefix: '1', rcmlUrl: 'https://example.test/rcml', dialTimeout: '1000' }, 400, 4001],
    ];
    for (const [fields, status, code] of cases) {
      const r = await post(t, fields, to);
      expect([JSON.stringify(fields), r.status, r.body.code]).toEqual([JSON.stringify(fields), status, code]);
    }
    const optIn = await post(t, { ...ok, optIn: 'No such list' }, to);
    expect(optIn.body.message).toContain('No such list');
    const noValid = await post(t, ok, ['hello', '12']);
    expect([noValid.status, noValid.body.code]).toEqual([409, 499]);
    const noTo = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: t.auth, json: ok });
    expect([noTo.status, noTo.body.code]).toEqual([409, 4000]);
    expect(noTo.body.message).toContain('toFile');
    const jsonSid = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: t.auth, json: { ...ok, to, sid: 'CP' + '1'.repeat(32) } });
    expect([jsonSid.status, jsonSid.body.code]).toEqual([400, 4001]);
    expect((await api(stack.url, 'GET', '/campaignmanager/campaigns/search', { auth: t.auth })).body.total).toBe(0);
    expect(await balance(t)).toMatchObject({ available: 100, reserved: 0 });
  });

  it('fails a campaign with 488 when credits are short (at reservation)', async () => {
    const t = await provisionTenant(stack.url, 1);
    const r = await post(t, { name: 'short', body: BODY, fromPrefix: '1' }, testNumbers(2, 8));
    expect(r.status).toBe(201);
    expect(await waitForStatus(stack, t, r.body.data.sid, 'failed')).toMatchObject({ failureCode: 488 });
  });

  it('keeps only members of a named opt-in list', async () => {
    const t = await provisionTenant(stack.url, 10);
    const n = testNumbers(3, 9);
    const list = numberFile([n[1]]);
    list.append('name', 'VIP');
    expect((await api(stack.url, 'POST', '/campaignmanager/dnd/optin', { auth: t.auth, form: list })).status).toBe(200);
    const r = await post(t, { name: 'vip', body: BODY, fromPrefix: '1', optIn: 'VIP' }, n);
    expect(r.status).toBe(201);
    expect(r.body.data.optIn).toBe('VIP');
    const done = await waitForStatus(stack, t, r.body.data.sid, 'completed');
    // The two left out were never opted out: they are not on the list, which the campaign counts apart.
    expect(done.recipients).toMatchObject({ accepted: 1, optedOut: 0, notOptedIn: 2 });
    expect(
      stack.smsc
        .submits()
        .filter((m) => n.includes(m.to))
        .map((m) => m.to),
    ).toEqual([n[1]]);
  });

  it('records a voice campaign; with no voice carrier its calls fail with no-voice-carrier, nothing goes over SMPP and nothing is charged', async () => {
    const t = await provisionTenant(stack.url, 10);
    const n = testNumbers(2, 10);
    const r = await post(t, { name: 'Voice', channel: 'voice', rcmlUrl: 'https://example.test/rcml', dialTimeout: '10' }, n, ['+14155550100']);
    expect(r.status).toBe(201);
    expect(r.body.data).toMatchObject({ channel: 'voice', rcmlUrl: 'https://example.test/rcml', announcementSid: null, dialTimeout: 10, status: 'initiating' });
    const done = await waitForStatus(stack, t, r.body.data.sid, 'completed');
    expect(done.total).toBe(0);
    expect([...(await sendStates(stack.databaseUrl, r.body.data.sid)).values()]).toEqual(['failed', 'failed']);
    expect(stack.smsc.submits().filter((m) => n.includes(m.to))).toEqual([]);
    await waitFor(
      'the reservation back',
      async () => {
        const b = await balance(t);
        return b.reserved === 0 && b.available === 10 && b.used === 0;
      },
      30000,
    );
  });

  it('serves seed 001’s /api/Campaigns with its shapes and statuses', async () => {
    const t = await provisionTenant(stack.url, 100);
    const other = await provisionTenant(stack.url, 0);
    const n = testNumbers(3, 11);
    const later = new Date(Date.now() + 3600_000).toISOString();
    const body = {
      startDateTime: later,
      sender: '+14155550100',
      message: 'Hi {{name}}',
      optOutLinkId: 0,
      contacts: [{ phoneNumber: n[0], name: 'Ann', custom1: 'c1', contactGroupId: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }, { phoneNumber: n[1] }],
    };
    const created = await api(stack.url, 'POST', '/api/Campaigns', { auth: t.auth, json: body });
    expect(created.status).toBe(201);
    expect(typeof created.body).toBe('string');
    const id: string = created.body;
    expect(id).toMatch(/^CP[0-9a-f]{32}$/);
    await waitForStatus(stack, t, id, 'scheduled');

    const one = await api(stack.url, 'GET', `/api/Campaigns/${id}`, { auth: t.auth });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ id, startDateTime: later, sender: '+14155550100', recipientCount: 2, message: 'Hi {{name}}', status: 1, optOutLinkId: 0, trackLinkUrl: null });
    const list = await api(stack.url, 'GET', '/api/campaigns?pageSize=5', { auth: t.auth });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ pageIndex: 1, totalPages: 1, totalRecords: 1, items: [one.body] });
    const contacts = await api(stack.url, 'GET', `/api/Campaigns/${id}/Contacts`, { auth: t.auth });
    expect(contacts.body).toEqual({
      pageIndex: 1,
      totalPages: 1,
      totalRecords: 2,
      items: [
        { phoneNumber: n[0], name: 'Ann', custom1: 'c1', custom2: '', id: n[0] },
        { phoneNumber: n[1], name: '', custom1: '', custom2: '', id: n[1] },
      ].sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber)),
    });

    // Invalid contacts: refused by default (seed 001), skipped with ignoreInvalidPhoneNumbers=true.
    const strict = await api(stack.url, 'POST', '/api/Campaigns', { auth: t.auth, json: { ...body, contacts: [{ phoneNumber: n[2] }, { phoneNumber: 'oops' }] } });
    expect([strict.status, strict.body.code, strict.body.data]).toEqual([400, 4001, { invalid: 1, invalidLines: [2] }]);
    const explicitStrict = await api(stack.url, 'POST', '/api/campaigns/false', { auth: t.auth, json: { ...body, contacts: [{ phoneNumber: 'oops' }, { phoneNumber: n[2] }] } });
    expect([explicitStrict.status, explicitStrict.body.code]).toEqual([400, 4001]);
    const lenient = await api(stack.url, 'POST', '/api/campaigns/true', { auth: t.auth, json: { ...body, contacts: [{ phoneNumber: n[2] }, { phoneNumber: 'oops' }] } });
    expect(lenient.status).toBe(201);
    const noSender = await api(stack.url, 'POST', '/api/Campaigns', { auth: t.auth, json: { message: 'x', contacts: [n[2]] } });
    expect([noSender.status, noSender.body.code]).toEqual([409, 4000]);
    const tracked = await api(stack.url, 'POST', '/api/Campaigns', { auth: t.auth, json: { ...body, trackLinkUrl: 'https://example.test/t' } });
    expect([tracked.status, tracked.body.code]).toEqual([400, 4001]);

    // Update: restating fields is fine; changing them is refused (no such command); status 6 cancels.
    expect((await api(stack.url, 'PUT', `/api/Campaigns/${id}`, { auth: t.auth, json: { startDateTime: later, sender: '+14155550100', message: 'Hi {{name}}' } })).status).toBe(204);
    const change = await api(stack.url, 'PUT', `/api/Campaigns/${id}`, { auth: t.auth, json: { message: 'Other text' } });
    expect([change.status, change.body.code]).toEqual([400, 4001]);
    expect((await api(stack.url, 'PUT', `/api/Campaigns/${id}`, { auth: other.auth, json: { status: 6 } })).status).toBe(404);
    const cancelled = await api(stack.url, 'POST', `/api/Campaigns/${id}`, { auth: t.auth, json: { status: 6 } });
    expect(cancelled.status).toBe(204);
    expect((await api(stack.url, 'GET', `/api/Campaigns/${id}`, { auth: t.auth })).body.status).toBe(6);

    // Delete: 204 for a scheduled campaign, 409 464 once it is not, 404 for unknown and foreign ids.
    const lenientId: string = lenient.body;
    await waitForStatus(stack, t, lenientId, 'scheduled');
    expect((await api(stack.url, 'DELETE', `/api/Campaigns/${lenientId}`, { auth: other.auth })).status).toBe(404);
    expect((await api(stack.url, 'DELETE', `/api/Campaigns/${lenientId}`, { auth: t.auth })).status).toBe(204);
    // Deleted means gone: a second delete finds nothing.
    const again = await api(stack.url, 'DELETE', `/api/Campaigns/${lenientId}`, { auth: t.auth });
    expect(again.status).toBe(404);
    expect((await api(stack.url, 'DELETE', `/api/Campaigns/CP${randomBytes(16).toString('hex')}`, { auth: t.auth })).status).toBe(404);
    expect((await api(stack.url, 'GET', `/api/Campaigns/${id}`, { auth: other.auth })).status).toBe(404);
    expect((await api(stack.url, 'GET', '/api/Campaigns')).status).toBe(401);
    expect((await api(stack.url, 'GET', '/api/Campaigns', { auth: [t.accountSid, 'wrong'] })).status).toBe(401);
    await waitFor('every reservation back', async () => (await balance(t)).reserved === 0, 30000);
  });
});
