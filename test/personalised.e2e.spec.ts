/**
 * Seed 001's personalisation end to end, through REST on the real broker and database with the
 * SMSC simulator: a CSV contact file fills {{name}}, {{custom1}}, {{custom2}} per recipient, each
 * recipient receives its own text, and what is reserved and charged is the sum of each one's own
 * segments. Invalid numbers are skipped and counted, or refuse the upload with their lines.
 */
import { fillTemplate } from '@clarion/contracts';
import { segmentsFor } from '@clarion/smpp';
import { testNumbers } from './support/numbers';
import { api, numberFile, provisionTenant, startStack, waitFor, waitForStatus, type Stack, type Tenant } from './support/stack';

const BODY = 'Hi {{name}}, your code is {{custom1}}. {{custom2}}';

/** A multipart create with a CSV toFile given as its raw text. */
function csvForm(fields: Record<string, string>, csv: string): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('toFile', new Blob([csv], { type: 'text/csv' }), 'contacts.csv');
  return form;
}

describe('personalised SMS campaigns (seed 001 contacts)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ smsc: { partsKeptMax: 10_000 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const balance = async (t: Tenant) => (await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: t.auth })).body.data;

  it('sends each recipient its own text and charges exactly the sum of their segments', async () => {
    const tenant = await provisionTenant(stack.url, 1000);
    const n = testNumbers(7, 3);
    const opted = n[6];
    expect((await api(stack.url, 'POST', '/campaignmanager/dnd/optout', { auth: tenant.auth, form: numberFile([opted]) })).status).toBe(200);
    const contacts = [
      { phoneNumber: n[0], name: 'Ann', custom1: 'A1', custom2: '' }, // 1 GSM segment
      { phoneNumber: n[1], name: 'B'.repeat(100), custom1: 'B2', custom2: 'C'.repeat(60) }, // 2 GSM segments (fields are at most 100 characters each)
      { phoneNumber: n[2], name: 'Дмитрий', custom1: 'D3', custom2: '' }, // UCS-2, 1 segment
      { phoneNumber: n[3], name: 'Жанна '.repeat(12).trim(), custom1: 'E4', custom2: '' }, // UCS-2, 2 segments
      { phoneNumber: n[4], name: 'Smith, Jane "JJ"', custom1: '{{name}}', custom2: '€ off' }, // quoted, a value that looks like a placeholder
      { phoneNumber: n[5], name: '', custom1: '', custom2: '' }, // no fields: empty
      { phoneNumber: opted, name: 'Opted', custom1: 'out', custom2: '' },
    ];
    const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const csv =
      '\uFEFFphoneNumber,name,custom1,custom2\r\n' +
      contacts.map((c) => [c.phoneNumber, c.name, c.custom1, c.custom2].map(q).join(',')).join('\r\n') +
      `\r\n${n[0]},Duplicate,x,y\r\nnot-a-number,Nobody,,\r\n`;
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: csvForm({ name: 'Personal', body: BODY, fromPrefix: '1', optOut: 'Opt-Out' }, csv) });
    expect([created.status, created.body.message]).toEqual([201, 'OK']);
    expect(created.body.data.upload).toEqual({ lines: 9, valid: 8, invalid: 1 });
    const sid = created.body.data.sid;

    const accepted = contacts.slice(0, 6);
    const expected = new Map(accepted.map((c) => [c.phoneNumber, fillTemplate(BODY, { name: c.name || undefined, custom1: c.custom1 || undefined, custom2: c.custom2 || undefined })]));
    const segments = [...expected.values()].map((t) => segmentsFor(t));
    expect(segments).toEqual([1, 2, 1, 2, 1, 1]);
    const sum = segments.reduce((a, b) => a + b, 0);

    const done = await waitForStatus(stack, tenant, sid, 'completed');
    expect(done.recipients).toMatchObject({ received: 8, unique: 7, duplicates: 1, invalid: 1, optedOut: 1, accepted: 6 });
    expect(done.total).toBe(sum);
    const received = stack.smsc.submits().filter((m) => n.includes(m.to));
    expect(new Map(received.map((m) => [m.to, m.text]))).toEqual(expected);
    expect(received).toHaveLength(6);
    expect(expected.get(n[4])).toBe('Hi Smith, Jane "JJ", your code is {{name}}. € off');
    expect(expected.get(n[5])).toBe('Hi , your code is . ');
    const settled = await waitFor('credits to settle', async () => {
      const b = await balance(tenant);
      return b.reserved === 0 ? b : null;
    });
    expect(settled).toMatchObject({ used: sum, available: 1000 - sum });

    // The contacts as uploaded (de-duplicated, before DND), with their fields, paged by number.
    const page = await api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/contacts?pageSize=4`, { auth: tenant.auth });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 7, num_pages: 2, page: 0, page_size: 4 });
    const sorted = [...contacts].sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber));
    expect(page.body.data).toEqual(sorted.slice(0, 4));
    const second = await api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/contacts?pageSize=4&page=1`, { auth: tenant.auth });
    expect(second.body.data).toEqual(sorted.slice(4));
    const other = await provisionTenant(stack.url, 0);
    const foreign = await api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/contacts`, { auth: other.auth });
    expect([foreign.status, foreign.body.code]).toEqual([409, 463]);
  });

  it('reserves the sum of the segments while scheduled, and gives it all back on cancel', async () => {
    const tenant = await provisionTenant(stack.url, 100);
    const n = testNumbers(3, 4);
    const csv = `${n[0]},${'L'.repeat(100)},,${'M'.repeat(60)}\n${n[1]},Bo\n${n[2]},Иван\n`;
    const startTime = new Date(Date.now() + 3600_000).toISOString().slice(0, 19);
    const sum = [{ name: 'L'.repeat(100), custom2: 'M'.repeat(60) }, { name: 'Bo' }, { name: 'Иван' }].reduce((s, f) => s + segmentsFor(fillTemplate(BODY, f)), 0);
    expect(sum).toBe(2 + 1 + 1);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: csvForm({ name: 'Later', body: BODY, fromPrefix: '1', startTime }, csv) });
    expect(created.status).toBe(201);
    const scheduled = await waitForStatus(stack, tenant, created.body.data.sid, 'scheduled');
    expect(scheduled.total).toBe(sum);
    expect(await balance(tenant)).toMatchObject({ reserved: sum, available: 100 - sum });
    const cancel = await api(stack.url, 'PUT', `/campaignmanager/campaigns/${created.body.data.sid}`, { auth: tenant.auth, json: { status: 'cancelled' } });
    expect(cancel.status).toBe(200);
    await waitFor(
      'the reservation back',
      async () => {
        const b = await balance(tenant);
        return b.reserved === 0 && b.available === 100;
      },
      30000,
    );
  });

  it('ignoreInvalidPhoneNumbers=false refuses the upload with the invalid lines; true skips and counts them', async () => {
    const tenant = await provisionTenant(stack.url, 100);
    const n = testNumbers(3, 5);
    const csv = `phoneNumber,name\n${n[0]},A\nbogus,B\n${n[1]},C\n12,D\n${n[2]},E\n`;
    const refused = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: tenant.auth,
      form: csvForm({ name: 'Strict', body: BODY, fromPrefix: '1', ignoreInvalidPhoneNumbers: 'false' }, csv),
    });
    expect([refused.status, refused.body.code]).toEqual([400, 4001]);
    expect(refused.body.data).toEqual({ invalid: 2, invalidLines: [3, 5] });
    expect(refused.body.message).toContain('lines 3, 5');
    const accepted = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: tenant.auth,
      form: csvForm({ name: 'Lenient', body: BODY, fromPrefix: '1', ignoreInvalidPhoneNumbers: 'true' }, csv),
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.data.upload).toEqual({ lines: 5, valid: 3, invalid: 2 });
    const done = await waitForStatus(stack, tenant, accepted.body.data.sid, 'completed');
    expect(done.recipients).toMatchObject({ invalid: 2, accepted: 3 });
    expect(
      stack.smsc
        .submits()
        .filter((m) => n.includes(m.to))
        .map((m) => m.text)
        .sort(),
    ).toEqual(['Hi A, your code is . ', 'Hi C, your code is . ', 'Hi E, your code is . ']);
    // Nothing of the refused upload was kept: only the lenient campaign's credits moved.
    expect((await api(stack.url, 'GET', '/campaignmanager/campaigns/search', { auth: tenant.auth })).body.total).toBe(1);
  });
});
