/**
 * Voice campaigns on the real stack, calling through the bundled call-control simulator over HTTP:
 * announcements rendered as RCML at signed URLs, a play announcement's WAV fetched by the carrier,
 * a campaign's own rcmlUrl handed over as it is, call outcomes from the signed status callbacks,
 * one credit per call placed, and forged callbacks and URLs refused without changing anything.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALL_FLOW_PATH, CALL_STATUS_PATH, carrierSignature, readVoiceSettings, signPath } from '@clarion/voice';
import { testNumbers } from './support/numbers';
import { sendStates } from './support/sms';
import { TOPIC } from '@clarion/contracts';
import { api, campaignForm, provisionTenant, startStack, waitFor, waitForStatus, watchStatusTopic, VOICE_ACCOUNT, type Stack, type Tenant } from './support/stack';
import { wav, wavForm } from './support/wav';

const FROM = '+14155550100';

describe('voice campaigns through the call-control API', () => {
  let stack: Stack;
  /** The simulator's outcome per number (default: answered). */
  const outcomes = new Map<string, 'busy' | 'no-answer' | 'failed'>();

  beforeAll(async () => {
    stack = await startStack({ voice: { outcomeFor: (to) => outcomes.get(to) } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const announcement = async (t: Tenant, json: Record<string, string>) => {
    const r = await api(stack.url, 'POST', '/campaignmanager/announcement', { auth: t.auth, json: { enterpriseSid: t.enterpriseSid, name: 'a', ...json } });
    expect(r.status).toBe(200);
    return r.body.data.sid as string;
  };
  const voiceCampaign = async (t: Tenant, fields: Record<string, string>, to: string[]) => {
    const r = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: t.auth, form: campaignForm({ name: 'calls', channel: 'voice', ...fields }, to, [FROM]) });
    expect(r.status).toBe(201);
    return r.body.data.sid as string;
  };
  const callsTo = (numbers: string[]) => stack.voice!.calls().filter((c) => numbers.includes(c.to));
  const balance = async (t: Tenant) => (await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: t.auth })).body.data;
  const finalStates = (sid: string, count: number) =>
    waitFor(`${count} calls final`, async () => {
      const states = await sendStates(stack.databaseUrl, sid);
      return states.size === count && [...states.values()].every((s) => s !== 'queued' && s !== 'sending' && s !== 'sent') ? states : null;
    });

  it('calls each number once with a say announcement: the carrier gets valid RCML with its text, voice and language; one credit per call', async () => {
    const t = await provisionTenant(stack.url, 10);
    const text = 'Your appointment is at 10 <am> & "on time".';
    const sid = await voiceCampaign(t, { announcementSid: await announcement(t, { type: 'say', body: text, language: 'en-GB', voice: 'woman' }), dialTimeout: '15' }, testNumbers(3, 40));
    const n = testNumbers(3, 40);
    const done = await waitForStatus(stack, t, sid, 'completed');
    expect(done.total).toBe(3);
    const calls = callsTo(n);
    expect(calls.map((c) => c.to).sort()).toEqual([...n].sort());
    for (const c of calls) {
      expect(c).toMatchObject({ from: FROM, timeoutSeconds: 15 });
      // The status callback names the send the call was placed for (it settles a call whose answer was lost).
      expect(c.statusCallback).toMatch(new RegExp(`^${stack.url}${CALL_STATUS_PATH}\\?ref=${sid}%3A\\d+$`));
      expect(c.url.startsWith(`${stack.url}${CALL_FLOW_PATH}${sid}?expires=`)).toBe(true);
      expect(c.rcml).toMatchObject({ httpStatus: 200, verbs: [{ kind: 'say', text, voice: 'woman', language: 'en-GB' }] });
      expect(c.rcmlError).toBeUndefined();
    }
    expect([...(await finalStates(sid, 3)).values()]).toEqual(['delivered', 'delivered', 'delivered']);
    await waitFor('the charge', async () => {
      const b = await balance(t);
      return b.used === 3 && b.reserved === 0 && b.available === 7;
    });
  });

  it('plays an uploaded WAV: the carrier fetches it from a signed URL', async () => {
    const t = await provisionTenant(stack.url, 10);
    const audio = wav({ formatTag: 1, bitsPerSample: 16, samples: 8000 });
    const a = await announcement(t, { type: 'play' });
    // Not playable before its audio is uploaded: refused at once rather than every call failing.
    const early = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: t.auth, form: campaignForm({ name: 'x', channel: 'voice', announcementSid: a }, testNumbers(1, 41), [FROM]) });
    expect([early.status, early.body.code]).toEqual([400, 4001]);
    expect((await api(stack.url, 'POST', `/campaignmanager/internal/file/announcement/${a}`, { auth: t.auth, form: wavForm(audio) })).status).toBe(200);
    const n = testNumbers(2, 41);
    const sid = await voiceCampaign(t, { announcementSid: a }, n);
    await waitForStatus(stack, t, sid, 'completed');
    await finalStates(sid, 2);
    for (const c of callsTo(n)) {
      expect(c.timeoutSeconds).toBe(30); // seed 000's default dialTimeout
      expect(c.rcml?.verbs).toEqual([{ kind: 'play', audioUrl: expect.stringMatching(new RegExp(`^${stack.url}/voice/audio/${sid}\\?expires=\\d+&signature=`)) }]);
      expect(c.audioFetches).toEqual([expect.objectContaining({ httpStatus: 200, wav: true, bytes: audio.length })]);
    }
  });

  describe('with a campaign’s own rcmlUrl', () => {
    let flowServer: Server;
    let flowUrl: string;
    beforeAll(async () => {
      flowServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end('<Response><Say>From the customer’s own server</Say></Response>'));
      await new Promise<void>((resolve) => flowServer.listen(0, '127.0.0.1', resolve));
      flowUrl = `http://127.0.0.1:${(flowServer.address() as AddressInfo).port}/flow.xml?campaign=spring`;
    });
    afterAll(() => new Promise<void>((resolve) => flowServer.close(() => resolve())));

    it('hands the carrier that URL as it is; busy, unanswered and failed calls end undelivered and are charged as placed', async () => {
      const t = await provisionTenant(stack.url, 10);
      const n = testNumbers(4, 42);
      outcomes.set(n[1], 'busy').set(n[2], 'no-answer').set(n[3], 'failed');
      const sid = await voiceCampaign(t, { rcmlUrl: flowUrl }, n);
      await waitForStatus(stack, t, sid, 'completed');
      const states = await finalStates(sid, 4);
      expect(n.map((x) => states.get(x))).toEqual(['delivered', 'undelivered', 'undelivered', 'undelivered']);
      const answered = callsTo([n[0]])[0];
      expect(answered.url).toBe(flowUrl);
      expect(answered.rcml?.verbs).toEqual([{ kind: 'say', text: 'From the customer’s own server', voice: null, language: null }]);
      // Only an answered call fetches its flow.
      expect(callsTo(n.slice(1)).every((c) => c.rcml === undefined)).toBe(true);
      await waitFor('the charge', async () => (await balance(t)).used === 4);
    });

    it('refuses a forged status callback (403) and a tampered or expired call-flow URL, and a repeated callback changes nothing', async () => {
      const t = await provisionTenant(stack.url, 10);
      const n = testNumbers(1, 43);
      outcomes.set(n[0], 'busy');
      const sid = await voiceCampaign(t, { announcementSid: await announcement(t, { type: 'say', body: 'Hello', language: 'en-US', voice: 'man' }) }, n);
      await waitForStatus(stack, t, sid, 'completed');
      expect([...(await finalStates(sid, 1)).values()]).toEqual(['undelivered']);
      const call = callsTo(n)[0];

      const callback = (params: Record<string, string>, signature: string) =>
        fetch(stack.url + CALL_STATUS_PATH, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params) });
      const forged = { CallSid: call.sid, AccountSid: VOICE_ACCOUNT.accountSid, To: call.to, From: call.from, CallStatus: 'completed', CallDuration: '41' };
      const url = stack.url + CALL_STATUS_PATH;
      expect((await callback(forged, carrierSignature('not-the-token', url, forged))).status).toBe(403);
      expect((await callback(forged, '')).status).toBe(403);
      // Signed over other fields than those sent: forged too.
      expect((await callback(forged, carrierSignature(VOICE_ACCOUNT.authToken, url, { ...forged, CallStatus: 'busy' }))).status).toBe(403);
      // Properly signed, but the call is final already: taken (204), and the outcome stays.
      const repeat = { ...forged, CallDuration: '42' };
      expect((await callback(repeat, carrierSignature(VOICE_ACCOUNT.authToken, url, repeat))).status).toBe(204);
      // What reached dispatch: the carrier's own callbacks and the signed repeat, none of the forged ones.
      const topic = await watchStatusTopic(stack.kafka, stack.prefix, TOPIC.voiceCallbacks);
      try {
        const ofCall = () => topic.records.filter((r) => r.key === call.sid).map((r) => `${r.value.data.status}:${r.value.data.durationSeconds}`);
        await waitFor('the repeat on the topic', async () => ofCall().includes('completed:42'));
        expect(ofCall().filter((x) => x.endsWith(':41'))).toEqual([]);
        expect(ofCall()).toEqual(expect.arrayContaining(['busy:0']));
      } finally {
        await topic.stop();
      }
      expect([...(await sendStates(stack.databaseUrl, sid)).values()]).toEqual(['undelivered']);

      const flow = (url: string) => fetch(url, { method: 'POST' }).then((r) => r.status);
      expect(await flow(call.url + 'x')).toBe(403);
      expect(await flow(call.url.replace(sid, 'CP' + '0'.repeat(32)))).toBe(403);
      const secret = readVoiceSettings(stack.env)!.urlSecret;
      expect(await flow(stack.url + signPath(secret, CALL_FLOW_PATH + sid, Date.now() - 1000))).toBe(410);
      expect(await flow(stack.url + signPath(secret, CALL_FLOW_PATH + sid, Date.now() + 60_000))).toBe(200);
    });
  });
});
