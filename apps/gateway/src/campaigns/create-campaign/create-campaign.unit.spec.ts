import { Readable } from 'node:stream';
import { promises as fs } from 'node:fs';
import { Errors, LIMITS, type Result } from '@clarion/contracts';
import { ApiError } from '../../http/api';
import { CreateCampaignHandler, type Requests } from './create-campaign.handler';
import { parseCreateCampaign, parseFromNumbers, type CreateCampaignRequest } from './create-campaign.request';
import { recipientBatches, recipientFileSink, spoolJsonRecipients, type RecipientFile } from './recipient-file';

const now = new Date('2026-06-01T12:00:00Z');
const parse = (fields: Record<string, unknown>, hasFromNumbers = false, ignoreInvalidDefault = true) => parseCreateCampaign(fields, { hasFromNumbers, now, ignoreInvalidDefault });
const code = (fields: Record<string, unknown>, hasFromNumbers = false) => {
  const r = parse(fields, hasFromNumbers);
  return r.ok ? null : [r.error.code, r.error.status];
};
const LIMITS_ = { linesMax: 100, fieldCharsMax: LIMITS.contactFieldCharsMax };
const sms = { name: 'n', body: 'Happy New Year', fromPrefix: '91' };

describe('create-campaign request (seed 000 parameters)', () => {
  it('4000 names each missing mandatory parameter', () => {
    const r = parse({ body: 'x', fromPrefix: '1' });
    expect(!r.ok && r.error.message).toContain('name');
    expect(code({ body: 'x', fromPrefix: '1' })).toEqual([4000, 409]);
    expect(code({ name: 'n', fromPrefix: '1' })).toEqual([4000, 409]); // body, for sms
    expect(code({ name: 'n', fromPrefix: '1', channel: 'SMS', body: '  ' })).toEqual([4000, 409]);
    expect(code({ name: 'n', body: 'b' })).toEqual([4000, 409]); // fromFile or fromPrefix
    expect(code({ name: 'n', body: 'b' }, true)).toBeNull();
  });

  it('498 for a malformed startTime, 489 for one in the past; no offset means UTC', () => {
    expect(code({ ...sms, startTime: '2026/07/01' })).toEqual([498, 400]);
    expect(code({ ...sms, startTime: '2026-02-30' })).toEqual([498, 400]);
    expect(code({ ...sms, startTime: '2026-05-31T23:59:59' })).toEqual([489, 409]);
    expect(code({ ...sms, startTime: '2026-06-01T17:29:00+0530' })).toEqual([489, 409]);
    const r = parse({ ...sms, startTime: '2026-06-01T18:00:00' });
    expect(r.ok && r.value.startTime?.toISOString()).toBe('2026-06-01T18:00:00.000Z');
    const z = parse({ ...sms, startTime: '2026-06-01T18:00:00+0530' });
    expect(z.ok && z.value.startTime?.toISOString()).toBe('2026-06-01T12:30:00.000Z');
  });

  it('4001 for an unknown channel, an over-long name or body, a bad fromPrefix, an optOut other than Opt-Out', () => {
    expect(code({ ...sms, channel: 'fax' })).toEqual([4001, 400]);
    expect(code({ ...sms, name: 'x'.repeat(LIMITS.nameCharsMax + 1) })).toEqual([4001, 400]);
    expect(code({ ...sms, body: 'x'.repeat(LIMITS.bodyCharsMax + 1) })).toEqual([4001, 400]);
    expect(code({ ...sms, fromPrefix: '9a' })).toEqual([4001, 400]);
    expect(code({ ...sms, optOut: 'My list' })).toEqual([4001, 400]);
    const r = parse({ ...sms, optOut: 'opt-out', optInx: 'ACME-opt-in' });
    expect(r.ok && [r.value.optOut, r.value.optIn]).toEqual(['Opt-Out', 'ACME-opt-in']);
  });

  it('refuses every server-owned field with 4001', () => {
    for (const k of ['sid', 'status', 'enterpriseSid', 'total', 'dateCreated', 'dateUpdated', 'accountSid']) expect(code({ ...sms, [k]: 'x' })).toEqual([4001, 400]);
  });

  it('voice: 500 without an announcement or RCML URL; announcementSid wins; dialTimeout defaults to 30 and is bounded', () => {
    const voice = { name: 'v', channel: 'voice', fromPrefix: '1' };
    expect(code(voice)).toEqual([500, 409]);
    expect(code({ ...voice, rcmlUrl: 'ftp://x' })).toEqual([4001, 400]);
    const both = parse({ ...voice, announcementSid: 'AN' + 'a'.repeat(32), rcmlUrl: 'https://example.test/rcml' });
    expect(both.ok && [both.value.announcementSid, both.value.rcmlUrl, both.value.dialTimeoutSeconds, both.value.creditsPerRecipient]).toEqual(['AN' + 'a'.repeat(32), null, 30, 1]);
    const rcml = parse({ ...voice, rcmlUrl: 'https://example.test/rcml', dialTimeout: '10' });
    expect(rcml.ok && [rcml.value.rcmlUrl, rcml.value.dialTimeoutSeconds]).toEqual(['https://example.test/rcml', 10]);
    expect(code({ ...voice, rcmlUrl: 'https://e.test', dialTimeout: '4' })).toEqual([4001, 400]);
    expect(code({ ...voice, rcmlUrl: 'https://e.test', dialTimeout: '601' })).toEqual([4001, 400]);
    expect(code({ ...voice, rcmlUrl: 'https://e.test', dialTimeout: '1.5' })).toEqual([4001, 400]);
  });

  it('prices an SMS body by its segments (a template with its fields empty), ignoreInvalidPhoneNumbers by the route’s default', () => {
    const p = (body: string) => {
      const r = parse({ ...sms, body });
      return r.ok ? r.value.creditsPerRecipient : null;
    };
    expect(p('x'.repeat(160))).toBe(1);
    expect(p('x'.repeat(161))).toBe(2);
    expect(p('€'.repeat(80))).toBe(1); // extension characters count twice: 160 septets
    expect(p('€'.repeat(81))).toBe(2);
    expect(p('Я'.repeat(70))).toBe(1);
    expect(p('Я'.repeat(71))).toBe(2);
    expect(p('x'.repeat(150) + '{{name}}')).toBe(1);
    const d = (v: unknown, dflt: boolean) => {
      const r = parseCreateCampaign({ ...sms, ignoreInvalidPhoneNumbers: v }, { hasFromNumbers: false, now, ignoreInvalidDefault: dflt });
      return r.ok ? r.value.ignoreInvalidPhoneNumbers : r.error.code;
    };
    expect([d(undefined, true), d(undefined, false), d('FALSE', true), d(true, false), d('maybe', true)]).toEqual([true, false, false, true, 4001]);
    const q = (v: unknown) => {
      const r = parse({ ...sms, ignoreQuietHours: v });
      return r.ok ? r.value.ignoreQuietHours : r.error.code;
    };
    expect([q(undefined), q(''), q('true'), q('False'), q(true), q(false), q('yes')]).toEqual([false, false, true, false, true, false, 4001]);
  });

  it('reads from numbers as E.164 or alphanumeric sender ids, which are kept', () => {
    expect(parseFromNumbers(['919960639903', ' +1 415 555 0100 ', 'ACME', 'Acme Shop', '', 'bad!number', 'TOOLONGSENDER1'])).toEqual(['+919960639903', '+14155550100', 'ACME', 'Acme Shop']);
  });
});

