import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { carrierSignature, VoiceApiClient } from '@clarion/voice';
import { VoiceSimulator, type VoiceSimulatorOptions } from './voice-simulator';

// The simulator over real HTTP on 127.0.0.1, driven by the client Clarion itself uses to place calls,
// against a small receiver that plays Clarion's part: it serves the RCML and the WAV, and takes the
// status callbacks.

const ACCOUNT_SID = 'ACclarion';
const AUTH_TOKEN = 'clarion-voice-token';
const FROM = '+15550001000';
const SAY = { kind: 'say', text: 'Your appointment is tomorrow at nine.', voice: 'woman', language: 'en-GB' };

/** 8 kHz mono 16-bit PCM: a 44-byte header and a tenth of a second of a 440 Hz tone. */
function buildWav(samples = 800): Buffer {
  const dataBytes = samples * 2;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8, 'latin1');
  b.write('fmt ', 12, 'latin1');
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(8000, 24); // sample rate
  b.writeUInt32LE(16000, 28); // byte rate
  b.writeUInt16LE(2, 32); // block align
  b.writeUInt16LE(16, 34); // bits per sample
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), 44 + 2 * i);
  return b;
}

interface Hit {
  kind: 'rcml' | 'audio' | 'callback';
  /** The full URL as the simulator requested it, which is what it must have signed. */
  url: string;
  params: Record<string, string>;
  signature: string | undefined;
  /** For callbacks: answered 2xx (the others were failed on purpose). */
  accepted: boolean;
}

/**
 * Clarion's side: `/rcml` answers a `<Say>` and a `<Play>`, `/rcml-broken` a 500, `/audio.wav` the
 * WAV, `/status` takes callbacks. `/status?failFirst=N&failStatus=S` answers 500 to the first N
 * deliveries of each call's S callback.
 */
class Receiver {
  readonly hits: Hit[] = [];
  readonly wav = buildWav();
  private server: Server | null = null;
  private readonly attempts = new Map<string, number>();
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server!.closeAllConnections();
    await closed;
  }

  reset(): void {
    this.hits.length = 0;
    this.attempts.clear();
  }

  rcml(): string {
    return `<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="woman" language="en-GB">${SAY.text}</Say><Play>${this.base}/audio.wav</Play></Response>`;
  }

  /** The callbacks of one call that were accepted, in the order they arrived. */
  callbacks(callSid: string): Record<string, string>[] {
    return this.hits.filter((h) => h.kind === 'callback' && h.accepted && h.params.CallSid === callSid).map((h) => h.params);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const url = new URL(req.url ?? '/', this.base);
    const hit = (kind: Hit['kind'], accepted = true) => this.hits.push({ kind, url: this.base + req.url, params, signature: req.headers['x-twilio-signature'] as string | undefined, accepted });
    if (url.pathname === '/rcml') {
      hit('rcml');
      res.writeHead(200, { 'content-type': 'application/xml' });
      return void res.end(this.rcml());
    }
    if (url.pathname === '/rcml-broken') {
      hit('rcml');
      res.writeHead(500);
      return void res.end('oops');
    }
    if (url.pathname === '/audio.wav') {
      hit('audio');
      res.writeHead(200, { 'content-type': 'audio/wav' });
      return void res.end(this.wav);
    }
    if (url.pathname === '/status') {
      const key = `${params.CallSid}|${params.CallStatus}`;
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, attempt);
      const fail = params.CallStatus === url.searchParams.get('failStatus') && attempt <= Number(url.searchParams.get('failFirst') ?? 0);
      hit('callback', !fail);
      res.writeHead(fail ? 500 : 204);
      return void res.end();
    }
    res.writeHead(404);
    res.end();
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 4000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const receiver = new Receiver();
let sim: VoiceSimulator | null = null;
let simPort = 0;

async function startSim(overrides: Partial<VoiceSimulatorOptions> = {}): Promise<VoiceSimulator> {
  sim = new VoiceSimulator({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, ringMs: 30, callMs: 50, ...overrides });
  simPort = (await sim.start()).port;
  return sim;
}

