/**
 * Seed 000's Do-Not-Disturb API through REST on the real stack: the opt-out list and named opt-in
 * lists (upload, search, get, delete), their codes and statuses, tenant isolation, and a campaign
 * naming an opt-in list reaching only its members.
 */
import type { Producer } from 'kafkajs';
import { TOPIC } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { api, campaignForm, numberFile, provisionTenant, startStack, waitForStatus, type Stack, type Tenant } from './support/stack';
import { testNumbers } from './support/numbers';

const SID = /^OT[0-9a-f]{32}$/;
const SEED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
/** The seed writes numbers without "+". */
const bare = (e164: string) => e164.slice(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DND lists through REST', () => {
  let stack: Stack;
  let a: Tenant;
  let b: Tenant;
  const get = (t: Tenant, path: string) => api(stack.url, 'GET', path, { auth: t.auth });
  const del = (t: Tenant, path: string) => api(stack.url, 'DELETE', path, { auth: t.auth });
  const upload = (t: Tenant, list: 'optout' | 'optin', lines: string[], name?: string) => {
    const form = numberFile(lines);
    if (name !== undefined) form.append('name', name);
    return api(stack.url, 'POST', `/campaignmanager/dnd/${list}`, { auth: t.auth, form });
  };
  /** Every entry of a search, in the order it answers them. */
  const all = async (t: Tenant, list: 'optout' | 'optin', query = '') => {
    const r = await get(t, `/campaignmanager/dnd/${list}/search?pageSize=1000${query}`);
    expect(r.status).toBe(200);
    return r.body.data.result as Array<{ sid: string; name: string; number: string; dateCreated: string; enterpriseSid: string }>;
  };

  beforeAll(async () => {
    stack = await startStack();
    a = await provisionTenant(stack.url, 100);
    b = await provisionTenant(stack.url, 0);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('opt-out: upload, re-upload without duplicates, search with filters, sort and paging, get and delete', async () => {
    const n = testNumbers(5, 1);
    const first = await upload(a, 'optout', [bare(n[0]), n[1], `${n[2].slice(0, 4)} ${n[2].slice(4)}`, 'not-a-number']);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ code: 200, message: 'OK', data: { name: 'Opt-Out', enterpriseSid: a.enterpriseSid, numbers: 3, added: 3, alreadyListed: 0, invalid: 1 } });

    const before = await all(a, 'optout');
    expect(before).toHaveLength(3);
    for (const e of before) {
      expect(e).toEqual({ sid: expect.stringMatching(SID), name: 'Opt-Out', number: expect.any(String), dateCreated: expect.stringMatching(SEED_TIME), enterpriseSid: a.enterpriseSid });
    }
    expect(new Set(before.map((e) => e.number))).toEqual(new Set(n.slice(0, 3).map(bare)));

    // Later by more than a second, so the two uploads differ in dateCreated as the API shows it.
    await sleep(1100);
    const second = await upload(a, 'optout', n.slice(1));
    expect(second.body.data).toMatchObject({ numbers: 4, added: 2, alreadyListed: 2 });
    const after = await all(a, 'optout');
    expect(after).toHaveLength(5);
    for (const e of before) expect(after).toContainEqual(e); // same sid, same dateCreated

    // Ascending by default and with SortBy; descending with the seed's own spelling.
    const asc = await all(a, 'optout', '&SortBy=dateCreated:asc');
    expect(asc).toEqual(after);
    expect(new Set(asc.slice(0, 3).map((e) => e.number))).toEqual(new Set(n.slice(0, 3).map(bare)));
    const desc = await all(a, 'optout', '&sortBy=datecreated:desc');
    expect(desc).toEqual([...asc].reverse());

    // Filters: phoneNumber in either form, startTime and endTime inclusive in the seed's forms.
    expect((await all(a, 'optout', `&phoneNumber=${bare(n[3])}`)).map((e) => e.number)).toEqual([bare(n[3])]);
    expect((await all(a, 'optout', `&phoneNumber=${encodeURIComponent(n[0])}`)).map((e) => e.number)).toEqual([bare(n[0])]);
    const firstTime = asc[0].dateCreated;
    const secondTime = asc[4].dateCreated;
    expect(secondTime > firstTime).toBe(true);
    expect(await all(a, 'optout', `&startTime=${encodeURIComponent(secondTime)}`)).toEqual(asc.slice(3));
    expect(await all(a, 'optout', `&endTime=${firstTime.slice(0, 19)}`)).toEqual(asc.slice(0, 3));
    expect(await all(a, 'optout', `&startTime=${firstTime.slice(0, 19)}&endTime=${encodeURIComponent(secondTime)}`)).toEqual(asc);
    expect(await all(a, 'optout', `&endTime=${firstTime.slice(0, 10)}`)).toEqual([]); // a date alone is its midnight
    expect(await all(a, 'optout', '&startTime=2999-01-01')).toEqual([]);

    // Paging fields inside data, and a uri that gives the same page again.
    const paged = await get(a, '/campaignmanager/dnd/optout/search?pageSize=2&page=1&sortBy=datecreated:desc');
    expect(paged.status).toBe(200);
    expect(paged.body).toMatchObject({ code: 200, message: 'OK' });
    expect(paged.body.data).toEqual({
      result: desc.slice(2, 4),
      pageSize: 2,
      total: 5,
      page: 1,
      numPages: 3,
      start: 2,
      end: 3,
      firstPageUri: expect.stringMatching(/^\/campaignmanager\/dnd\/optout\/search\?.*page=0/),
      uri: expect.stringMatching(/^\/campaignmanager\/dnd\/optout\/search\?.*page=1/),
    });
    expect((await get(a, paged.body.data.uri)).body.data.result).toEqual(desc.slice(2, 4));
    expect((await get(a, paged.body.data.firstPageUri)).body.data.result).toEqual(desc.slice(0, 2));
    const defaults = await get(a, '/campaignmanager/dnd/optout/search');
    expect(defaults.body.data).toMatchObject({ page: 0, pageSize: 10, total: 5, numPages: 1, start: 0, end: 4 });

    // One entry, then deleted: the delete answers it, after which it is gone.
    const target = asc[1];
    expect(await get(a, `/campaignmanager/dnd/optout/search/${target.sid}`)).toEqual({ status: 200, body: { code: 200, message: 'OK', data: target } });
    expect(await del(a, `/campaignmanager/dnd/optout/${target.sid}`)).toEqual({ status: 200, body: { code: 200, message: 'OK', data: target } });
    const gone = { status: 409, body: { code: 491, errorCode: '491', message: 'OptOut Sid not found', data: target.sid } };
    expect(await get(a, `/campaignmanager/dnd/optout/search/${target.sid}`)).toEqual(gone);
    expect(await del(a, `/campaignmanager/dnd/optout/${target.sid}`)).toEqual(gone);
    expect(await get(a, '/campaignmanager/dnd/optout/search/OT123')).toEqual({ status: 409, body: { code: 491, errorCode: '491', message: 'OptOut Sid not found', data: 'OT123' } });
    expect(await all(a, 'optout')).toHaveLength(4);
  });

  it('opt-in: named lists, the default name, the name filter, and 491 in the opt-in wording', async () => {
    const n = testNumbers(4, 2);
    const vip = await upload(a, 'optin', n.slice(0, 3), 'vip');
    expect(vip.status).toBe(200);
    expect(vip.body).toEqual({ code: 200, message: 'OK', data: { name: 'vip', enterpriseSid: a.enterpriseSid, numbers: 3, added: 3, alreadyListed: 0, invalid: 0 } });
    const unnamed = await upload(a, 'optin', [n[2], n[3]]);
    expect(unnamed.body.data).toMatchObject({ name: 'opt-in', added: 2 });

    const vipEntries = await all(a, 'optin', '&name=vip');
    expect(vipEntries.map((e) => e.number).sort()).toEqual(n.slice(0, 3).map(bare).sort());
    expect(vipEntries.every((e) => e.name === 'vip' && SID.test(e.sid) && SEED_TIME.test(e.dateCreated) && e.enterpriseSid === a.enterpriseSid)).toBe(true);
    expect((await all(a, 'optin', '&name=opt-in')).map((e) => e.number).sort()).toEqual([bare(n[2]), bare(n[3])].sort());
    // The same number on two lists is two entries; without a name the search spans every list.
    const both = await all(a, 'optin', `&phoneNumber=${bare(n[2])}`);
    expect(both.map((e) => e.name).sort()).toEqual(['opt-in', 'vip']);
    expect(await all(a, 'optin')).toHaveLength(5);
    expect(await all(a, 'optin', '&name=nobody')).toEqual([]);

    // Re-uploading to the same list adds nothing and keeps each entry as it was.
    const again = await upload(a, 'optin', n.slice(0, 3), 'vip');
    expect(again.body.data).toMatchObject({ added: 0, alreadyListed: 3 });
    expect(await all(a, 'optin', '&name=vip')).toEqual(vipEntries);
    const desc = await all(a, 'optin', '&sortBy=datecreated:desc');
    expect(desc).toEqual([...(await all(a, 'optin', '&SortBy=dateCreated:asc'))].reverse());

    const target = vipEntries[0];
    expect(await get(a, `/campaignmanager/dnd/optin/search/${target.sid}`)).toEqual({ status: 200, body: { code: 200, message: 'OK', data: target } });
    // An opt-in sid is not on the opt-out list.
    expect((await get(a, `/campaignmanager/dnd/optout/search/${target.sid}`)).body.code).toBe(491);
    expect(await del(a, `/campaignmanager/dnd/optin/${target.sid}`)).toEqual({ status: 200, body: { code: 200, message: 'OK', data: target } });
    const gone = { status: 409, body: { code: 491, errorCode: '491', message: 'OptIn Sid not found', data: target.sid } };
    expect(await del(a, `/campaignmanager/dnd/optin/${target.sid}`)).toEqual(gone);
    expect(await get(a, `/campaignmanager/dnd/optin/search/${target.sid}`)).toEqual(gone);
    expect(await all(a, 'optin', '&name=vip')).toHaveLength(2);
  });

  it('answers the seed codes with their HTTP statuses', async () => {
    for (const list of ['optout', 'optin'] as const) {
      const invalid = await upload(a, list, ['not-a-number', '123']);
      expect(invalid.status).toBe(409);
      expect(invalid.body).toMatchObject({ code: 490, message: 'Dnd File numbers is not valid' });

      const noFile = new FormData();
      noFile.append('name', 'vip');
      const missing = await api(stack.url, 'POST', `/campaignmanager/dnd/${list}`, { auth: a.auth, form: noFile });
      expect(missing.status).toBe(409);
      expect(missing.body).toMatchObject({ code: 4000, message: 'Mandatory parameter missing. file needs to be passed.' });
      const json = await api(stack.url, 'POST', `/campaignmanager/dnd/${list}`, { auth: a.auth, json: { file: '/Users/numbers.csv' } });
      expect(json.status).toBe(409);
      expect(json.body.code).toBe(4000);

      for (const q of ['startTime=05/10/2018', 'endTime=2021-02-30']) {
        const bad = await get(a, `/campaignmanager/dnd/${list}/search?${q}`);
        expect(bad.status).toBe(400);
        expect(bad.body.code).toBe(498);
      }
      for (const q of ['pageSize=1001', 'page=-1', 'SortBy=number:asc']) {
        const bad = await get(a, `/campaignmanager/dnd/${list}/search?${q}`);
        expect(bad.status).toBe(400);
        expect(bad.body.code).toBe(4001);
      }
      expect((await get(a, `/campaignmanager/dnd/${list}/search?pageSize=1000`)).status).toBe(200);
      expect((await api(stack.url, 'GET', `/campaignmanager/dnd/${list}/search`, {})).status).toBe(401);
    }
  });

  it("keeps each enterprise's lists to itself", async () => {
    const n = testNumbers(2, 3);
    await upload(a, 'optout', [n[0]]);
    await upload(a, 'optin', [n[1]], 'private');
    const [out] = await all(a, 'optout', `&phoneNumber=${bare(n[0])}`);
    const [inn] = await all(a, 'optin', `&phoneNumber=${bare(n[1])}`);
    const optOutsBefore = await all(a, 'optout');
    const optInsBefore = await all(a, 'optin');

    expect(await del(b, `/campaignmanager/dnd/optout/${out.sid}`)).toEqual({ status: 409, body: { code: 491, errorCode: '491', message: 'OptOut Sid not found', data: out.sid } });
    expect(await get(b, `/campaignmanager/dnd/optout/search/${out.sid}`)).toEqual({ status: 409, body: { code: 491, errorCode: '491', message: 'OptOut Sid not found', data: out.sid } });
    expect(await del(b, `/campaignmanager/dnd/optin/${inn.sid}`)).toEqual({ status: 409, body: { code: 491, errorCode: '491', message: 'OptIn Sid not found', data: inn.sid } });
    expect(await get(b, `/campaignmanager/dnd/optin/search/${inn.sid}`)).toEqual({ status: 409, body: { code: 491, errorCode: '491', message: 'OptIn Sid not found', data: inn.sid } });
    expect(await all(b, 'optout')).toEqual([]);
    expect(await all(b, 'optin')).toEqual([]);
    expect(await all(b, 'optin', '&name=private')).toEqual([]);
    expect(await all(b, 'optout', `&phoneNumber=${bare(n[0])}`)).toEqual([]);

    // Nothing of the first enterprise changed.
    expect(await all(a, 'optout')).toEqual(optOutsBefore);
    expect(await all(a, 'optin')).toEqual(optInsBefore);
    expect((await get(a, `/campaignmanager/dnd/optout/search/${out.sid}`)).status).toBe(200);

    // The same number on the second enterprise's list is an entry of its own.
    expect((await upload(b, 'optout', [n[0]])).body.data).toMatchObject({ enterpriseSid: b.enterpriseSid, added: 1 });
    const [theirs] = await all(b, 'optout');
    expect(theirs).toMatchObject({ number: bare(n[0]), enterpriseSid: b.enterpriseSid });
    expect(theirs.sid).not.toBe(out.sid);
  });

  it('a campaign naming an opt-in list reaches only its members, less the opted-out', async () => {
    const members = testNumbers(6, 4);
    const others = testNumbers(4, 4, 100);
    expect((await upload(a, 'optin', members, 'newsletter')).status).toBe(200);
    // Another list of the same enterprise and the same list name of another enterprise must not count.
    expect((await upload(a, 'optin', [others[0]], 'other-list')).status).toBe(200);
    expect((await upload(b, 'optin', [others[1]], 'newsletter')).status).toBe(200);
    expect((await upload(a, 'optout', [members[5]])).status).toBe(200);

    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: a.auth,
      form: campaignForm({ name: 'Members only', body: 'Members news', optIn: 'newsletter' }, [...members, ...others].map(bare), ['+14155550100']),
    });
    expect(created.status).toBe(201);
    const done = await waitForStatus(stack, a, created.body.data.sid, 'completed');
    expect(done.total).toBe(5);
    const targeted = new Set([...members, ...others]);
    const sent = stack.smsc.submits().filter((s) => targeted.has(s.to));
    expect(sent.map((s) => s.to).sort()).toEqual(members.slice(0, 5).sort());
    expect(sent.every((s) => s.text === 'Members news')).toBe(true);
  });

  it('answers FindOptInList for campaign create: the list with its count, or 4001', async () => {
    const producer: Producer = stack.kafka.producer();
    await producer.connect();
    const rr = new RequestReplyClient(stack.kafka, producer, stack.prefix);
    await rr.start();
    try {
      await upload(a, 'optin', testNumbers(3, 5), 'counted');
      const [one] = await all(a, 'optin', '&name=counted');
      await del(a, `/campaignmanager/dnd/optin/${one.sid}`);
      expect(await rr.request(TOPIC.dndQueries, a.enterpriseSid, 'FindOptInList', { enterpriseSid: a.enterpriseSid, name: 'counted' })).toEqual({ ok: true, value: { name: 'counted', numbers: 2 } });
      const unknown = await rr.request(TOPIC.dndQueries, b.enterpriseSid, 'FindOptInList', { enterpriseSid: b.enterpriseSid, name: 'counted' });
      expect(unknown).toEqual({ ok: false, error: { code: 4001, status: 400, message: 'Invalid parameter. The opt-in list "counted" does not exist.' } });
    } finally {
      await rr.stop();
      await producer.disconnect();
    }
  });
});