async function sinkOf(text: string | string[]): Promise<RecipientFile> {
  const cleanups: (() => Promise<void>)[] = [];
  const stream = Readable.from(Array.isArray(text) ? text : [text]);
  return recipientFileSink('toFile', LIMITS_)(stream, (r) => cleanups.push(r));
}
const spooled = async (f: RecipientFile) => (await fs.readFile(f.path, 'utf8')).split('\n').filter(Boolean);
async function batches(f: RecipientFile) {
  const out = [];
  for await (const b of recipientBatches(f)) out.push(b);
  return out;
}

describe('contact files (seed 001 CSV)', () => {
  it('reads a header in any order, quoted commas and quotes, a BOM and CRLF; fields travel with their number', async () => {
    const f = await sinkOf('\uFEFFname,phoneNumber,custom2\r\n"Smith, Ann",+12122000001,"say ""hi"""\r\nBob,+12122000002,\r\n');
    expect(f).toMatchObject({ lines: 2, valid: 2, invalid: 0, personalised: true });
    expect(await batches(f)).toEqual([{ numbers: ['+12122000001', '+12122000002'], fields: [{ name: 'Smith, Ann', custom2: 'say "hi"' }, { name: 'Bob' }] }]);
    await fs.rm(f.path);
  });

  it('without a header takes phoneNumber,name,custom1,custom2 in order; a plain number file stays plain', async () => {
    const f = await sinkOf('+12122000001,Ann,Gold\n+12122000002\n');
    expect(await batches(f)).toEqual([{ numbers: ['+12122000001', '+12122000002'], fields: [{ name: 'Ann', custom1: 'Gold' }, null] }]);
    const plain = await sinkOf(['+1212200', '0001\n919960639903\n']);
    expect(plain).toMatchObject({ lines: 2, valid: 2, personalised: false });
    expect(await spooled(plain)).toEqual(['+12122000001', '+919960639903']);
    await Promise.all([fs.rm(f.path), fs.rm(plain.path)]);
  });

  it('counts invalid numbers with their line numbers, and turns control characters in fields into spaces', async () => {
    const f = await sinkOf('phoneNumber,name\n+12122000001,"two\nlines"\nnot-a-number,x\n\n12345\n');
    expect(f).toMatchObject({ lines: 3, valid: 1, invalid: 2, invalidLines: [4, 6] });
    expect((await batches(f))[0].fields).toEqual([{ name: 'two lines' }]);
    await fs.rm(f.path);
  });

  it('refuses a field over the limit, a header without a phone column and broken CSV, naming the line', async () => {
    await expect(sinkOf(`+12122000001,${'n'.repeat(LIMITS.contactFieldCharsMax + 1)}\n`)).rejects.toMatchObject({ error: { code: 4001 }, data: { line: 1 } });
    await expect(sinkOf('name,custom1\nAnn,x\n')).rejects.toBeInstanceOf(ApiError);
    await expect(sinkOf('+12122000001\n+12122000002,"open\n')).rejects.toMatchObject({ error: { code: 4001 } });
  });

  it('cuts personalised files into smaller batches than plain ones', async () => {
    const n = LIMITS.personalisedBatchSize + 1;
    const rows = Array.from({ length: n }, (_, i) => `+1212${2000000 + i},N${i}`);
    const f = await recipientFileSink('toFile', { linesMax: n, fieldCharsMax: 100 })(Readable.from([rows.join('\n')]), () => undefined);
    const b = await batches(f);
    expect(b.map((x) => x.numbers.length)).toEqual([LIMITS.personalisedBatchSize, 1]);
    expect(b[1].fields).toEqual([{ name: `N${n - 1}` }]);
    await fs.rm(f.path);
  });

  it('takes JSON lists of numbers or contact objects, bounded', async () => {
    const f = await spoolJsonRecipients('to', ['+12122000001', { phoneNumber: '+12122000002', name: 'Ann' }, 'bad'], LIMITS_);
    expect(f).toMatchObject({ valid: 2, invalid: 1, invalidLines: [3], personalised: true });
    await fs.rm(f.path);
    const csv = await spoolJsonRecipients('to', '919960639903,919960639904', LIMITS_);
    expect(await spooled(csv)).toEqual(['+919960639903', '+919960639904']);
    await fs.rm(csv.path);
    await expect(spoolJsonRecipients('to', new Array(LIMITS.jsonRecipientsMax + 1).fill('+12122000001'), LIMITS_)).rejects.toMatchObject({ error: { code: 413 } });
    await expect(spoolJsonRecipients('to', [{ phoneNumber: ['x'] }], LIMITS_)).rejects.toMatchObject({ error: { code: 4001 } });
  });
});

