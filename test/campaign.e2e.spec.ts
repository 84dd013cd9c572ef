/**
 * The walking skeleton through the REST API, on the real broker and database, with the SMSC
 * simulator speaking SMPP over TCP.
 */
import { randomBytes } from 'node:crypto';
import { TOPIC, message, newSid } from '@clarion/contracts';
import { api, campaignForm, numberFile, provisionTenant, startStack, waitFor, waitForStatus, watchStatusTopic, type Stack, type Tenant } from './support/stack';
import { expectParts, septets } from './support/sms';

const BODY = 'Happy New Year from Clarion';
const uniqueNumbers = (count: number, base: number) => Array.from({ length: count }, (_, i) => `91${String(9_000_000_000 + base + i)}`);

describe('SMS campaign end to end', () => {
  let stack: Stack;
  let watch: Awaited<ReturnType<typeof watchStatusTopic>>;
  let deliveries: Awaited<ReturnType<typeof watchStatusTopic>>;

  beforeAll(async () => {
    stack = await startStack({ env: { CAMPAIGN_INITIATION_TIMEOUT_MS: '4000' }, smsc: { partsKeptMax: 10_000 } });
    watch = await watchStatusTopic(stack.kafka, stack.prefix);
    deliveries = await watchStatusTopic(stack.kafka, stack.prefix, TOPIC.campaignDeliveries);
  });
  afterAll(async () => {
    await watch?.stop();
    await deliveries?.stop();
    await stack?.stop();
  });

  it('sends one message per unique, valid, not-opted-out number and charges exactly that', async () => {
    const tenant = await provisionTenant(stack.url, 2000);
    const unique = uniqueNumbers(920, 0);
    const optedOut = unique.slice(100, 150); // 50 numbers
    const opt = await api(stack.url, 'POST', '/campaignmanager/dnd/optout', { auth: tenant.auth, form: numberFile(optedOut) });
    expect(opt.status).toBe(200);
    expect(opt.body.data).toMatchObject({ name: 'Opt-Out', enterpriseSid: tenant.enterpriseSid, added: 50 });

    // 1,000 lines: 920 unique numbers (in the seed's form, some with + or spaces), 75 repeats, 5 invalid.
    const lines = unique.map((n, i) => (i % 3 === 0 ? `+${n}` : i % 3 === 1 ? n : `${n.slice(0, 2)} ${n.slice(2)}`));
    for (let i = 0; i < 75; i++) lines.push(unique[i * 7]);
    lines.push('not-a-number', '12345', '0044 20', 'abc123', '+');
    expect(lines).toHaveLength(1000);

    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: tenant.auth,
      form: campaignForm({ name: 'New year', body: BODY, optOut: 'Opt-Out' }, lines, ['+14155550100', '+14155550101']),
    });
    expect(created.status).toBe(201);
    expect(created.body.code).toBe(200);
    expect(created.body.data).toMatchObject({ status: 'initiating', name: 'New year', body: BODY, enterpriseSid: tenant.enterpriseSid, channel: 'sms' });
    expect(created.body.data.sid).toMatch(/^CP[0-9a-f]{32}$/);
    expect(created.body.data.upload).toEqual({ lines: 1000, valid: 995, invalid: 5 });
    const sid = created.body.data.sid;

    const done = await waitForStatus(stack, tenant, sid, 'completed');
    expect(done.recipients).toMatchObject({ received: 995, unique: 920, duplicates: 75, invalid: 5, optedOut: 50, accepted: 870 });
    expect(done.total).toBe(870);

    const expected = new Set(unique.filter((n) => !optedOut.includes(n)).map((n) => `+${n}`));
    const mine = stack.smsc.submits().filter((s) => expected.has(s.to) || optedOut.some((o) => `+${o}` === s.to));
    expect(mine).toHaveLength(870);
    expect(new Set(mine.map((s) => s.to))).toEqual(expected);
    expect(mine.every((s) => s.text === BODY)).toBe(true);
    expect(new Set(mine.map((s) => s.from))).toEqual(new Set(['+14155550100', '+14155550101']));

    const balance = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
    expect(balance.body.data).toEqual({ enterpriseSid: tenant.enterpriseSid, available: 2000 - 870, reserved: 0, used: 870 });

    const statuses = await waitFor(
      'four status records',
      async () => {
        const s = watch.records.filter((r) => r.key === sid).map((r) => r.value);
        return s.length >= 4 ? s : null;
      },
      30000,
    );
    expect(statuses.map((s) => s.status)).toEqual(['initiating', 'scheduled', 'in-progress', 'completed']);
    expect(statuses.map((s) => s.previousStatus)).toEqual([null, 'initiating', 'scheduled', 'in-progress']);
    for (const s of statuses) expect(s).toMatchObject({ type: 'CampaignStatusChanged', campaignSid: sid, enterpriseSid: tenant.enterpriseSid, occurredAt: expect.any(String) });

    // Every recipient reaches a final state on the deliveries topic: 870 sent (then delivered), 50 opted out.
    const outcomes = await waitFor(
      'every recipient outcome',
      async () => {
        const mine = deliveries.records.filter((r) => r.key === sid).map((r) => r.value);
        const final = new Map<string, string>();
        for (const o of mine) if (o.status !== 'sent' || !final.has(o.to)) final.set(o.to, o.status);
        if (final.size === 920 && [...final.values()].filter((v) => v === 'delivered').length === 870) return final;
        const counts: Record<string, number> = {};
        for (const v of final.values()) counts[v] = (counts[v] ?? 0) + 1;
        throw new Error(`outcomes so far ${JSON.stringify(counts)} from ${mine.length} records`);
      },
      30000,
    );
    expect(
      [...outcomes.entries()]
        .filter(([, v]) => v === 'opted-out')
        .map(([to]) => to)
        .sort(),
    ).toEqual(optedOut.map((n) => `+${n}`).sort());
  });

  it('sends long GSM-7 and UCS-2 bodies as UDH-concatenated parts and charges every part', async () => {
    const tenant = await provisionTenant(stack.url, 1000);
    const cases = [
      { body: 'Sale! '.repeat(40).trim() + ' {today} €5 off', parts: 2, dataCoding: 0, base: 50_000, units: [153, 104] }, // 257 septets ({, } and € count two)
      { body: 'Скидка сегодня! '.repeat(10).trim(), parts: 3, dataCoding: 8, base: 60_000, units: [67, 67, 25] }, // 159 UCS-2 units
    ];
    for (const c of cases) {
      const numbers = uniqueNumbers(40, c.base).map((n) => `+${n}`);
      const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name: `long ${c.parts}`, body: c.body, fromPrefix: '1' }, numbers) });
      expect(created.status).toBe(201);
      const done = await waitForStatus(stack, tenant, created.body.data.sid, 'completed');
      expect(done.total).toBe(40 * c.parts); // credits = parts × recipients
      const mine = stack.smsc.submits().filter((m) => numbers.includes(m.to));
      expect(mine).toHaveLength(40);
      for (const m of mine) {
        expect(m.text).toBe(c.body);
        expect(m.concatenation).toMatchObject({ mode: 'udh', dataCoding: c.dataCoding });
        expect(m.concatenation!.parts).toHaveLength(c.parts);
        // On the wire: each part behind its own UDH (IE 0x00: one reference, the total, numbers 1..n), no fuller than a part may be.
        const parts = expectParts(stack.smsc.parts(), m.to, 'udh', c.parts);
        expect(parts.map((p) => p.dataCoding)).toEqual(Array(c.parts).fill(c.dataCoding));
        expect(parts.map((p) => (c.dataCoding === 0 ? septets(p.text) : p.text.length))).toEqual(c.units);
      }
    }
    const balance = await waitFor('credits to settle', async () => {
      const b = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
      return b.body?.data?.reserved === 0 ? b.body.data : null;
    });
    expect(balance).toMatchObject({ used: 40 * 2 + 40 * 3, available: 1000 - 200 });
  });

  it('fails a campaign with 488 when credits are not enough, sending and holding nothing', async () => {
    const tenant = await provisionTenant(stack.url, 10);
    const numbers = uniqueNumbers(20, 10_000).map((n) => `+${n}`);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name: 'Too big', body: BODY, fromPrefix: '91' }, numbers) });
    expect(created.status).toBe(201);
    const failed = await waitForStatus(stack, tenant, created.body.data.sid, 'failed');
    expect(failed).toMatchObject({ failureCode: 488, failureMessage: 'Credit is not enough' });
    const balance = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
    expect(balance.body.data).toMatchObject({ available: 10, reserved: 0, used: 0 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(stack.smsc.submits().filter((s) => numbers.includes(s.to))).toHaveLength(0);
  });

  it('cancels a scheduled campaign: nothing is sent, the reservation comes back, a second cancel is 487', async () => {
    const tenant = await provisionTenant(stack.url, 100);
    const numbers = uniqueNumbers(30, 20_000).map((n) => `+${n}`);
    const startTime = new Date(Date.now() + 3600_000).toISOString().slice(0, 19); // the seed's form, UTC
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name: 'Later', body: BODY, fromPrefix: '44', startTime }, numbers) });
    expect(created.status).toBe(201);
    const sid = created.body.data.sid;
    await waitForStatus(stack, tenant, sid, 'scheduled');
    const held = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
    expect(held.body.data).toMatchObject({ available: 70, reserved: 30, used: 0 });

    const cancel = await api(stack.url, 'PUT', `/campaignmanager/campaigns/${sid}`, { auth: tenant.auth, json: { status: 'Canceled' } });
    expect(cancel.status).toBe(200);
    expect(cancel.body.data.status).toBe('cancelled');
    const again = await api(stack.url, 'PUT', `/campaignmanager/campaigns/${sid}`, { auth: tenant.auth, json: { status: 'cancelled' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe(487);

    await waitFor(
      'the reservation to be released',
      async () => {
        const b = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
        return b.body.data.reserved === 0 && b.body.data.available === 100 && b.body.data.used === 0;
      },
      30000,
    );
    expect(stack.smsc.submits().filter((s) => numbers.includes(s.to))).toHaveLength(0);
  });

  it('answers an unknown sid and another enterprise’s sid the same way, and 401 without valid credentials', async () => {
    const a = await provisionTenant(stack.url, 10);
    const b = await provisionTenant(stack.url, 0);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: a.auth,
      form: campaignForm({ name: 'Mine', body: BODY, fromPrefix: '1', startTime: '2099-01-01' }, ['+14155550123']),
    });
    expect(created.status).toBe(201);
    const sid = created.body.data.sid;
    const unknownSid = 'CP' + randomBytes(16).toString('hex');
    const foreign = await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${sid}`, { auth: b.auth });
    const unknown = await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${unknownSid}`, { auth: b.auth });
    expect(foreign.status).toBe(409);
    expect(unknown.status).toBe(409);
    expect(foreign.body).toEqual({ code: 463, errorCode: '463', message: 'Campaign not found', data: { sid } });
    expect(unknown.body).toEqual({ code: 463, errorCode: '463', message: 'Campaign not found', data: { sid: unknownSid } });
    const foreignCancel = await api(stack.url, 'PUT', `/campaignmanager/campaigns/${sid}`, { auth: b.auth, json: { status: 'cancelled' } });
    expect(foreignCancel.status).toBe(409);
    expect(foreignCancel.body.code).toBe(486); // the update's own "not found" (seed 000 Update Campaign)
    expect((await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${sid}`, { auth: a.auth })).status).toBe(200);

    expect((await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${sid}`)).status).toBe(401);
    expect((await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${sid}`, { auth: [a.accountSid, 'wrong'] })).status).toBe(401);
    expect((await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: ['AC' + 'f'.repeat(32), a.authToken] })).status).toBe(401);
    expect((await api(stack.url, 'POST', '/campaignmanager/enterprises', { auth: ['operator', 'nope'], json: { name: 'x' } })).status).toBe(401);
    expect((await api(stack.url, 'POST', '/campaignmanager/enterprises', { auth: a.auth, json: { name: 'x' } })).status).toBe(401);
    // The API description is public.
    const docs = await api(stack.url, 'GET', '/docs/openapi.json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toContain('/campaignmanager/campaigns/search/{campaignSid}');
  });

  it('refuses malformed campaigns with the seed’s codes and keeps nothing of them', async () => {
    const t: Tenant = await provisionTenant(stack.url, 10);
    const post = (fields: Record<string, string>, to = ['+14155550199']) => api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: t.auth, form: campaignForm(fields, to) });
    const noName = await post({ body: BODY, fromPrefix: '1' });
    expect([noName.status, noName.body.code]).toEqual([409, 4000]);
    expect(noName.body.message).toContain('name');
    const badDate = await post({ name: 'n', body: BODY, fromPrefix: '1', startTime: '05/10/2018' });
    expect([badDate.status, badDate.body.code]).toEqual([400, 498]);
    const past = await post({ name: 'n', body: BODY, fromPrefix: '1', startTime: '2019-01-01T09:53:51' });
    expect([past.status, past.body.code]).toEqual([409, 489]);
    const noValid = await post({ name: 'n', body: BODY, fromPrefix: '1' }, ['hello', '123']);
    expect([noValid.status, noValid.body.code]).toEqual([409, 499]);
    const credits = await api(stack.url, 'GET', '/campaignmanager/credits/search?pageSize=5', { auth: t.auth });
    expect(credits.status).toBe(200);
    expect(credits.body).toMatchObject({ page: 0, page_size: 5, total: 1, num_pages: 1, start: 0, end: 0 });
    expect(credits.body.data[0]).toMatchObject({ credit: 10, description: 'test top-up', sid: expect.stringMatching(/^ENC[0-9a-f]{32}$/) });
    const one = await api(stack.url, 'GET', `/campaignmanager/credits/search/${credits.body.data[0].sid}`, { auth: t.auth });
    expect(one.body.data).toEqual(credits.body.data[0]);
    const balance = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: t.auth });
    expect(balance.body.data).toMatchObject({ available: 10, reserved: 0, used: 0 });
  });

  it('fails a campaign whose upload never completed (the gateway stopped mid-stream) with 497', async () => {
    const tenant = await provisionTenant(stack.url, 10);
    const campaignSid = newSid('campaign');
    const producer = stack.kafka.producer();
    await producer.connect();
    const send = (m: ReturnType<typeof message>) => producer.send({ topic: stack.prefix + TOPIC.campaignCommands, messages: [{ key: campaignSid, value: JSON.stringify(m) }] });
    await send(
      message('CreateCampaign', {
        campaignSid,
        enterpriseSid: tenant.enterpriseSid,
        accountSid: tenant.accountSid,
        accountEmail: 'ops@acme.test',
        name: 'cut off',
        channel: 'sms',
        body: 'x',
        creditsPerRecipient: 1,
        fromNumbers: [],
        fromPrefix: '1',
        startTime: null,
        optOut: null,
        optIn: null,
        requestedAt: new Date().toISOString(),
      }),
    );
    await send(message('AddRecipients', { campaignSid, batchNo: 0, numbers: ['+14155550777'] }));
    await producer.disconnect();
    const failed = await waitForStatus(stack, tenant, campaignSid, 'failed', 60000);
    expect(failed).toMatchObject({ failureCode: 497, failureMessage: 'The recipient upload did not complete' });
    const balance = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
    expect(balance.body.data).toMatchObject({ available: 10, reserved: 0 });
  });

  it('lists an enterprise’s campaigns with the seed’s paging, filters and sorting, and nobody else’s', async () => {
    const t = await provisionTenant(stack.url, 100);
    const other = await provisionTenant(stack.url, 100);
    const later = '2099-01-01';
    for (const [tenant, name] of [
      [t, 'Spring sale'],
      [t, 'Summer sale'],
      [t, 'Winter news'],
      [other, 'Spring sale (other)'],
    ] as const) {
      const r = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name, body: BODY, fromPrefix: '1', startTime: later }, ['+14155550888']) });
      expect(r.status).toBe(201);
    }
    await waitFor(
      'three scheduled campaigns',
      async () => {
        const r = await api(stack.url, 'GET', '/campaignmanager/campaigns/search?status=Scheduled', { auth: t.auth });
        return r.body.total === 3;
      },
      30000,
    );
    const sales = await api(stack.url, 'GET', '/campaignmanager/campaigns/search?name=sale&SortBy=name:desc', { auth: t.auth });
    expect(sales.status).toBe(200);
    expect(sales.body.data.map((c: { name: string }) => c.name)).toEqual(['Summer sale', 'Spring sale']);
    expect(sales.body).toMatchObject({ page: 0, page_size: 10, total: 2, num_pages: 1, start: 0, end: 1, previous_page_uri: null, next_page_uri: null });
    const paged = await api(stack.url, 'GET', '/campaignmanager/campaigns/search?pageSize=2&page=1&SortBy=name', { auth: t.auth });
    expect(paged.body).toMatchObject({ page: 1, total: 3, num_pages: 2, start: 2, end: 2 });
    expect(paged.body.data.map((c: { name: string }) => c.name)).toEqual(['Winter news']);
    expect(paged.body.previous_page_uri).toContain('page=0');
    const bad = await api(stack.url, 'GET', '/campaignmanager/campaigns/search?status=sleeping', { auth: t.auth });
    expect([bad.status, bad.body.code]).toEqual([409, 483]);
    const badSort = await api(stack.url, 'GET', '/campaignmanager/campaigns/search?SortBy=body:asc', { auth: t.auth });
    expect([badSort.status, badSort.body.code]).toEqual([400, 4001]);
  });
});
