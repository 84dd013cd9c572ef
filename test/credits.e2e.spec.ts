/**
 * Seed 000's credit endpoints through the REST API, on the real stack: Get List of Credits (paging,
 * type, startTime / endTime, SortBy), Get Single Credit, the balance, and the campaign charge that
 * makes the history add up to the balance.
 */
import { api, campaignForm, provisionTenant, startStack, waitFor, waitForStatus, OPERATOR_TOKEN, type Stack, type Tenant } from './support/stack';
import { testNumbers } from './support/numbers';

const SEED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
const ENC = /^ENC[0-9a-f]{32}$/;
const op: [string, string] = ['operator', OPERATOR_TOKEN];

describe('credits API end to end', () => {
  let stack: Stack;
  let a: Tenant;
  let b: Tenant;
  const list = (tenant: Tenant, query = '') => api(stack.url, 'GET', `/campaignmanager/credits/search${query}`, { auth: tenant.auth });

  beforeAll(async () => {
    stack = await startStack();
    a = await provisionTenant(stack.url, 100);
    b = await provisionTenant(stack.url, 5);
    // A reduction and a second top-up, so the history has both types and an order to sort.
    for (const [credit, description, key] of [
      [-10, 'Reducing by 10', 'reduce-1'],
      [50, 'SMS credits', 'top-up-2'],
    ] as const) {
      const r = await api(stack.url, 'POST', '/campaignmanager/credits', { auth: op, json: { enterpriseSid: a.enterpriseSid, credit, description, idempotencyKey: key } });
      expect(r.status).toBe(201);
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("lists the history with the seed's paging fields and data fields", async () => {
    const r = await list(a);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      code: 200,
      message: 'OK',
      page: 0,
      num_pages: 1,
      page_size: 10,
      pageSize: 10,
      total: 3,
      start: 0,
      end: 2,
      uri: '/campaignmanager/credits/search',
      previous_page_uri: null,
      next_page_uri: null,
    });
    expect(r.body.first_page_uri).toContain('page=0');
    expect(r.body.data.map((e: { credit: number }) => e.credit)).toEqual([100, -10, 50]);
    for (const e of r.body.data) {
      expect(Object.keys(e).sort()).toEqual(['accountEmail', 'accountSid', 'credit', 'dateCreated', 'dateUpdated', 'description', 'enterpriseSid', 'sid']);
      expect(e).toMatchObject({ sid: expect.stringMatching(ENC), enterpriseSid: a.enterpriseSid, dateCreated: expect.stringMatching(SEED_TIME), dateUpdated: e.dateCreated });
    }
    expect(r.body.data[1]).toMatchObject({ description: 'Reducing by 10', credit: -10 });
  });

  it('pages with page and pageSize', async () => {
    const first = await list(a, '?pageSize=2&page=0');
    expect(first.body).toMatchObject({ page: 0, page_size: 2, num_pages: 2, total: 3, start: 0, end: 1, previous_page_uri: null });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next_page_uri).toMatch(/page=1/);
    expect(first.body.nextPageUri).toBe(first.body.next_page_uri);
    const second = await list(a, '?pageSize=2&page=1');
    expect(second.body).toMatchObject({ page: 1, page_size: 2, start: 2, end: 2, next_page_uri: null });
    expect(second.body.previous_page_uri).toMatch(/page=0/);
    expect(second.body.data).toHaveLength(1);
    const sids = [...first.body.data, ...second.body.data].map((e: { sid: string }) => e.sid);
    expect(new Set(sids).size).toBe(3);
    const beyond = await list(a, '?pageSize=2&page=5');
    expect(beyond.body).toMatchObject({ page: 5, total: 3, data: [] });
    const bad = await list(a, '?pageSize=0');
    expect([bad.status, bad.body.code]).toEqual([400, 4001]);
  });

  it('sorts by dateCreated both ways, under SortBy or sortBy', async () => {
    const asc = (await list(a, '?SortBy=dateCreated:asc')).body.data.map((e: { sid: string }) => e.sid);
    const desc = (await list(a, '?SortBy=dateCreated:desc')).body.data.map((e: { sid: string }) => e.sid);
    const lower = (await list(a, '?sortBy=dateCreated:desc')).body.data.map((e: { sid: string }) => e.sid);
    const byDefault = (await list(a)).body.data.map((e: { sid: string }) => e.sid);
    expect(asc).toHaveLength(3);
    expect(desc).toEqual([...asc].reverse());
    expect(lower).toEqual(desc);
    expect(byDefault).toEqual(asc);
    const bad = await list(a, '?SortBy=credit:asc');
    expect([bad.status, bad.body.code]).toEqual([400, 4001]);
  });

  it('filters by type, and refuses another type with 4001', async () => {
    const credits = await list(a, '?type=credit');
    expect(credits.body.total).toBe(2);
    expect(credits.body.data.every((e: { credit: number }) => e.credit > 0)).toBe(true);
    const debits = await list(a, '?type=DEBIT');
    expect(debits.body.data.map((e: { credit: number }) => e.credit)).toEqual([-10]);
    const bad = await list(a, '?type=refund');
    expect([bad.status, bad.body.code]).toEqual([400, 4001]);
  });

  it('filters by startTime and endTime, inclusive, and answers 498 for a date in another form', async () => {
    const all = (await list(a)).body.data;
    const inclusive = await list(a, `?startTime=${encodeURIComponent(all[0].dateCreated)}&endTime=${encodeURIComponent(all[2].dateCreated)}`);
    expect(inclusive.body.total).toBe(3);
    // Without an offset a time is UTC; a date alone is its midnight.
    const plain = all[0].dateCreated.slice(0, 19);
    expect((await list(a, `?startTime=${plain}`)).body.total).toBe(3);
    expect((await list(a, '?endTime=2018-10-06')).body).toMatchObject({ total: 0, data: [] });
    expect((await list(a, '?startTime=2999-01-01')).body.total).toBe(0);
    expect((await list(a, `?startTime=${all[0].dateCreated.slice(0, 10)}`)).body.total).toBe(3);
    for (const q of ['?startTime=05/10/2018', '?endTime=2021-02-30', '?startTime=yesterday']) {
      const r = await list(a, q);
      expect([r.status, r.body.code]).toEqual([400, 498]);
    }
  });

  it("gets one credit, and answers 472 for an unknown, malformed or other enterprise's sid", async () => {
    const [entry] = (await list(a)).body.data;
    const one = await api(stack.url, 'GET', `/campaignmanager/credits/search/${entry.sid}`, { auth: a.auth });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ code: 200, message: 'OK', data: entry });
    const [theirs] = (await list(b)).body.data;
    for (const sid of ['ENC' + '0'.repeat(32), 'ENC123', theirs.sid]) {
      const r = await api(stack.url, 'GET', `/campaignmanager/credits/search/${sid}`, { auth: a.auth });
      expect([r.status, r.body.code, r.body.message]).toEqual([409, 472, 'Credit not found']);
    }
    // Each enterprise sees its own history only.
    expect((await list(b)).body).toMatchObject({ total: 1, data: [{ credit: 5, enterpriseSid: b.enterpriseSid }] });
  });

  it('asks for authentication', async () => {
    for (const path of ['/campaignmanager/credits/search', '/campaignmanager/credits/balance', `/campaignmanager/credits/search/ENC${'0'.repeat(32)}`]) {
      const r = await api(stack.url, 'GET', path);
      expect([r.status, r.body.code]).toEqual([401, 401]);
    }
  });

  it("lists a campaign's charge as a debit, and the history adds up to the balance", async () => {
    const to = testNumbers(2, 11);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: a.auth, form: campaignForm({ name: 'Credit check', body: 'hello', fromPrefix: '1' }, to) });
    expect(created.status).toBe(201);
    const sid: string = created.body.data.sid;
    await waitForStatus(stack, a, sid, 'completed');
    const debits = await waitFor(
      'the charge in the history',
      async () => {
        const r = await list(a, '?type=debit&SortBy=dateCreated:desc');
        return r.body.total === 2 ? r.body.data : null;
      },
      60_000,
    );
    expect(debits[0]).toMatchObject({
      sid: expect.stringMatching(ENC),
      enterpriseSid: a.enterpriseSid,
      credit: -2,
      description: `Campaign ${sid} "Credit check"`,
      accountSid: a.accountSid,
      dateCreated: expect.stringMatching(SEED_TIME),
    });
    const one = await api(stack.url, 'GET', `/campaignmanager/credits/search/${debits[0].sid}`, { auth: a.auth });
    expect(one.body.data).toEqual(debits[0]);

    const balance = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: a.auth });
    expect(balance.body).toEqual({ code: 200, message: 'OK', data: { enterpriseSid: a.enterpriseSid, available: 100 - 10 + 50 - 2, reserved: 0, used: 2 } });
    const history = (await list(a, '?pageSize=100')).body;
    expect(history.total).toBe(4);
    expect(history.data.reduce((sum: number, e: { credit: number }) => sum + e.credit, 0)).toBe(balance.body.data.available);
  });

  it('describes the credit endpoints at /docs-json, generated from the code, with the UI at /docs', async () => {
    const json = await api(stack.url, 'GET', '/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.info).toMatchObject({ title: 'Clarion Campaign Manager API' });
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/campaignmanager/credits/search', '/campaignmanager/credits/search/{creditSid}', '/campaignmanager/campaigns']));
    const legacy = await api(stack.url, 'GET', '/docs/openapi.json');
    expect(legacy.body).toEqual(json.body);
    const ui = await fetch(`${stack.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});
