/**
 * The campaign read API of seed 000 through REST on the real stack: GET and search (answered from
 * the gateway's read model) with every filter, sort and paging field, update and delete with the
 * seed's codes, counts per recipient state while a campaign runs and at its end, read-your-writes
 * after create, cancel and delete, and tenant isolation.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { api, campaignForm, numberFile, provisionTenant, startStack, waitFor, waitForStatus, type Stack, type Tenant } from './support/stack';
import { testNumbers } from './support/numbers';

const BODY = 'Read model test';
const SEED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
const LATER = '2099-01-01';

describe('campaign API (read model, update, delete, counts)', () => {
  let stack: Stack;
  const undeliverable = testNumbers(20, 9, 0);
  const failing = testNumbers(10, 9, 100);

  beforeAll(async () => {
    // A rate cap makes a campaign of a few hundred recipients run for seconds, long enough to see its counts move.
    stack = await startStack({ env: { DISPATCH_RATE_PER_SECOND_MAX: '150' }, smsc: { undeliverableNumbers: undeliverable, failNumbers: failing } });
  });
  afterAll(() => stack?.stop());

  const create = async (t: Tenant, fields: Record<string, string>, numbers: string[]) => {
    const r = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: t.auth, form: campaignForm({ body: BODY, fromPrefix: '1', ...fields }, numbers) });
    expect(r.status).toBe(201);
    return r.body.data.sid as string;
  };
  const get = (t: Tenant, sid: string) => api(stack.url, 'GET', `/campaignmanager/campaigns/search/${sid}`, { auth: t.auth });
  const search = (t: Tenant, query: string) => api(stack.url, 'GET', `/campaignmanager/campaigns/search${query}`, { auth: t.auth });
  const put = (t: Tenant, sid: string, json: unknown) => api(stack.url, 'PUT', `/campaignmanager/campaigns/${sid}`, { auth: t.auth, json });
  const del = (t: Tenant, sid: string) => api(stack.url, 'DELETE', `/campaignmanager/campaigns/${sid}`, { auth: t.auth });
  /** The gateway's read model rows of an enterprise, straight from its schema. */
  const readModelRows = async (enterpriseSid: string) => {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      return (await db.query('SELECT sid, version, removed, status FROM gateway.campaign_views WHERE enterprise_sid = $1 ORDER BY sid', [enterpriseSid])).rows;
    } finally {
      await db.end();
    }
  };
  const balance = async (t: Tenant) => (await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: t.auth })).body.data;

  it('answers GET at once after create (read-your-writes) with the seed’s fields and timestamps, and search with every filter, sort and paging field', async () => {
    const t = await provisionTenant(stack.url, 100);
    const sids: Record<string, string> = {};
    for (const [name, startTime, n] of [
      ['Spring Sale', '2099-03-01T10:00:00', 1],
      ['Summer sale', '2098-06-01', 2],
      ['Winter news', '2097-01-01T00:00:00+0530', 3],
    ] as const) {
      sids[name] = await create(t, { name, startTime }, testNumbers(n, 1, n * 10));
      // Read-your-writes: the very next request sees the campaign, whatever the views topic has delivered yet.
      const now = await get(t, sids[name]);
      expect(now.status).toBe(200);
      expect(now.body.data).toMatchObject({ sid: sids[name], name, status: expect.stringMatching(/^(initiating|scheduled)$/) });
    }
    await waitFor('three scheduled campaigns in search', async () => (await search(t, '?status=scheduled')).body.total === 3, 60_000);
    // Search and GET answer from the gateway's own read model, kept current from the views topic.
    const rows = await readModelRows(t.enterpriseSid);
    expect(rows.map((r) => r.sid).sort()).toEqual(Object.values(sids).sort());
    expect(rows.every((r) => r.status === 'scheduled' && r.version >= 5 && !r.removed)).toBe(true);

    const one = await get(t, sids['Spring Sale']);
    expect(one.body).toMatchObject({ code: 200, message: 'OK' });
    const c = one.body.data;
    expect(c).toMatchObject({
      sid: sids['Spring Sale'],
      name: 'Spring Sale',
      enterpriseSid: t.enterpriseSid,
      accountSid: t.accountSid,
      accountEmail: 'ops@acme.test',
      channel: 'sms',
      body: BODY,
      fromPrefix: '1',
      status: 'scheduled',
      total: 1,
      startTime: '2099-03-01T10:00:00+0000',
      uri: `/campaignmanager/campaigns/search/${sids['Spring Sale']}`,
      recipients: { received: 1, unique: 1, duplicates: 0, invalid: 0, optedOut: 0, accepted: 1 },
      counts: { queued: 1, sent: 0, delivered: 0, undelivered: 0, failed: 0, 'opted-out': 0, expired: 0, unknown: 0 },
    });
    expect(c.dateCreated).toMatch(SEED_TIME);
    expect(c.dateUpdated).toMatch(SEED_TIME);
    expect(c).not.toHaveProperty('version');
    expect((await get(t, sids['Winter news'])).body.data.startTime).toBe('2096-12-31T18:30:00+0000');

    const names = async (query: string) => (await search(t, query)).body.data.map((x: { name: string }) => x.name);
    // name: part of it, any case; LIKE's wildcards are literal.
    expect(await names('?name=SALE&SortBy=name:asc')).toEqual(['Spring Sale', 'Summer sale']);
    expect(await names('?name=%25')).toEqual([]);
    expect(await names('?name=news')).toEqual(['Winter news']);
    // Sorting by startTime (the default attribute, ascending by default), name, status.
    expect(await names('')).toEqual(['Winter news', 'Summer sale', 'Spring Sale']);
    expect(await names('?SortBy=startTime:desc')).toEqual(['Spring Sale', 'Summer sale', 'Winter news']);
    expect(await names('?sortBy=name:desc')).toEqual(['Winter news', 'Summer sale', 'Spring Sale']);
    // channel, and startTime/endTime of creation (inclusive, the seed's date forms).
    expect(await names('?channel=SMS&SortBy=name')).toEqual(['Spring Sale', 'Summer sale', 'Winter news']);
    expect(await names('?channel=voice')).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await search(t, `?startTime=${today}&endTime=${tomorrow}`)).body.total).toBe(3);
    expect((await search(t, `?startTime=${tomorrow}`)).body.total).toBe(0);
    expect((await search(t, `?endTime=${today}`)).body.total).toBe(0);
    expect((await search(t, `?startTime=${new Date(Date.now() - 600_000).toISOString().slice(0, 19)}`)).body.total).toBe(3);

    // Status: a cancelled one sorts before the scheduled ones, and filters alone.
    const cancel = await put(t, sids['Summer sale'], { status: 'canceled' });
    expect(cancel.status).toBe(200);
    expect((await names('?SortBy=status:asc'))[0]).toBe('Summer sale');
    expect((await names('?SortBy=status:desc'))[2]).toBe('Summer sale');
    expect(await names('?status=Cancelled')).toEqual(['Summer sale']);

    // Paging: the seed's fields and page URIs.
    const p = await search(t, '?pageSize=2&page=0&SortBy=name');
    expect(p.body).toMatchObject({
      page: 0,
      num_pages: 2,
      page_size: 2,
      total: 3,
      start: 0,
      end: 1,
      uri: '/campaignmanager/campaigns/search',
      previous_page_uri: null,
    });
    expect(p.body.first_page_uri).toBe('/campaignmanager/campaigns/search?pageSize=2&page=0&SortBy=name');
    expect(p.body.next_page_uri).toBe('/campaignmanager/campaigns/search?pageSize=2&page=1&SortBy=name');
    const p2 = await search(t, '?pageSize=2&page=1&SortBy=name');
    expect(p2.body).toMatchObject({ page: 1, start: 2, end: 2, next_page_uri: null });
    expect(p2.body.previous_page_uri).toBe('/campaignmanager/campaigns/search?pageSize=2&page=0&SortBy=name');
    expect(p2.body.data.map((x: { name: string }) => x.name)).toEqual(['Winter news']);
    expect(p2.body.data[0].dateCreated).toMatch(SEED_TIME);
    const past = await search(t, '?page=5');
    expect(past.body).toMatchObject({ page: 5, total: 3, data: [] });

    for (const [query, code] of [
      ['?status=sleeping', 483],
      ['?startTime=05/10/2018', 498],
      ['?SortBy=body', 4001],
      ['?channel=fax', 4001],
      ['?pageSize=0', 4001],
    ] as const) {
      expect((await search(t, query)).body.code).toBe(code);
    }
  });

  it('answers the campaign poll ahead of the router with the router’s own answer: the same body and ETag, and 304 to If-None-Match', async () => {
    const t = await provisionTenant(stack.url, 10);
    const sid = await create(t, { name: 'Polled', startTime: '2099-01-01T00:00:00' }, testNumbers(2, 1, 700));
    await waitFor('the campaign scheduled', async () => (await get(t, sid)).body.data?.status === 'scheduled', 60_000);
    const authorization = 'Basic ' + Buffer.from(t.auth.join(':')).toString('base64');
    const poll = async (query: string, headers: Record<string, string> = {}) => {
      const r = await fetch(`${stack.url}/campaignmanager/campaigns/search/${sid}${query}`, { headers: { authorization, ...headers } });
      return { status: r.status, type: r.headers.get('content-type'), etag: r.headers.get('etag'), body: await r.text() };
    };
    // A query string is not the fast path's: that GET goes through Nest's router to the controller.
    const fast = await poll('');
    const routed = await poll('?via=router');
    expect(fast.status).toBe(200);
    expect(fast).toEqual(routed);
    expect(JSON.parse(fast.body).data).toMatchObject({ sid, name: 'Polled', status: 'scheduled' });
    // A poll that names the ETag it holds is answered 304 without a body (the router itself never answers 304).
    expect(await poll('', { 'if-none-match': fast.etag! })).toMatchObject({ status: 304, body: '' });
    expect((await poll('', { 'if-none-match': 'W/"0-other"' })).status).toBe(200);
    // What it does not answer, the router does: wrong credentials 401, another enterprise's campaign 463.
    expect((await fetch(`${stack.url}/campaignmanager/campaigns/search/${sid}`, { headers: { authorization: 'Basic ' + Buffer.from(`${t.accountSid}:wrong`).toString('base64') } })).status).toBe(401);
    const other = await provisionTenant(stack.url, 1);
    expect((await get(other, sid)).body).toMatchObject({ code: 463 });
  });

  it('updates only scheduled → cancelled, with 487, 483, 486 and 4000 as the seed says; the GET right after sees the cancel', async () => {
    const t = await provisionTenant(stack.url, 100);
    const numbers = testNumbers(5, 2);
    const sid = await create(t, { name: 'to cancel', startTime: LATER }, numbers);
    await waitForStatus(stack, t, sid, 'scheduled', 60_000);
    expect(await balance(t)).toMatchObject({ available: 95, reserved: 5 });

    const missing = await put(t, sid, { name: 'renamed' });
    expect([missing.status, missing.body.code, missing.body.message]).toEqual([409, 4000, 'Mandatory parameter missing. status needs to be passed.']);
    const invalid = await put(t, sid, { status: 'sleeping' });
    expect([invalid.status, invalid.body]).toEqual([409, { code: 483, errorCode: '483', message: 'Campaign status is invalid', data: { sid, status: 'sleeping' } }]);
    const illegal = await put(t, sid, { status: 'completed' });
    expect([illegal.status, illegal.body.code]).toEqual([409, 487]);
    const unknownSid = 'CP' + randomBytes(16).toString('hex');
    const unknown = await put(t, unknownSid, { status: 'cancelled' });
    expect([unknown.status, unknown.body]).toEqual([409, { code: 486, errorCode: '486', message: 'Enterprise campaign not found', data: { sid: unknownSid, status: 'cancelled' } }]);
    expect((await put(t, unknownSid, { status: 'completed' })).body.code).toBe(486);
    expect((await put(t, 'CPnot-a-sid', { status: 'cancelled' })).body.code).toBe(486);
    expect((await get(t, sid)).body.data.status).toBe('scheduled');

    const cancelled = await put(t, sid, { status: 'Cancelled', name: 'ignored' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ code: 200, message: 'OK', data: { sid, name: 'to cancel', status: 'cancelled' } });
    expect(cancelled.body.data.dateUpdated).toMatch(SEED_TIME);
    // Read-your-writes after the cancel: the very next GET and search see it.
    expect((await get(t, sid)).body.data.status).toBe('cancelled');
    expect((await search(t, '?status=cancelled')).body.data.map((c: { sid: string }) => c.sid)).toEqual([sid]);
    expect((await put(t, sid, { status: 'cancelled' })).body.code).toBe(487);
    await waitFor(
      'the reservation to come back',
      async () => {
        const b = await balance(t);
        return b.available === 100 && b.reserved === 0;
      },
      30_000,
    );
  });

  it('deletes only a scheduled campaign (464 otherwise, 463 unknown); it is gone from GET and search at once and its credits come back', async () => {
    const t = await provisionTenant(stack.url, 100);
    const sid = await create(t, { name: 'to delete', startTime: LATER }, testNumbers(7, 3));
    await waitForStatus(stack, t, sid, 'scheduled', 60_000);
    expect(await balance(t)).toMatchObject({ available: 93, reserved: 7 });

    const unknownSid = 'CP' + randomBytes(16).toString('hex');
    expect(await del(t, unknownSid)).toEqual({ status: 409, body: { code: 463, errorCode: '463', message: 'Campaign not found', data: { sid: unknownSid } } });
    expect((await del(t, 'nope')).body.code).toBe(463);

    const deleted = await del(t, sid);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ code: 200, message: 'OK', data: { sid, name: 'to delete', status: 'scheduled', total: 7, enterpriseSid: t.enterpriseSid } });
    expect(deleted.body.data.dateUpdated).toMatch(SEED_TIME);
    expect(await get(t, sid)).toEqual({ status: 409, body: { code: 463, errorCode: '463', message: 'Campaign not found', data: { sid } } });
    expect((await search(t, '')).body).toMatchObject({ total: 0, data: [] });
    expect((await del(t, sid)).body.code).toBe(463);
    expect((await put(t, sid, { status: 'cancelled' })).body.code).toBe(486);
    expect(await readModelRows(t.enterpriseSid)).toEqual([{ sid, version: expect.any(Number), removed: true, status: null }]);
    await waitFor(
      'the deleted campaign’s credits to come back',
      async () => {
        const b = await balance(t);
        return b.available === 100 && b.reserved === 0 && b.used === 0;
      },
      30_000,
    );
    // Still gone once the views topic has caught up, and nothing of it was sent.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await get(t, sid)).status).toBe(409);
    expect((await search(t, '?status=scheduled')).body.total).toBe(0);

    // A campaign that started can no longer be deleted (nor cancelled).
    const started = await create(t, { name: 'running' }, testNumbers(3, 3, 100));
    await waitFor(
      'the campaign to start',
      async () => {
        const s = (await get(t, started)).body.data?.status;
        return s === 'in-progress' || s === 'completed';
      },
      60_000,
    );
    const refused = await del(t, started);
    expect([refused.status, refused.body.code, refused.body.message]).toEqual([409, 464, 'Campaign status not "Scheduled"']);
    expect((await put(t, started, { status: 'cancelled' })).body.code).toBe(487);
    expect((await get(t, started)).status).toBe(200);
  });

  it('keeps another enterprise’s campaigns out of reach: GET and DELETE 463, PUT 486, search empty, and nothing changes', async () => {
    const a = await provisionTenant(stack.url, 10);
    const b = await provisionTenant(stack.url, 10);
    const sid = await create(a, { name: 'Mine', startTime: LATER }, testNumbers(2, 4));
    await waitForStatus(stack, a, sid, 'scheduled', 60_000);
    expect(await get(b, sid)).toEqual({ status: 409, body: { code: 463, errorCode: '463', message: 'Campaign not found', data: { sid } } });
    expect(await del(b, sid)).toEqual({ status: 409, body: { code: 463, errorCode: '463', message: 'Campaign not found', data: { sid } } });
    expect(await put(b, sid, { status: 'cancelled' })).toEqual({ status: 409, body: { code: 486, errorCode: '486', message: 'Enterprise campaign not found', data: { sid, status: 'cancelled' } } });
    expect((await put(b, sid, { status: 'completed' })).body.code).toBe(486);
    expect((await search(b, '?name=Mine')).body.total).toBe(0);
    const mine = await get(a, sid);
    expect(mine.body.data).toMatchObject({ status: 'scheduled', total: 2 });
    expect(await balance(a)).toMatchObject({ available: 8, reserved: 2 });
  });

  it('counts recipients per state while the campaign runs and exactly at its end', async () => {
    const t = await provisionTenant(stack.url, 1000);
    const delivered = testNumbers(600, 5);
    const optedOut = testNumbers(30, 6);
    const opt = await api(stack.url, 'POST', '/campaignmanager/dnd/optout', { auth: t.auth, form: numberFile(optedOut) });
    expect(opt.status).toBe(200);
    const sid = await create(t, { name: 'counted', optOut: 'Opt-Out' }, [...delivered, ...undeliverable, ...failing, ...optedOut]);
    const accepted = delivered.length + undeliverable.length + failing.length;

    // At 150 messages a second the campaign runs for about four seconds: counts move in between.
    const seen = await waitFor(
      'counts of a running campaign',
      async () => {
        const c = (await get(t, sid)).body.data;
        if (c?.status === 'completed') throw new Error('completed before its counts were seen moving');
        const n = c?.counts;
        return c?.status === 'in-progress' && n.queued > 0 && n.queued < accepted && n.sent + n.delivered > 0 ? c : null;
      },
      60_000,
      100,
    );
    expect(seen.counts['opted-out']).toBe(optedOut.length);
    const sum = (n: Record<string, number>) => Object.values(n).reduce((x, y) => x + y, 0);
    expect(sum(seen.counts)).toBe(accepted + optedOut.length);

    const done = await waitForStatus(stack, t, sid, 'completed', 120_000);
    // Exact at completion: every recipient counted once, in one state, none left queued.
    expect(done.counts.queued).toBe(0);
    expect(done.counts['opted-out']).toBe(optedOut.length);
    expect(sum(done.counts)).toBe(accepted + optedOut.length);
    expect(done.counts.failed).toBe(failing.length);
    expect(done.counts.expired + done.counts.unknown).toBe(0);
    // Then the last receipts: each delivered message moves out of sent, none counted twice.
    const final = await waitFor(
      'every receipt counted',
      async () => {
        const c = (await get(t, sid)).body.data;
        return c.counts.delivered === delivered.length && c.counts.undelivered === undeliverable.length ? c : null;
      },
      30_000,
    );
    expect(final.counts).toEqual({ queued: 0, sent: 0, delivered: delivered.length, undelivered: undeliverable.length, failed: failing.length, 'opted-out': optedOut.length, expired: 0, unknown: 0 });
    // Failed submits are not charged.
    expect(final.total).toBe(accepted - failing.length);
  });
});
