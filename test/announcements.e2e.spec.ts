/**
 * Seed 000's Announcement API through REST on the real stack: create (say / play), upload and serve
 * the audio, update, delete (507 while a campaign uses it), search and get, with the seed's codes
 * and HTTP statuses, and one enterprise never seeing or changing another's announcements.
 */
import { TOPIC, message, newSid } from '@clarion/contracts';
import { wav, wavForm as fileForm } from './support/wav';
import { api, provisionTenant, startStack, waitFor, waitForStatus, type Stack, type Tenant } from './support/stack';

const SAY = { name: 'TTS Play 19Mar21-852', type: 'say', body: 'Hello, we are giving away 20% discounts.', language: 'google.ar-XA-Standard-A', voice: 'woman' };
const SEED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
const ANNOUNCEMENT_SID = /^AN[0-9a-f]{32}$/;

describe('Announcement API (seed 000)', () => {
  let stack: Stack;
  let t: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    stack = await startStack();
    [t, other] = await Promise.all([provisionTenant(stack.url, 0), provisionTenant(stack.url, 0)]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const create = (tenant: Tenant, json: Record<string, unknown>) => api(stack.url, 'POST', '/campaignmanager/announcement', { auth: tenant.auth, json });
  const get = (tenant: Tenant, sid: string) => api(stack.url, 'GET', `/campaignmanager/announcement/search/${sid}`, { auth: tenant.auth });
  const upload = (tenant: Tenant, sid: string, form: FormData, path = '/campaignmanager/internal/file/announcement/') => api(stack.url, 'POST', `${path}${sid}`, { auth: tenant.auth, form });
  const fetchFile = async (tenant: Tenant | null, uri: string) => {
    const headers: Record<string, string> = tenant ? { authorization: 'Basic ' + Buffer.from(tenant.auth.join(':')).toString('base64') } : {};
    const res = await fetch(stack.url + uri, { headers });
    return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const codeOf = (r: { status: number; body: any }) => [r.status, r.body.code];

  it('creates a text-to-speech announcement in the seed’s shape, from JSON, urlencoded or multipart fields', async () => {
    const r = await create(t, { enterpriseSid: t.enterpriseSid, ...SAY, sid: 'AN' + '0'.repeat(32), dateCreated: '2000-01-01' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ code: 200, message: 'OK' });
    const a = r.body.data;
    expect(a.sid).toMatch(ANNOUNCEMENT_SID);
    expect(a.sid).not.toBe('AN' + '0'.repeat(32));
    expect(a).toEqual({
      sid: a.sid,
      dateUpdated: expect.stringMatching(SEED_TIME),
      dateCreated: expect.stringMatching(SEED_TIME),
      accountEmail: 'ops@acme.test',
      uri: `/campaignmanager/announcement/search/${a.sid}`,
      name: SAY.name,
      enterpriseSid: t.enterpriseSid,
      type: 'say',
      body: SAY.body,
      language: SAY.language,
      voice: 'woman',
    });
    expect(a.dateCreated.startsWith('2000')).toBe(false);

    const urlencoded = await fetch(stack.url + '/campaignmanager/announcement', {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from(t.auth.join(':')).toString('base64'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...SAY, name: 'urlencoded', voice: 'MAN', language: 'en-us' }).toString(),
    }).then(async (res) => ({ status: res.status, body: await res.json() }));
    expect(urlencoded.status).toBe(200);
    expect(urlencoded.body.data).toMatchObject({ name: 'urlencoded', voice: 'man', language: 'en-us', type: 'say' });

    const form = new FormData();
    for (const [k, v] of Object.entries({ ...SAY, name: 'multipart' })) form.append(k, v);
    const multipart = await api(stack.url, 'POST', '/campaignmanager/announcement', { auth: t.auth, form });
    expect(multipart.status).toBe(200);
    expect(multipart.body.data).toMatchObject({ name: 'multipart', type: 'say' });
  });

  it('answers the seed’s create errors: 4000 per missing field, 522 voice, 521 language, 467 enterprise', async () => {
    for (const missing of ['name', 'type', 'body', 'language', 'voice']) {
      const r = await create(t, { ...SAY, [missing]: undefined });
      expect(codeOf(r)).toEqual([409, 4000]);
      expect(r.body.message).toBe(`Mandatory parameter missing. ${missing} needs to be passed.`);
    }
    const voice = await create(t, { ...SAY, voice: 'female' });
    expect(codeOf(voice)).toEqual([409, 522]);
    expect(voice.body.message).toBe('Announcement voice type should be man or woman.');
    const language = await create(t, { ...SAY, language: 'xx-YY' });
    expect(codeOf(language)).toEqual([409, 521]);
    expect(language.body.message).toBe('Announcement Language Not Found');
    const enterprise = await create(t, { ...SAY, enterpriseSid: other.enterpriseSid });
    expect(codeOf(enterprise)).toEqual([409, 467]);
    expect(enterprise.body.data).toEqual({ sid: other.enterpriseSid });
    const unauthenticated = await api(stack.url, 'POST', '/campaignmanager/announcement', { json: SAY });
    expect(unauthenticated.status).toBe(401);
    const list = await api(stack.url, 'GET', '/campaignmanager/announcement/search?name=xx-YY', { auth: t.auth });
    expect(list.body.data.total).toBe(0);
  });

  it('uploads a play announcement’s WAV and serves it back byte for byte at its fileUri', async () => {
    const created = await create(t, { enterpriseSid: t.enterpriseSid, name: 'Ann Play', type: 'play' });
    expect(created.status).toBe(200);
    const sid = created.body.data.sid;
    expect(created.body.data).toMatchObject({ type: 'play', name: 'Ann Play' });
    expect(created.body.data).not.toHaveProperty('fileUri');
    expect(created.body.data).not.toHaveProperty('body');

    const audio = wav();
    const up = await upload(t, sid, fileForm(audio));
    expect(up.status).toBe(200);
    expect(up.body.code).toBe(200);
    const fileUri: string = up.body.data.fileUri;
    expect(fileUri).toMatch(new RegExp(`^/campaignmanager/internal/announcement/file/${sid}_\\d{13}\\.wav$`));
    expect(up.body.data).toMatchObject({ sid, type: 'play', enterpriseSid: t.enterpriseSid, dateCreated: created.body.data.dateCreated });

    const served = await fetchFile(t, fileUri);
    expect(served.status).toBe(200);
    expect(served.type).toBe('audio/wav');
    expect(served.bytes.equals(audio)).toBe(true);
    expect((await get(t, sid)).body.data.fileUri).toBe(fileUri);
    // The shorter form of the seed's single-get example serves the same file.
    expect((await fetchFile(t, fileUri.replace('/internal/', '/'))).bytes.equals(audio)).toBe(true);
    expect((await fetchFile(null, fileUri)).status).toBe(401);

    // A new upload (here through the path of the seed's curl example) gets a new URI; the old file is gone.
    const pcm = wav({ formatTag: 1, bitsPerSample: 16, sampleRateHz: 16000, samples: 3000 });
    const again = await upload(t, sid, fileForm(pcm), '/campaignmanager/internal/announcement/file/');
    expect(again.status).toBe(200);
    expect(again.body.data.fileUri).not.toBe(fileUri);
    expect((await fetchFile(t, again.body.data.fileUri)).bytes.equals(pcm)).toBe(true);
    const old = await fetchFile(t, fileUri);
    expect(old.status).toBe(409);
    expect(JSON.parse(old.bytes.toString()).code).toBe(500);
  });

  it('refuses what is not a playable WAV (504), too large a file (413), no file (4000), an unknown sid (500)', async () => {
    const sid = (await create(t, { name: 'Refusals', type: 'play' })).body.data.sid;
    for (const [what, bytes] of [
      ['text', Buffer.from('this is not audio\n'.repeat(100))],
      ['stereo', wav({ channels: 2, formatTag: 1, bitsPerSample: 16 })],
      ['44.1 kHz', wav({ sampleRateHz: 44100, formatTag: 1, bitsPerSample: 16 })],
      ['A-law', wav({ formatTag: 6 })],
      ['truncated', wav().subarray(0, 30)],
    ] as const) {
      const r = await upload(t, sid, fileForm(bytes));
      expect([what, ...codeOf(r)]).toEqual([what, 409, 504]);
      expect(r.body.message).toBe('Error in uploading audio file');
      expect(r.body.data).toMatchObject({ sid, reason: expect.any(String) });
    }
    const big = Buffer.concat([wav({ samples: 100 }), Buffer.alloc(10 * 1024 * 1024)]);
    const tooLarge = await upload(t, sid, fileForm(big));
    expect(codeOf(tooLarge)).toEqual([413, 413]);
    const noFile = new FormData();
    noFile.append('name', 'x');
    expect(codeOf(await upload(t, sid, noFile))).toEqual([409, 4000]);
    expect(codeOf(await upload(t, sid, fileForm(wav(), 'audio')))).toEqual([400, 4001]);
    const unknown = await upload(t, newSid('announcement'), fileForm(wav()));
    expect(codeOf(unknown)).toEqual([409, 500]);
    expect(unknown.body.message).toBe('Announcement not found');
    expect(codeOf(await upload(t, 'not-a-sid', fileForm(wav())))).toEqual([409, 500]);
    const say = (await create(t, SAY)).body.data.sid;
    expect(codeOf(await upload(t, say, fileForm(wav())))).toEqual([400, 4001]);
    // Nothing refused was attached.
    expect((await get(t, sid)).body.data).not.toHaveProperty('fileUri');
  });

  it('updates an announcement with the seed’s codes, keeping its creation time', async () => {
    const created = (await create(t, SAY)).body.data;
    await new Promise((r) => setTimeout(r, 1100)); // dateUpdated has whole seconds
    const body = { name: 'TTS Play Updated', description: 'TTS Play Ann description', type: 'say', body: 'Offer valid for 5 days.', language: 'en-GB', voice: 'man' };
    const r = await api(stack.url, 'PUT', `/campaignmanager/announcement/${created.sid}`, { auth: t.auth, json: body });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ ...created, ...body, dateUpdated: expect.stringMatching(SEED_TIME) });
    expect(r.body.data.dateUpdated).not.toBe(created.dateUpdated);
    expect((await get(t, created.sid)).body.data).toEqual(r.body.data);

    const put = (json: Record<string, unknown>, sid = created.sid, tenant = t) => api(stack.url, 'PUT', `/campaignmanager/announcement/${sid}`, { auth: tenant.auth, json });
    expect(codeOf(await put({ name: 'only a name' }))).toEqual([409, 4000]);
    expect(codeOf(await put({ ...body, voice: 'child' }))).toEqual([409, 522]);
    expect(codeOf(await put({ ...body, language: 'klingon' }))).toEqual([409, 521]);
    const missing = await put(body, newSid('announcement'));
    expect(codeOf(missing)).toEqual([409, 500]);
    expect(missing.body.data).toEqual({ sid: expect.stringMatching(ANNOUNCEMENT_SID) });
    // Only name kept when not sent; type switches to play and the text goes.
    const toPlay = await put({ type: 'play' });
    expect(toPlay.status).toBe(200);
    expect(toPlay.body.data).toMatchObject({ name: 'TTS Play Updated', description: 'TTS Play Ann description', type: 'play' });
    expect(toPlay.body.data).not.toHaveProperty('body');
    expect((await get(t, created.sid)).body.data.type).toBe('play');
  });

  it('lists announcements with the seed’s nested paging, filters and sorting, and nobody else’s', async () => {
    const names = ['Zeta news', 'Alpha sale', 'Beta sale'];
    for (const name of names) expect((await create(other, { ...SAY, name })).status).toBe(200);
    expect((await create(other, { name: 'Gamma sale', type: 'play' })).status).toBe(200);
    expect((await create(t, { ...SAY, name: 'Alpha sale (t)' })).status).toBe(200);

    const page = await api(stack.url, 'GET', '/campaignmanager/announcement/search?sortBy=name:asc&page=0&pageSize=2', { auth: other.auth });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ code: 200, message: 'OK' });
    const d = page.body.data;
    expect(d).toMatchObject({ pageSize: 2, total: 4, page: 0, numPages: 2, start: 0, end: 1 });
    expect(d.result.map((a: { name: string }) => a.name)).toEqual(['Alpha sale', 'Beta sale']);
    expect(d.firstPageUri).toMatch(/^\/campaignmanager\/announcement\/search\?.*page=0/);
    expect(d.nextPageUri).toContain('page=1');
    expect(d.uri).toContain('page=0');
    expect(d.result[0]).toMatchObject({ enterpriseSid: other.enterpriseSid, type: 'say', dateCreated: expect.stringMatching(SEED_TIME) });

    const second = await api(stack.url, 'GET', '/campaignmanager/announcement/search?SortBy=name:asc&page=1&pageSize=2', { auth: other.auth });
    expect(second.body.data).toMatchObject({ page: 1, start: 2, end: 3, nextPageUri: null });
    expect(second.body.data.result.map((a: { name: string }) => a.name)).toEqual(['Gamma sale', 'Zeta news']);

    const sales = await api(stack.url, 'GET', '/campaignmanager/announcement/search?name=SALE&SortBy=name:desc', { auth: other.auth });
    expect(sales.body.data.result.map((a: { name: string }) => a.name)).toEqual(['Gamma sale', 'Beta sale', 'Alpha sale']);
    const plays = await api(stack.url, 'GET', '/campaignmanager/announcement/search?type=play', { auth: other.auth });
    expect(plays.body.data.result.map((a: { name: string }) => a.name)).toEqual(['Gamma sale']);
    const newest = await api(stack.url, 'GET', '/campaignmanager/announcement/search?SortBy=dateCreated:desc&pageSize=1', { auth: other.auth });
    expect(newest.body.data.result[0].name).toBe('Gamma sale');
    const future = await api(stack.url, 'GET', '/campaignmanager/announcement/search?startTime=2099-01-01', { auth: other.auth });
    expect(future.body.data).toMatchObject({ total: 0, result: [] });
    const today = new Date().toISOString().slice(0, 10);
    const since = await api(stack.url, 'GET', `/campaignmanager/announcement/search?startTime=${today}&endTime=2099-01-01T00:00:00`, { auth: other.auth });
    expect(since.body.data.total).toBe(4);

    // Another enterprise's sid as a filter sees nothing; its list holds none of these.
    const foreign = await api(stack.url, 'GET', `/campaignmanager/announcement/search?enterpriseSid=${t.enterpriseSid}`, { auth: other.auth });
    expect(foreign.body.data).toMatchObject({ total: 0, result: [] });
    const mine = await api(stack.url, 'GET', '/campaignmanager/announcement/search?name=Alpha', { auth: t.auth });
    expect(mine.body.data.result.map((a: { name: string }) => a.name)).toEqual(['Alpha sale (t)']);

    const badSort = await api(stack.url, 'GET', '/campaignmanager/announcement/search?SortBy=body:asc', { auth: other.auth });
    expect(codeOf(badSort)).toEqual([400, 4001]);
    const badDate = await api(stack.url, 'GET', '/campaignmanager/announcement/search?startTime=18-03-2021', { auth: other.auth });
    expect(codeOf(badDate)).toEqual([400, 498]);
  });

  it('gets one announcement; an unknown sid answers 500 in the seed’s form', async () => {
    const created = (await create(t, { name: 'Welcome', description: 'During working hours', type: 'play' })).body.data;
    const r = await get(t, created.sid);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual(created);
    expect(r.body.data.description).toBe('During working hours');
    const missing = await get(t, newSid('announcement'));
    expect(codeOf(missing)).toEqual([409, 500]);
    expect(missing.body).toMatchObject({ message: 'Announcement not found', data: { sid: expect.stringMatching(ANNOUNCEMENT_SID) } });
    expect(codeOf(await get(t, 'AN42b3d3e952ff47ecba9d487095a2bc4'))).toEqual([409, 500]);
  });

  it('keeps every enterprise’s announcements its own: another’s sid answers 500 everywhere and changes nothing', async () => {
    const created = (await create(t, { name: 'Private', type: 'play' })).body.data;
    const audio = wav({ samples: 2000 });
    const fileUri = (await upload(t, created.sid, fileForm(audio))).body.data.fileUri;
    const before = (await get(t, created.sid)).body.data;

    expect(codeOf(await get(other, created.sid))).toEqual([409, 500]);
    expect(codeOf(await api(stack.url, 'PUT', `/campaignmanager/announcement/${created.sid}`, { auth: other.auth, json: SAY }))).toEqual([409, 500]);
    expect(codeOf(await api(stack.url, 'DELETE', `/campaignmanager/announcement/${created.sid}`, { auth: other.auth }))).toEqual([409, 500]);
    expect(codeOf(await upload(other, created.sid, fileForm(wav({ samples: 10 }))))).toEqual([409, 500]);
    const foreignFile = await fetchFile(other, fileUri);
    expect(foreignFile.status).toBe(409);
    expect(JSON.parse(foreignFile.bytes.toString())).toMatchObject({ code: 500, message: 'Announcement not found' });

    expect((await get(t, created.sid)).body.data).toEqual(before);
    expect((await fetchFile(t, fileUri)).bytes.equals(audio)).toBe(true);
  });

  it('refuses deleting an announcement an unfinished campaign uses (507), deletes it once the campaign ended', async () => {
    const a = (await create(t, { name: 'Campaign audio', type: 'play' })).body.data;
    const fileUri = (await upload(t, a.sid, fileForm(wav()))).body.data.fileUri;

    // A voice campaign naming the announcement, sent to campaign-svc as the create path sends it.
    const campaignSid = newSid('campaign');
    const producer = stack.kafka.producer();
    await producer.connect();
    const send = (m: ReturnType<typeof message>) => producer.send({ topic: stack.prefix + TOPIC.campaignCommands, messages: [{ key: campaignSid, value: JSON.stringify(m) }] });
    await send(
      message('CreateCampaign', {
        campaignSid,
        enterpriseSid: t.enterpriseSid,
        accountSid: t.accountSid,
        accountEmail: 'ops@acme.test',
        name: 'voice',
        channel: 'voice',
        body: '',
        creditsPerRecipient: 1,
        fromNumbers: [],
        fromPrefix: '1',
        startTime: null,
        optOut: null,
        optIn: null,
        announcementSid: a.sid,
        rcmlUrl: null,
        dialTimeoutSeconds: 30,
        requestedAt: new Date().toISOString(),
      }),
    );
    await waitForStatus(stack, t, campaignSid, 'initiating', 60000);

    const refused = await api(stack.url, 'DELETE', `/campaignmanager/announcement/${a.sid}`, { auth: t.auth });
    expect(codeOf(refused)).toEqual([409, 507]);
    expect(refused.body).toMatchObject({ message: 'This Announcement cannot be deleted as it is being used in a campaign.', data: { sid: a.sid } });
    expect((await get(t, a.sid)).status).toBe(200);

    // With no recipients the campaign fails (499): it has finished, so the announcement may go.
    await send(message('SealRecipients', { campaignSid, batchCount: 0, invalidCount: 0, lineCount: 0 }));
    await producer.disconnect();
    await waitForStatus(stack, t, campaignSid, 'failed', 60000);

    const deleted = await api(stack.url, 'DELETE', `/campaignmanager/announcement/${a.sid}`, { auth: t.auth });
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toMatchObject({ sid: a.sid, name: 'Campaign audio', type: 'play', fileUri });
    expect(codeOf(await get(t, a.sid))).toEqual([409, 500]);
    expect((await fetchFile(t, fileUri)).status).toBe(409);
    expect(codeOf(await api(stack.url, 'DELETE', `/campaignmanager/announcement/${a.sid}`, { auth: t.auth }))).toEqual([409, 500]);
    await waitFor(
      'the list without it',
      async () => {
        const r = await api(stack.url, 'GET', '/campaignmanager/announcement/search?name=Campaign%20audio', { auth: t.auth });
        return r.body.data.total === 0;
      },
      10000,
    );
  });

  it('deletes a say announcement no campaign uses, answering it as it was', async () => {
    const a = (await create(t, { ...SAY, name: 'Ann TTS' })).body.data;
    const r = await api(stack.url, 'DELETE', `/campaignmanager/announcement/${a.sid}`, { auth: t.auth });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ code: 200, message: 'OK', data: a });
    expect(codeOf(await api(stack.url, 'DELETE', `/campaignmanager/announcement/${newSid('announcement')}`, { auth: t.auth }))).toEqual([409, 500]);
  });
});