const client = (credentials: { accountSid?: string; authToken?: string } = {}) =>
  new VoiceApiClient({ apiUrl: `http://127.0.0.1:${simPort}/2010-04-01`, accountSid: credentials.accountSid ?? ACCOUNT_SID, authToken: credentials.authToken ?? AUTH_TOKEN, timeoutMs: 3000 });

const call = (to: string, statusQuery = '', rcmlPath = '/rcml') => ({
  to,
  from: FROM,
  url: `${receiver.base}${rcmlPath}`,
  statusCallback: `${receiver.base}/status?campaign=CP1${statusQuery}`,
  timeoutSeconds: 30,
});

async function placed(to: string, statusQuery = '', rcmlPath = '/rcml'): Promise<string> {
  const answer = await client().placeCall(call(to, statusQuery, rcmlPath));
  if (answer.kind !== 'accepted') throw new Error(`call to ${to} not accepted: ${JSON.stringify(answer)}`);
  return answer.callSid;
}

const FINAL = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
const finalCallback = (callSid: string) => waitFor(`the final callback of ${callSid}`, () => receiver.callbacks(callSid).find((p) => FINAL.includes(p.CallStatus)));
const statusesOf = (callSid: string) => receiver.callbacks(callSid).map((p) => p.CallStatus);
const simCall = (callSid: string) => sim!.calls().find((c) => c.sid === callSid)!;