/** A fake of the request-reply client: answers queries as told and records what is sent. */
function fakeRr(answers: Record<string, Result<unknown>>) {
  const sent: { type: string; data: any }[] = [];
  const requested: string[] = [];
  const created: any[] = [];
  const rr: Requests = {
    request: (async (_topic: string, _key: string, type: string, data: any) => {
      requested.push(type);
      if (type === 'CreateCampaign') created.push(data);
      if (type === 'CreateCampaign')
        return {
          ok: true,
          value: { sid: data.campaignSid, startTime: '2026-06-01T12:00:00.000Z', dateCreated: '2026-06-01T12:00:00.000Z', dateUpdated: '2026-06-01T12:00:00.000Z', status: 'initiating' },
        };
      return answers[type] ?? { ok: false, error: Errors.serviceUnavailable };
    }) as Requests['request'],
    send: (async (_topic: string, _key: string, m: any) => {
      sent.push({ type: m.type, data: m.data });
    }) as Requests['send'],
  };
  return { rr, sent, requested, created };
}
const caller = { kind: 'account' as const, accountSid: 'AC' + '1'.repeat(32), enterpriseSid: 'EN' + '2'.repeat(32), email: 'a@b.c' };
const request = (over: Partial<CreateCampaignRequest> = {}): CreateCampaignRequest => ({
  name: 'n',
  channel: 'sms',
  body: 'Hi {{name}}',
  creditsPerRecipient: 1,
  startTime: null,
  fromPrefix: '1',
  optOut: null,
  optIn: null,
  announcementSid: null,
  rcmlUrl: null,
  dialTimeoutSeconds: null,
  ignoreInvalidPhoneNumbers: true,
  ignoreQuietHours: false,
  ...over,
});

