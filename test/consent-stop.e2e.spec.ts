/**
 * STOP replies and the consent record on the real stack: an InboundReply on dnd.commands.v1 opts
 * its sender out once (a repeat publishes nothing) and START opts them back in; a STOP injected by
 * the SMSC simulator in the middle of a rate-capped campaign shows in the opt-out search and on
 * consent.changes.v1 within a second; the stop-word variants opt out and a sentence does not; and
 * the gateway's consent history and CSV export show what happened.
 */
import { TOPIC, message, newSid, type InboundReply } from '@clarion/contracts';
import { api, campaignForm, provisionTenant, startStack, waitFor, waitForStatus, watchStatusTopic, type Stack, type Tenant } from './support/stack';
import { testNumber, testNumbers } from './support/numbers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bare = (e164: string) => e164.slice(1);
/** What the issue allows between a reply and its opt-out being visible. */
const VISIBLE_WITHIN_MS = 1000;

describe('STOP replies and the consent record', () => {
  let stack: Stack;
  let watch: Awaited<ReturnType<typeof watchStatusTopic>>;
  const consentOf = (enterpriseSid: string, phoneNumber: string) =>
    watch.records.filter((r) => r.key === enterpriseSid && r.value.type === 'ConsentChanged' && r.value.phoneNumber === phoneNumber).map((r) => r.value);
  const optedOut = async (t: Tenant, n: string) => {
    const r = await api(stack.url, 'GET', `/campaignmanager/dnd/optout/search?phoneNumber=${bare(n)}`, { auth: t.auth });
    expect(r.status).toBe(200);
    return r.body.data.result.length > 0;
  };
  /** Polls until the number is on the search and on the topic; answers how long that took from `since`. */
  const visibleAfter = async (t: Tenant, n: string, since: number) => {
    await waitFor(`opt-out of ${n}`, async () => (await optedOut(t, n)) && consentOf(t.enterpriseSid, n).length > 0, 10_000, 20);
    return Date.now() - since;
  };

  beforeAll(async () => {
    // Six STOPs within a few hundred messages would pause the campaign (auto-pause on the STOP
    // rate, test/auto-pause.e2e.spec.ts); here it must run on to show what the send-time check does.
    stack = await startStack({ env: { DISPATCH_RATE_PER_SECOND_MAX: '200', DISPATCH_PAUSE_STOP_RATE: '0' } });
    watch = await watchStatusTopic(stack.kafka, stack.prefix, TOPIC.consentChanges);
  });
  afterAll(async () => {
    await watch?.stop();
    await stack?.stop();
  });

  it('dnd-svc: an InboundReply STOP opts out once, a repeat changes nothing, START opts back in; the history and export show it', async () => {
    const t = await provisionTenant(stack.url, 0);
    const other = await provisionTenant(stack.url, 0);
    const n = testNumber(10, 7);
    const campaignSid = newSid('campaign');
    const producer = stack.kafka.producer();
    await producer.connect();
    const reply = (text: string) =>
      producer.send({
        topic: stack.prefix + TOPIC.dndCommands,
        messages: [
          {
            key: n,
            value: JSON.stringify(
              message('InboundReply', {
                from: n,
                to: testNumber(0, 9),
                text,
                receivedAt: new Date().toISOString(),
                attributedTo: [{ enterpriseSid: t.enterpriseSid, campaignSid }],
              }) satisfies InboundReply,
            ),
          },
        ],
      });
    try {
      const sent = Date.now();
      await reply(' Stop. ');
      expect(await visibleAfter(t, n, sent)).toBeLessThanOrEqual(VISIBLE_WITHIN_MS);
      expect(consentOf(t.enterpriseSid, n)).toEqual([
        expect.objectContaining({ enterpriseSid: t.enterpriseSid, phoneNumber: n, consent: 'opted-out', optInList: null, source: 'reply', campaignSid, uploadId: null, text: ' Stop. ' }),
      ]);
      // Only the enterprise the reply was attributed to.
      expect(await optedOut(other, n)).toBe(false);

      await reply('STOP');
      await sleep(1500);
      expect(consentOf(t.enterpriseSid, n)).toHaveLength(1);

      await reply('start');
      await waitFor('opt-in', async () => !(await optedOut(t, n)) && consentOf(t.enterpriseSid, n).length === 2, 10_000, 20);
      expect(consentOf(t.enterpriseSid, n)[1]).toMatchObject({ consent: 'opted-in', source: 'reply', text: 'start' });

      // The gateway's read model: newest first, the caller's enterprise only.
      const history = await waitFor('history', async () => {
        const r = await api(stack.url, 'GET', `/campaignmanager/dnd/consent/${bare(n)}`, { auth: t.auth });
        return r.status === 200 && r.body.data.total === 2 ? r.body.data : null;
      });
      expect(history.result.map((e: { consent: string }) => e.consent)).toEqual(['opted-in', 'opted-out']);
      expect(history.result[1]).toMatchObject({ phoneNumber: n, source: 'reply', campaignSid, text: ' Stop. ' });
      const none = await api(stack.url, 'GET', `/campaignmanager/dnd/consent/${bare(n)}`, { auth: other.auth });
      expect(none.status).toBe(200);
      expect(none.body.data).toMatchObject({ total: 0, result: [] });
      const invalid = await api(stack.url, 'GET', '/campaignmanager/dnd/consent/not-a-number', { auth: t.auth });
      expect(invalid.status).toBe(400);
      expect(invalid.body.code).toBe(4001);

      const csv = await fetch(`${stack.url}/campaignmanager/dnd/consent.csv?startTime=2020-01-01`, { headers: { authorization: `Basic ${Buffer.from(t.auth.join(':')).toString('base64')}` } });
      expect(csv.status).toBe(200);
      const lines = (await csv.text()).trim().split('\n');
      expect(lines[0]).toBe('phoneNumber,consent,optInList,source,campaignSid,uploadId,text,at');
      expect(lines.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([`${n},opted-out,,reply,${campaignSid}`, `${n},opted-in,,reply,${campaignSid}`]);
      const future = await fetch(`${stack.url}/campaignmanager/dnd/consent.csv?startTime=2999-01-01`, { headers: { authorization: `Basic ${Buffer.from(t.auth.join(':')).toString('base64')}` } });
      expect((await future.text()).trim().split('\n')).toHaveLength(1);
      const bad = await api(stack.url, 'GET', '/campaignmanager/dnd/consent.csv?startTime=yesterday', { auth: t.auth });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe(498);
    } finally {
      await producer.disconnect();
    }
  });

  it('uploads record only the numbers newly listed; deleting an opt-out records an opt-in by the API', async () => {
    const t = await provisionTenant(stack.url, 0);
    const n = testNumbers(3, 7, 100);
    const upload = (lines: string[]) => {
      const form = new FormData();
      form.append('file', new Blob([lines.join('\n') + '\n'], { type: 'text/plain' }), 'numbers.txt');
      return api(stack.url, 'POST', '/campaignmanager/dnd/optout', { auth: t.auth, form });
    };
    expect((await upload(n.slice(0, 2))).status).toBe(200);
    await waitFor('upload changes', async () => n.slice(0, 2).every((x) => consentOf(t.enterpriseSid, x).length === 1), 10_000, 20);
    for (const x of n.slice(0, 2))
      expect(consentOf(t.enterpriseSid, x)).toEqual([expect.objectContaining({ consent: 'opted-out', source: 'upload', uploadId: expect.any(String), campaignSid: null, text: null })]);
    // The re-upload adds only the third number: the first two change nothing and publish nothing.
    expect((await upload(n)).body.data).toMatchObject({ added: 1, alreadyListed: 2 });
    await waitFor('the third', async () => consentOf(t.enterpriseSid, n[2]).length === 1, 10_000, 20);
    await sleep(500);
    for (const x of n.slice(0, 2)) expect(consentOf(t.enterpriseSid, x)).toHaveLength(1);

    const entry = await api(stack.url, 'GET', `/campaignmanager/dnd/optout/search?phoneNumber=${bare(n[0])}`, { auth: t.auth });
    const deleted = await api(stack.url, 'DELETE', `/campaignmanager/dnd/optout/${entry.body.data.result[0].sid}`, { auth: t.auth });
    expect(deleted.status).toBe(200);
    await waitFor('the opt-in', async () => consentOf(t.enterpriseSid, n[0]).length === 2, 10_000, 20);
    expect(consentOf(t.enterpriseSid, n[0])[1]).toMatchObject({ consent: 'opted-in', optInList: null, source: 'api' });
  });

  it('STOP from a recipient mid-campaign, through the simulator, opts them out within 1 s; the variants opt out and a sentence does not', async () => {
    const t = await provisionTenant(stack.url, 10_000);
    const recipients = testNumbers(3000, 8);
    const from = testNumber(1, 9);
    const created = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: t.auth,
      form: campaignForm({ name: 'consent', body: 'Sale today. Reply STOP to opt out.' }, recipients, [from]),
    });
    expect(created.status).toBe(201);
    const sid = created.body.data.sid;
    // Mid-campaign: some sent, the STOP's sender (late in the list) not yet.
    await waitFor('the first submits', async () => stack.smsc.submits().filter((s) => s.from === from).length >= 300, 60_000);
    const late = recipients[2900];
    expect(stack.smsc.submits().some((s) => s.to === late)).toBe(false);

    const injected = Date.now();
    expect(await stack.smsc.injectInbound({ from: late, to: from, text: 'STOP' })).toBe(0);
    const ackedMs = Date.now() - injected;
    const tookMs = await visibleAfter(t, late, injected);
    console.log(`STOP mid-campaign: acknowledged after ${ackedMs} ms, visible in the search and on consent.changes.v1 after ${tookMs} ms`);
    expect(tookMs).toBeLessThanOrEqual(VISIBLE_WITHIN_MS);
    expect(consentOf(t.enterpriseSid, late)).toEqual([expect.objectContaining({ consent: 'opted-out', source: 'reply', campaignSid: sid, text: 'STOP' })]);
    // Applied at send time: nothing reaches that number after the opt-out's timestamp, though the
    // campaign that was already running had it in its list; it ends opted-out and costs nothing.
    const optedOutAt = Date.parse(consentOf(t.enterpriseSid, late)[0].at);

    const variants = ['stop', ' Stop. ', 'OPT OUT', 'Unsubscribe!'];
    const senders = recipients.slice(100, 100 + variants.length);
    const sentence = recipients[200];
    for (const [i, text] of variants.entries()) expect(await stack.smsc.injectInbound({ from: senders[i], to: from, text })).toBe(0);
    expect(await stack.smsc.injectInbound({ from: sentence, to: from, text: 'Stop by our store' })).toBe(0);
    for (const [i, n] of senders.entries()) {
      await visibleAfter(t, n, Date.now());
      expect(consentOf(t.enterpriseSid, n)).toEqual([expect.objectContaining({ consent: 'opted-out', source: 'reply', campaignSid: sid, text: variants[i] })]);
    }
    // The sentence was injected before the variants were checked, so it has had as long as they had.
    await sleep(1000);
    expect(await optedOut(t, sentence)).toBe(false);
    expect(consentOf(t.enterpriseSid, sentence)).toEqual([]);

    await waitForStatus(stack, t, sid, 'completed', 120_000);
    expect(stack.smsc.submits().filter((s) => s.to === late && s.receivedAt >= optedOutAt)).toEqual([]);
    await waitFor(
      'the per-recipient report to show the number opted out',
      async () => JSON.stringify((await api(stack.url, 'GET', `/campaignmanager/campaigns/${sid}/recipients?status=opted-out`, { auth: t.auth })).body.data).includes(bare(late)),
      15_000,
    );
    const balance = await waitFor(
      'credits to be committed',
      async () => {
        const b = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: t.auth });
        return b.body.data.reserved === 0 ? b.body.data : null;
      },
      30_000,
    );
    expect(balance.used).toBe(stack.smsc.submits().filter((s) => s.from === from).length);
  });
});