beforeAll(() => receiver.start());
afterAll(() => receiver.stop());
beforeEach(() => receiver.reset());
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('VoiceSimulator', () => {
  it('answers 201 with the queued call resource', async () => {
    await startSim();
    const res = await fetch(`http://127.0.0.1:${simPort}/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`, {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: '+447700900123', From: FROM, Url: `${receiver.base}/rcml` }).toString(),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { sid: string; date_created: string };
    expect(body).toMatchObject({ account_sid: ACCOUNT_SID, to: '+447700900123', from: FROM, status: 'queued', uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${body.sid}.json` });
    expect(body.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(body.date_created).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('places a call, fetches its signed RCML and WAV, and reports its progress in order, each callback signed', async () => {
    await startSim();
    const answer = await client().placeCall(call('+15550000001'));
    expect(answer).toEqual({ kind: 'accepted', callSid: expect.stringMatching(/^CA[0-9a-f]{32}$/) });
    const sid = (answer as { callSid: string }).callSid;
    await finalCallback(sid);

    const callbacks = receiver.callbacks(sid);
    expect(callbacks.map((p) => p.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(callbacks.map((p) => p.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    for (const p of callbacks) {
      expect(p).toMatchObject({ CallSid: sid, AccountSid: ACCOUNT_SID, From: FROM, To: '+15550000001', Direction: 'outbound-api', ApiVersion: '2010-04-01', CallbackSource: 'call-progress-events' });
      expect(p.Timestamp).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
      expect('CallDuration' in p).toBe(p.CallStatus === 'completed');
    }
    expect(callbacks[3].CallDuration).toBe('1'); // ceil(50 ms / 1000)
    for (const h of receiver.hits.filter((x) => x.kind === 'callback')) {
      // Signed over the status callback URL exactly as given, query string included.
      expect(h.url).toBe(`${receiver.base}/status?campaign=CP1`);
      expect(h.signature).toBe(carrierSignature(AUTH_TOKEN, h.url, h.params));
    }

    const rcml = receiver.hits.filter((h) => h.kind === 'rcml');
    expect(rcml).toHaveLength(1);
    expect(rcml[0].params).toEqual({ CallSid: sid, AccountSid: ACCOUNT_SID, From: FROM, To: '+15550000001', CallStatus: 'in-progress', Direction: 'outbound-api', ApiVersion: '2010-04-01' });
    expect(rcml[0].signature).toBe(carrierSignature(AUTH_TOKEN, `${receiver.base}/rcml`, rcml[0].params));
    // The flow is read before the answer is reported.
    const order = receiver.hits.map((h) => (h.kind === 'callback' ? h.params.CallStatus : h.kind));
    expect(order.indexOf('rcml')).toBeLessThan(order.indexOf('in-progress'));
    expect(order.indexOf('audio')).toBeLessThan(order.indexOf('in-progress'));

    // The receiver saw the last callback a moment before the simulator read its answer.
    const c = await waitFor('the answer to the last callback', () => (simCall(sid).callbacks[3]?.httpStatus ? simCall(sid) : null));
    expect(c).toMatchObject({ status: 'completed', durationSeconds: 1, to: '+15550000001', from: FROM, timeoutSeconds: 30, statusCallbackEvents: ['initiated', 'ringing', 'answered', 'completed'] });
    expect(c.rcml).toEqual({ httpStatus: 200, body: receiver.rcml(), verbs: [SAY, { kind: 'play', audioUrl: `${receiver.base}/audio.wav` }], signatureSent: rcml[0].signature });
    expect(c.rcmlError).toBeUndefined();
    expect(c.audioFetches).toEqual([{ url: `${receiver.base}/audio.wav`, httpStatus: 200, bytes: receiver.wav.length, wav: true }]);
    expect(c.callbacks.map(({ status, deliveries, httpStatus }) => ({ status, deliveries, httpStatus }))).toEqual(
      ['initiated', 'ringing', 'in-progress', 'completed'].map((status) => ({ status, deliveries: 1, httpStatus: 204 })),
    );
    expect(new Date(c.createdAt) <= new Date(c.answeredAt!) && new Date(c.answeredAt!) <= new Date(c.endedAt!)).toBe(true);
    expect(sim!.stats()).toEqual({ calls: 1, active: 0, maxConcurrentSeen: 1, refusedConcurrent: 0 });
  });

  it('delivers a callback again while the receiver fails it, and keeps the call’s callbacks in order', async () => {
    await startSim();
    const sid = await placed('+15550000002', '&failFirst=2&failStatus=ringing');
    await finalCallback(sid);
    expect(statusesOf(sid)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    const ringing = receiver.hits.filter((h) => h.kind === 'callback' && h.params.CallStatus === 'ringing');
    expect(ringing.map((h) => h.accepted)).toEqual([false, false, true]);
    // Every delivery is the same request: same parameters, same signature.
    expect(new Set(ringing.map((h) => JSON.stringify([h.params, h.signature]))).size).toBe(1);
    expect(simCall(sid).callbacks.find((cb) => cb.status === 'ringing')).toMatchObject({ deliveries: 3, httpStatus: 204 });
  });

  it('refuses wrong credentials with 401, which the client takes as throttled, and records nothing', async () => {
    await startSim();
    const wrongToken = await client({ authToken: 'not-the-token' }).placeCall(call('+15550000003'));
    expect(wrongToken).toMatchObject({ kind: 'throttled', httpStatus: 401 });
    const wrongAccount = await client({ accountSid: 'ACother' }).placeCall(call('+15550000003'));
    expect(wrongAccount).toMatchObject({ kind: 'throttled', httpStatus: 401 });
    expect(sim!.calls()).toEqual([]);
    expect(sim!.stats().calls).toBe(0);
  });

  it('refuses what cannot be a call: a missing or non-E.164 number, an oversized body', async () => {
    await startSim();
    expect(await client().placeCall(call('07700900123'))).toMatchObject({ kind: 'rejected', httpStatus: 400, detail: expect.stringContaining('07700900123') });
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${simPort}/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`, {
        method: 'POST',
        headers: { authorization: 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64'), 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const missing = await post(new URLSearchParams({ From: FROM, Url: `${receiver.base}/rcml` }).toString());
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 21201, status: 400 });
    const large = await post('To=%2B15550000004&From=x&Url=http://x/&Pad=' + 'a'.repeat(65 * 1024));
    expect(large.status).toBe(413);
    expect(sim!.calls()).toEqual([]);
  });

  it('answers 429 beyond maxConcurrent active calls, and takes calls again once they ended', async () => {
    await startSim({ maxConcurrent: 1, ringMs: 200 });
    const first = await placed('+15550000005');
    expect(await client().placeCall(call('+15550000006'))).toMatchObject({ kind: 'throttled', httpStatus: 429 });
    await finalCallback(first);
    await waitFor('no active call', () => sim!.stats().active === 0);
    await placed('+15550000007');
    expect(sim!.stats()).toMatchObject({ calls: 2, maxConcurrentSeen: 1, refusedConcurrent: 1 });
    expect(sim!.calls().map((c) => c.to)).toEqual(['+15550000005', '+15550000007']);
  });

  it('ends a call as outcomeFor says, without fetching its RCML when nobody answers', async () => {
    await startSim({ outcomeFor: (to, nth) => (to === '+15550000008' ? 'busy' : nth === 2 ? 'no-answer' : undefined) });
    const busy = await placed('+15550000008');
    expect(await finalCallback(busy)).toMatchObject({ CallStatus: 'busy', CallDuration: '0' });
    expect(statusesOf(busy)).toEqual(['initiated', 'ringing', 'busy']);
    expect(simCall(busy)).toMatchObject({ status: 'busy', durationSeconds: 0, audioFetches: [] });
    expect(simCall(busy).rcml).toBeUndefined();
    expect(simCall(busy).answeredAt).toBeUndefined();

    // The second call to the same number is its nth = 2.
    await finalCallback(await placed('+15550000009'));
    const secondTry = await placed('+15550000009');
    expect(await finalCallback(secondTry)).toMatchObject({ CallStatus: 'no-answer', CallDuration: '0' });
    expect(receiver.hits.filter((h) => h.kind === 'rcml').map((h) => h.params.CallSid)).not.toContain(secondTry);
  });

  it('cancels a ringing call that is hung up, and completes one hung up in progress', async () => {
    await startSim({ ringMs: 400, callMs: 5000 });
    const ringing = await placed('+15550000010');
    await waitFor('the ringing callback', () => statusesOf(ringing).includes('ringing'));
    expect(await client().hangUp(ringing, 'canceled')).toBe(true);
    expect(await finalCallback(ringing)).toMatchObject({ CallStatus: 'canceled', CallDuration: '0' });
    expect(simCall(ringing).status).toBe('canceled');
    // A second hang-up of an ended call changes nothing; an unknown call is 404.
    expect(await client().hangUp(ringing, 'completed')).toBe(true);
    expect(await client().hangUp('CA' + '0'.repeat(32), 'canceled')).toBe(false);

    const answered = await placed('+15550000011');
    await waitFor('the in-progress callback', () => statusesOf(answered).includes('in-progress'));
    expect(await client().hangUp(answered, 'completed')).toBe(true);
    expect(await finalCallback(answered)).toMatchObject({ CallStatus: 'completed', CallDuration: '1' });

    // Past the ring time of the first call: its cleared timer never answered it.
    await waitFor('the first call’s ring time', () => Date.now() > new Date(simCall(ringing).createdAt).getTime() + 450);
    expect(statusesOf(ringing)).toEqual(['initiated', 'ringing', 'canceled']);
    expect(statusesOf(answered)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(sim!.stats().active).toBe(0);
  });

  it('completes a call whose RCML cannot be fetched, and says why', async () => {
    await startSim();
    const sid = await placed('+15550000012', '', '/rcml-broken');
    expect(await finalCallback(sid)).toMatchObject({ CallStatus: 'completed' });
    expect(simCall(sid)).toMatchObject({ status: 'completed', rcml: { httpStatus: 500, body: 'oops', verbs: null }, rcmlError: expect.stringContaining('500'), audioFetches: [] });
  });

  it('shows its calls and counts over HTTP, and forgets them on reset', async () => {
    await startSim();
    const sid = await placed('+15550000013');
    await finalCallback(sid);
    const base = `http://127.0.0.1:${simPort}/sim`;
    const calls = await (await fetch(`${base}/calls`)).json();
    expect(calls).toEqual([expect.objectContaining({ sid, status: 'completed' })]);
    expect(await (await fetch(`${base}/stats`)).json()).toEqual({ calls: 1, active: 0, maxConcurrentSeen: 1, refusedConcurrent: 0 });
    expect((await fetch(`${base}/reset`, { method: 'POST' })).status).toBe(200);
    expect(await (await fetch(`${base}/calls`)).json()).toEqual([]);
    expect(sim!.stats().calls).toBe(0);
  });
});