describe('create-campaign handler', () => {
  it('4000 without toFile, 4001 with the invalid lines when they are not ignored, 499 without a valid number — sending nothing', async () => {
    const { rr, sent } = fakeRr({});
    const h = new CreateCampaignHandler(rr);
    expect(await h.execute(caller, request(), [], null)).toMatchObject({ ok: false, error: { code: 4000 } });
    const mixed = await sinkOf('+12122000001\nnope\n+12122000002\n');
    const refused = await h.execute(caller, request({ ignoreInvalidPhoneNumbers: false }), [], mixed);
    expect(refused).toMatchObject({ ok: false, error: { code: 4001 }, data: { invalid: 1, invalidLines: [2] } });
    expect(!refused.ok && refused.error.message).toContain('lines 2');
    const none = await sinkOf('nope\n');
    expect(await h.execute(caller, request(), [], none)).toMatchObject({ ok: false, error: { code: 499 } });
    expect(sent).toEqual([]);
    await Promise.all([fs.rm(mixed.path), fs.rm(none.path)]);
  });

  it('4001 for an opt-in list dnd-svc does not know, 500 for an unknown announcement, asking before anything is created', async () => {
    const to = await sinkOf('+12122000001\n');
    const a = fakeRr({ FindOptInList: { ok: false, error: Errors.optInListNotFound('VIP') } });
    const r = await new CreateCampaignHandler(a.rr).execute(caller, request({ optIn: 'VIP' }), [], to);
    expect(r).toMatchObject({ ok: false, error: { code: 4001, status: 400 } });
    expect(a.requested).toEqual(['FindOptInList']);
    const b = fakeRr({ FindOptInList: { ok: true, value: null } });
    expect(await new CreateCampaignHandler(b.rr).execute(caller, request({ optIn: 'VIP' }), [], to)).toMatchObject({ ok: false, error: { code: 4001 } });
    const c = fakeRr({ GetAnnouncement: { ok: false, error: Errors.announcementNotFound } });
    const voice = request({ channel: 'voice', body: '', announcementSid: 'AN' + 'f'.repeat(32), dialTimeoutSeconds: 30 });
    expect(await new CreateCampaignHandler(c.rr).execute(caller, voice, [], to)).toMatchObject({ ok: false, error: { code: 500, status: 409 } });
    expect(await new CreateCampaignHandler(c.rr).execute(caller, { ...voice, announcementSid: 'not-a-sid' }, [], to)).toMatchObject({ ok: false, error: { code: 500 } });
    expect(c.requested).toEqual(['GetAnnouncement']);
    expect([...a.sent, ...b.sent, ...c.sent]).toEqual([]);
    await fs.rm(to.path);
  });

  it('creates, sends every batch with its fields and seals, answering dates in the seed’s form', async () => {
    const to = await sinkOf('+12122000001,Ann\n+12122000002\nbad\n');
    const { rr, sent } = fakeRr({ FindOptInList: { ok: true, value: { name: 'VIP', numbers: 3 } } });
    const r = await new CreateCampaignHandler(rr).execute(caller, request({ optIn: 'VIP' }), [], to);
    expect(r.ok && r.value).toMatchObject({ status: 'initiating', dateCreated: '2026-06-01T12:00:00+0000', upload: { lines: 3, valid: 2, invalid: 1 } });
    expect(sent.map((s) => s.type)).toEqual(['AddRecipients', 'SealRecipients']);
    expect(sent[0].data).toMatchObject({ batchNo: 0, numbers: ['+12122000001', '+12122000002'], fields: [{ name: 'Ann' }, null] });
    expect(sent[1].data).toMatchObject({ batchCount: 1, invalidCount: 1, lineCount: 3 });
    await fs.rm(to.path);
  });

  it("attaches the enterprise's quiet-hours snapshot, or none when the campaign ignores quiet hours", async () => {
    const to = await sinkOf('+12122000001\n');
    const policy = { start: '09:00', end: '20:00', countries: { GB: { start: '10:00', end: '18:00' } } };
    const asked: string[] = [];
    const quietHoursOf = async (enterpriseSid: string) => (asked.push(enterpriseSid), policy);
    const a = fakeRr({});
    await new CreateCampaignHandler(a.rr, quietHoursOf).execute(caller, request(), [], to);
    expect(a.created[0]).toMatchObject({ quietHours: policy, ignoreQuietHours: false });
    expect(asked).toEqual([caller.enterpriseSid]);
    const b = fakeRr({});
    await new CreateCampaignHandler(b.rr, quietHoursOf).execute(caller, request({ ignoreQuietHours: true }), [], to);
    expect(b.created[0]).toMatchObject({ quietHours: null, ignoreQuietHours: true });
    expect(asked).toHaveLength(1);
    await fs.rm(to.path);
  });
});
