/**
 * The per-recipient report of a campaign through the REST API, on the real stack: the list with its
 * paging and status filter, the streamed CSV export, tenant scoping, and the export of a
 * 100,000-recipient campaign against its time and memory budget.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { api, campaignForm, numberFile, provisionTenant, startStack, waitFor, waitForStatus, type Stack, type Tenant } from './support/stack';
import { testNumbers } from './support/numbers';

const BODY = 'Your order has shipped';
const SEED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
const CSV_HEADER = 'phoneNumber,status,errorCode,carrierMessageId,dateUpdated';

// Block 3 of the test numbers: 40 recipients, of which 5 opted out, 5 undeliverable, 5 refused by the carrier.
const RECIPIENTS = testNumbers(40, 3);
const OPTED_OUT = RECIPIENTS.slice(0, 5);
const UNDELIVERABLE = RECIPIENTS.slice(10, 15);
const FAILING = RECIPIENTS.slice(20, 25);
const expectedStatus = (n: string) => (OPTED_OUT.includes(n) ? 'opted-out' : UNDELIVERABLE.includes(n) ? 'undelivered' : FAILING.includes(n) ? 'failed' : 'delivered');

const BIG_COUNT = 100_000;
const EXPORT_MS_MAX = 5000;
const EXPORT_RSS_GROWTH_MAX = 50 * 1024 * 1024;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

async function csv(stack: Stack, tenant: Tenant, path: string): Promise<{ status: number; contentType: string | null; lines: string[]; body: string }> {
  const res = await fetch(stack.url + path, { headers: { authorization: 'Basic ' + Buffer.from(tenant.auth.join(':')).toString('base64') } });
  const body = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), lines: body.split('\n').filter((l) => l !== ''), body };
}

describe('recipients report', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ smsc: { undeliverableNumbers: UNDELIVERABLE, failNumbers: FAILING, partsKeptMax: 0 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('lists every recipient with the state it reached, pages and filters them, exports them as CSV, and answers 463 to another enterprise', async () => {
    const tenant = await provisionTenant(stack.url, 1000);
    const opt = await api(stack.url, 'POST', '/campaignmanager/dnd/optout', { auth: tenant.auth, form: numberFile(OPTED_OUT) });
    expect(opt.status).toBe(200);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: tenant.auth,
      form: campaignForm({ name: 'Report', body: BODY, fromPrefix: '1', optOut: 'Opt-Out' }, RECIPIENTS),
    });
    expect(created.status).toBe(201);
    const sid = created.body.data.sid;
    await waitForStatus(stack, tenant, sid, 'completed');

    const list = (query = '') => api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/recipients${query}`, { auth: tenant.auth });
    // The report follows Kafka: once it has every outcome, nothing is left queued or merely sent.
    const all = await waitFor(
      'the report to hold every outcome',
      async () => {
        const r = await list('?pageSize=100');
        if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
        const pending = r.body.data.filter((row: { status: string }) => row.status === 'queued' || row.status === 'sent');
        return r.body.total === 40 && pending.length === 0 ? r.body : null;
      },
      60000,
    );
    expect(all).toMatchObject({
      code: 200,
      message: 'OK',
      page: 0,
      page_size: 100,
      pageSize: 100,
      total: 40,
      num_pages: 1,
      start: 0,
      end: 39,
      previous_page_uri: null,
      next_page_uri: null,
    });
    const rows: { phoneNumber: string; status: string; errorCode: string | null; carrierMessageId: string | null; dateUpdated: string }[] = all.data;
    expect(rows.map((r) => r.phoneNumber)).toEqual([...RECIPIENTS].sort());
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['carrierMessageId', 'dateUpdated', 'errorCode', 'phoneNumber', 'status']);
      expect(r.status).toBe(expectedStatus(r.phoneNumber));
      expect(r.dateUpdated).toMatch(SEED_TIME);
      if (r.status === 'delivered' || r.status === 'undelivered') expect(r.carrierMessageId).toEqual(expect.any(String));
      if (r.status === 'failed') expect(r.errorCode).toEqual(expect.any(String));
      if (r.status === 'opted-out') expect(r).toMatchObject({ errorCode: null, carrierMessageId: null });
    }

    // Paging: the seed's fields, and the pages together are the whole list.
    const page1 = await list('?page=1&pageSize=15');
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ page: 1, pageSize: 15, total: 40, num_pages: 3, start: 15, end: 29 });
    expect(page1.body.previous_page_uri).toContain('page=0');
    expect(page1.body.next_page_uri).toContain('page=2');
    const page2 = await list('?page=2&pageSize=15');
    expect(page2.body).toMatchObject({ page: 2, total: 40, start: 30, end: 39, next_page_uri: null });
    const page0 = await list('?pageSize=15');
    expect([...page0.body.data, ...page1.body.data, ...page2.body.data]).toEqual(rows);
    expect((await list('?page=9&pageSize=15')).body).toMatchObject({ total: 40, data: [] });

    // The status filter, in any case, pages among the matching recipients only.
    for (const [status, numbers] of [
      ['failed', FAILING],
      ['undelivered', UNDELIVERABLE],
      ['Opted-Out', OPTED_OUT],
    ] as const) {
      const r = await list(`?status=${status}`);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(5);
      expect(r.body.data.map((x: { phoneNumber: string }) => x.phoneNumber)).toEqual([...numbers].sort());
    }
    const delivered = await list('?status=delivered&pageSize=20&page=1');
    expect(delivered.body).toMatchObject({ total: 25, num_pages: 2, start: 20, end: 24 });
    expect(delivered.body.data.every((x: { status: string }) => x.status === 'delivered')).toBe(true);
    expect((await list('?status=queued')).body).toMatchObject({ total: 0, data: [] });
    const bad = await list('?status=cancelled');
    expect([bad.status, bad.body.code]).toEqual([400, 4001]);
    expect([(await list('?pageSize=0')).body.code, (await list('?page=-1')).body.code]).toEqual([4001, 4001]);

    // The CSV export: the list's fields and rows, in the list's order.
    const exported = await csv(stack, tenant, `/campaignmanager/campaigns/${sid}/recipients.csv`);
    expect(exported.status).toBe(200);
    expect(exported.contentType).toMatch(/^text\/csv/);
    expect(exported.lines[0]).toBe(CSV_HEADER);
    expect(exported.lines.slice(1)).toEqual(rows.map((r) => [r.phoneNumber, r.status, r.errorCode ?? '', r.carrierMessageId ?? '', r.dateUpdated].join(',')));
    const undeliveredCsv = await csv(stack, tenant, `/campaignmanager/campaigns/${sid}/recipients.csv?status=undelivered`);
    expect(undeliveredCsv.lines[0]).toBe(CSV_HEADER);
    expect(undeliveredCsv.lines.slice(1).map((l) => l.split(',')[0])).toEqual([...UNDELIVERABLE].sort());
    expect(undeliveredCsv.lines.slice(1).every((l) => l.split(',')[1] === 'undelivered')).toBe(true);
    const badCsv = await csv(stack, tenant, `/campaignmanager/campaigns/${sid}/recipients.csv?status=nope`);
    expect(badCsv.status).toBe(400);
    expect(JSON.parse(badCsv.body).code).toBe(4001);

    // Another enterprise's campaign answers exactly as an unknown one.
    const other = await provisionTenant(stack.url, 0);
    const unknownSid = 'CP' + randomBytes(16).toString('hex');
    const foreign = await api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/recipients`, { auth: other.auth });
    expect([foreign.status, foreign.body]).toEqual([409, { code: 463, errorCode: '463', message: 'Campaign not found', data: { sid } }]);
    const unknown = await api(stack.url, 'GET', `/campaignmanager/campaigns/${unknownSid}/recipients`, { auth: tenant.auth });
    expect([unknown.status, unknown.body]).toEqual([409, { code: 463, errorCode: '463', message: 'Campaign not found', data: { sid: unknownSid } }]);
    const malformed = await api(stack.url, 'GET', '/campaignmanager/campaigns/nope/recipients', { auth: tenant.auth });
    expect([malformed.status, malformed.body.code]).toEqual([409, 463]);
    const foreignCsv = await csv(stack, other, `/campaignmanager/campaigns/${sid}/recipients.csv`);
    expect([foreignCsv.status, JSON.parse(foreignCsv.body).code]).toEqual([409, 463]);
    expect((await api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/recipients`)).status).toBe(401);
  });

  it('shows the recipients of a scheduled campaign as queued, and its opted-out ones as opted-out', async () => {
    const tenant = await provisionTenant(stack.url, 100);
    const numbers = testNumbers(12, 5);
    await api(stack.url, 'POST', '/campaignmanager/dnd/optout', { auth: tenant.auth, form: numberFile(numbers.slice(0, 2)) });
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: tenant.auth,
      form: campaignForm({ name: 'Later', body: BODY, fromPrefix: '1', optOut: 'Opt-Out', startTime: '2099-01-01' }, numbers),
    });
    expect(created.status).toBe(201);
    const sid = created.body.data.sid;
    // Right after creation the report may not have heard of the campaign yet: that is an empty list, not 463.
    const early = await api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/recipients`, { auth: tenant.auth });
    expect(early.status).toBe(200);
    await waitForStatus(stack, tenant, sid, 'scheduled');
    const r = await waitFor(
      'the report of the scheduled campaign',
      async () => {
        const x = await api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/recipients?pageSize=20`, { auth: tenant.auth });
        return x.body.total === 12 ? x.body : null;
      },
      30000,
    );
    expect(r.data.map((x: { phoneNumber: string; status: string }) => [x.phoneNumber, x.status])).toEqual(
      [...numbers].sort().map((n) => [n, numbers.slice(0, 2).includes(n) ? 'opted-out' : 'queued']),
    );
    await api(stack.url, 'PUT', `/campaignmanager/campaigns/${sid}`, { auth: tenant.auth, json: { status: 'cancelled' } });
  });

  it(`streams the CSV of a ${BIG_COUNT.toLocaleString('en')}-recipient campaign in under ${EXPORT_MS_MAX} ms, within 50 MB of the gateway's idle RSS`, async () => {
    const tenant = await provisionTenant(stack.url, BIG_COUNT);
    const numbers = testNumbers(BIG_COUNT, 4);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name: 'Big', body: BODY, fromPrefix: '1' }, numbers) });
    expect(created.status).toBe(201);
    const sid = created.body.data.sid;
    await waitForStatus(stack, tenant, sid, 'completed', 280000);
    await waitFor(
      'every delivery in the report',
      async () => {
        const x = await api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/recipients?status=delivered&pageSize=1`, { auth: tenant.auth });
        return x.body.total === BIG_COUNT;
      },
      120000,
      2000,
    );

    const pid = stack.pid('gateway')!;
    expect(pid).toEqual(expect.any(Number));
    // Idle: the campaign is over and the report has caught up; the lowest of a few readings.
    const idleSamples: number[] = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 200));
      idleSamples.push(rssBytes(pid));
    }
    const idle = Math.min(...idleSamples);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 25);

    const startedAt = Date.now();
    const res = await fetch(`${stack.url}/campaignmanager/campaigns/${sid}/recipients.csv`, { headers: { authorization: 'Basic ' + Buffer.from(tenant.auth.join(':')).toString('base64') } });
    expect(res.status).toBe(200);
    let bytes = 0;
    let newlines = 0;
    let head = '';
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (head.length < 200) head += Buffer.from(value.subarray(0, 200)).toString();
      for (let i = 0; i < value.length; i++) if (value[i] === 10) newlines++;
    }
    const elapsedMs = Date.now() - startedAt;
    clearInterval(sampler);
    peak = Math.max(peak, rssBytes(pid));

    const growth = peak - idle;
    console.log(
      `recipients.csv of ${BIG_COUNT} recipients: ${elapsedMs} ms, ${(bytes / 1024 / 1024).toFixed(1)} MiB; gateway RSS idle ${(idle / 1024 / 1024).toFixed(1)} MiB, peak ${(peak / 1024 / 1024).toFixed(1)} MiB (+${(growth / 1024 / 1024).toFixed(1)} MiB)`,
    );
    expect(head.split('\n')[0]).toBe(CSV_HEADER);
    expect(head.split('\n')[1]).toMatch(/^\+1\d{10},delivered,,[^,]+,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
    expect(newlines).toBe(BIG_COUNT + 1);
    expect(elapsedMs).toBeLessThan(EXPORT_MS_MAX);
    expect(growth).toBeLessThan(EXPORT_RSS_GROWTH_MAX);
  });
});
