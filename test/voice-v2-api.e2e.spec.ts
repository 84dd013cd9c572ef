/**
 * The voice-campaign API of seeds 002/003 through HTTP on the real stack and the voice simulator:
 * the seeds' examples (create, get, update, pause, resume, list, call details, delete), the field
 * names and envelope of their answers, and each refusal with Clarion's code and HTTP status.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testNumbers } from './support/numbers';
import { api, provisionTenant, startStack, waitFor, type ApiAnswer, type Stack, type Tenant } from './support/stack';

const CAMPAIGN_FIELDS = [
  'id',
  'account_sid',
  'name',
  'type',
  'status',
  'caller_id',
  'url',
  'announcement_sid',
  'lists',
  'call_duplicate_numbers',
  'retries',
  'schedule',
  'status_callback',
  'call_status_callback',
  'call_schedule_callback',
  'custom_field',
  'numbers',
  'stats',
  'date_created',
  'date_updated',
  'uri',
].sort();
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('voice-campaign API (seeds 002/003)', () => {
  let stack: Stack;
  let t: Tenant;
  let flow: Server;
  let flowUrl: string;
  const outcomes = new Map<string, 'busy'>();

  beforeAll(async () => {
    flow = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end('<Response><Say>Your order ships today</Say></Response>'));
    await new Promise<void>((resolve) => flow.listen(0, '127.0.0.1', resolve));
    flowUrl = `http://127.0.0.1:${(flow.address() as AddressInfo).port}/exoml/start_voice/1`;
    // Retry "minutes" of a tenth of a second, so the example's retries happen within the test.
    stack = await startStack({ voice: { outcomeFor: (to) => outcomes.get(to) }, env: { VOICE_RETRY_MINUTE_MS: '100', WEBHOOK_ALLOW_PRIVATE_URLS: '1' } });
    t = await provisionTenant(stack.url, 100);
  });
  afterAll(async () => {
    await stack?.stop();
    await new Promise<void>((resolve) => flow.close(() => resolve()));
  });

  const base = () => `/v2/accounts/${t.accountSid}/campaigns`;
  const call = (method: string, path: string, json?: unknown) => api(stack.url, method, path, { auth: t.auth, ...(json !== undefined ? { json } : {}) });
  const one = (r: ApiAnswer) => r.body.response[0].data;
  const failure = (r: ApiAnswer) => [r.status, r.body.http_code, r.body.response[0].status, r.body.response[0].error_data?.code];

  it('creates, gets, lists and reports call details with the seeds’ field names; retries follow the example', async () => {
    const n = testNumbers(3, 80);
    outcomes.set(n[2], 'busy');
    const created = await call('POST', base(), {
      name: 'Diwali offers',
      from: `${n[0]},${n[1]},${n[2]}`,
      caller_id: '+14155550100',
      url: flowUrl,
      type: 'trans',
      call_duplicate_numbers: 'false',
      retries: { number_of_retries: 1, interval_mins: 1, mechanism: 'Linear' },
      on_status: ['busy', 'no-answer'],
      custom_field: 'order-42',
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ method: 'POST', http_code: 200, request_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(created.body.response).toHaveLength(1);
    expect(created.body.response[0]).toMatchObject({ code: 200, status: 'success', error_data: null });
    const c = one(created);
    expect(Object.keys(c).sort()).toEqual(CAMPAIGN_FIELDS);
    expect(c).toMatchObject({
      id: expect.stringMatching(/^CP[0-9a-f]{32}$/),
      account_sid: t.accountSid,
      name: 'Diwali offers',
      type: 'trans',
      status: 'created',
      caller_id: '+14155550100',
      url: flowUrl,
      retries: { number_of_retries: 1, interval_mins: 1, mechanism: 'Linear', on_status: ['busy', 'no-answer'] },
      schedule: { send_at: expect.stringMatching(RFC3339), end_at: null },
      custom_field: 'order-42',
      uri: `${base()}/${c.id}`,
    });
    expect(c.date_created).toMatch(RFC3339);

    const done = await waitFor('completed', async () => {
      const g = one(await call('GET', `${base()}/${c.id}`));
      return g.status === 'completed' ? g : null;
    });
    expect(done.stats).toMatchObject({ delivered: 2, undelivered: 1 });
    // The busy number was called twice (one retry), the others once; the custom field rides on the flow URL.
    const calls = stack.voice!.calls().filter((x) => n.includes(x.to));
    expect(calls.filter((x) => x.to === n[2])).toHaveLength(2);
    expect(calls).toHaveLength(4);
    expect(new URL(calls[0].url).searchParams.get('CustomField')).toBe('order-42');
    // One credit per call placed: 4 of the 6 held.
    await waitFor('the charge', async () => {
      const b = (await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: t.auth })).body.data;
      return b.used === 4 && b.reserved === 0 && b.available === 96;
    });

    const details = await call('GET', `${base()}/${c.id}/call-details?limit=10`);
    expect(details.status).toBe(200);
    expect(details.body.metadata).toMatchObject({ offset: 0, limit: 10, total: 4, count: 4 });
    const rows = details.body.response.map((e: { data: unknown }) => e.data);
    expect(Object.keys(rows[0]).sort()).toEqual(['attempt', 'call_sid', 'duration', 'end_time', 'number', 'start_time', 'status']);
    expect(rows.filter((r: { number: string }) => r.number === n[2]).map((r: { attempt: number; status: string }) => [r.attempt, r.status])).toEqual([
      [1, 'busy'],
      [2, 'busy'],
    ]);
    // The seed's own spelling of the path, and the CSV export.
    expect((await call('GET', `/v2/accounts/${t.accountSid}/campaign/${c.id}/call-details`)).body.metadata.total).toBe(4);
    const csv = await fetch(`${stack.url}${base()}/${c.id}/call-details?format=csv`, { headers: { authorization: 'Basic ' + Buffer.from(t.auth.join(':')).toString('base64') } });
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('number,attempt,call_sid,status,duration,start_time,end_time');
    expect(lines).toHaveLength(5);

    const listed = await call('GET', `${base()}?status=completed,in-progress&sort_by=name:asc&limit=5`);
    expect(listed.status).toBe(200);
    expect(listed.body.metadata).toMatchObject({ offset: 0, limit: 5, total: 1 });
    expect(listed.body.response.map((e: { data: { id: string } }) => e.data.id)).toEqual([c.id]);
  });

  it('pauses and resumes a running campaign, changes its callbacks, and deletes one not started', async () => {
    const n = testNumbers(2, 81);
    const later = new Date(Date.now() + 3600_000).toISOString();
    const scheduled = one(await call('POST', base(), { name: 'Later', from: n, caller_id: '+14155550100', url: flowUrl, schedule: { send_at: later } }));
    await waitFor('scheduled', async () => one(await call('GET', `${base()}/${scheduled.id}`)).status === 'scheduled');
    // Not running: it cannot be paused (487), but its callbacks can change.
    expect(failure(await call('PUT', `${base()}/${scheduled.id}`, { action: 'pause' }))).toEqual([409, 409, 'failure', 487]);
    const updated = await call('PUT', `${base()}/${scheduled.id}`, { status_callback: 'http://127.0.0.1:9/status' });
    expect(updated.status).toBe(200);
    expect(one(updated)).toMatchObject({ status_callback: 'http://127.0.0.1:9/status', call_status_callback: null });
    // Before it starts, its settings change too (seed 002); its numbers and retry count do not (the hold was made from them).
    const later2 = new Date(Date.now() + 7200_000).toISOString();
    const edited = await call('PUT', `${base()}/${scheduled.id}`, { name: 'Renamed', caller_id: '+14155550199', schedule: { send_at: later2 }, custom_field: 'c2' });
    expect(edited.status).toBe(200);
    expect(one(edited)).toMatchObject({ name: 'Renamed', caller_id: '+14155550199', schedule: { send_at: later2 }, custom_field: 'c2', status: 'scheduled' });
    expect(failure(await call('PUT', `${base()}/${scheduled.id}`, { from: [n[0]] }))).toEqual([400, 400, 'failure', 4001]);
    expect(failure(await call('PUT', `${base()}/${scheduled.id}`, { retries: { number_of_retries: 2, interval_mins: 1 } }))).toEqual([400, 400, 'failure', 4001]);
    const deleted = await call('DELETE', `${base()}/${scheduled.id}`);
    expect([deleted.status, one(deleted).id]).toEqual([200, scheduled.id]);
    expect(failure(await call('GET', `${base()}/${scheduled.id}`))).toEqual([409, 409, 'failure', 486]);

    // A running campaign pauses and resumes (the simulator rings for a while, so it is still running).
    const running = one(await call('POST', base(), { name: 'Now', from: testNumbers(30, 82), caller_id: '+14155550100', url: flowUrl }));
    await waitFor('in progress', async () => one(await call('GET', `${base()}/${running.id}`)).status === 'in-progress');
    // Once it runs, only the action and the callbacks change.
    expect(failure(await call('PUT', `${base()}/${running.id}`, { name: 'Too late' }))).toEqual([409, 409, 'failure', 487]);
    const paused = await call('PUT', `${base()}/${running.id}`, { action: 'pause' });
    expect([paused.status, one(paused).status]).toEqual([200, 'paused']);
    const resumed = await call('PUT', `${base()}/${running.id}`, { action: 'resume' });
    expect([resumed.status, one(resumed).status]).toEqual([200, 'in-progress']);
    await waitFor('completed', async () => one(await call('GET', `${base()}/${running.id}`)).status === 'completed');
  });

  it('refuses what it cannot honour, with Clarion’s codes in the envelope', async () => {
    const n = testNumbers(1, 83);
    const ok = { name: 'x', from: n, caller_id: '+14155550100', url: flowUrl };
    expect(failure(await call('POST', base(), { ...ok, name: undefined }))).toEqual([409, 409, 'failure', 4000]);
    expect(failure(await call('POST', base(), { ...ok, from: undefined }))).toEqual([409, 409, 'failure', 4000]);
    expect(failure(await call('POST', base(), { ...ok, url: undefined }))).toEqual([409, 409, 'failure', 4000]);
    expect(failure(await call('POST', base(), { ...ok, retries: { number_of_retries: 4, interval_mins: 1 } }))).toEqual([400, 400, 'failure', 4001]);
    expect(failure(await call('POST', base(), { ...ok, retries: { number_of_retries: 2 } }))).toEqual([409, 409, 'failure', 4000]);
    expect(failure(await call('POST', base(), { ...ok, retries: { number_of_retries: 1, interval_mins: 1, mechanism: 'Fibonacci' } }))).toEqual([400, 400, 'failure', 4001]);
    expect(failure(await call('POST', base(), { ...ok, type: 'promo' }))).toEqual([400, 400, 'failure', 4001]);
    expect(failure(await call('POST', base(), { ...ok, lists: ['LS1'] }))).toEqual([400, 400, 'failure', 4001]);
    expect(failure(await call('POST', base(), { ...ok, call_duplicate_numbers: 'sometimes' }))).toEqual([400, 400, 'failure', 4001]);
    expect(failure(await call('POST', base(), { ...ok, schedule: { send_at: 'tomorrow' } }))).toEqual([400, 400, 'failure', 498]);
    expect(failure(await call('POST', base(), { ...ok, schedule: { send_at: '2020-01-01T00:00:00Z' } }))).toEqual([409, 409, 'failure', 489]);
    expect(failure(await call('POST', base(), { ...ok, schedule: { end_at: '2020-01-01T00:00:00Z' } }))).toEqual([400, 400, 'failure', 4001]);
    expect(failure(await call('POST', base(), { ...ok, status_callback: 'ftp://example.test/x' }))).toEqual([400, 400, 'failure', 4001]);
    expect(failure(await call('GET', `${base()}?limit=501`))).toEqual([400, 400, 'failure', 4001]);
    expect(failure(await call('GET', `${base()}?sort_by=colour:asc`))).toEqual([400, 400, 'failure', 4001]);
    // Another account's path, and another enterprise's campaign: as bad credentials, and as unknown.
    const other = await provisionTenant(stack.url, 10);
    expect((await call('GET', `/v2/accounts/${other.accountSid}/campaigns`)).status).toBe(401);
    const mine = one(await call('POST', base(), ok));
    const theirs = await api(stack.url, 'GET', `/v2/accounts/${other.accountSid}/campaigns/${mine.id}`, { auth: other.auth });
    expect(failure(theirs)).toEqual([409, 409, 'failure', 486]);
  });
});
