/** The carrier client against the SMSC simulator over real TCP on loopback. */
import { SmscSimulator } from '../../../tools/smsc-sim/src/smsc-simulator';
import { SmppCarrier, type DeliveryReceipt } from './carrier';
import { segmentsFor } from './encoding';

const waitUntil = async (what: string, ok: () => boolean, ms = 10000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('SMPP carrier and SMSC simulator', () => {
  const sims: SmscSimulator[] = [];
  const carriers: SmppCarrier[] = [];
  async function sim(options: ConstructorParameters<typeof SmscSimulator>[0] = {}) {
    const s = new SmscSimulator({ port: 0, systemId: 'sys', password: 'pw', receiptDelayMs: 5, ...options });
    sims.push(s);
    const { port } = await s.start();
    return { s, url: `smpp://sys:pw@127.0.0.1:${port}` };
  }
  function carrier(url: string, extra: Partial<ConstructorParameters<typeof SmppCarrier>[0]> = {}) {
    const c = new SmppCarrier({ url, windowSize: 50, responseTimeoutMs: 1000, reconnectDelayMsMax: 200, ...extra });
    carriers.push(c);
    return c;
  }
  afterEach(async () => {
    await Promise.all(carriers.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(sims.splice(0).map((s) => s.stop()));
  });

  it('binds with the right credentials and is refused with wrong ones', async () => {
    const { url } = await sim();
    await expect(carrier(url.replace('sys:pw', 'sys:nope')).connect()).rejects.toThrow(/bind refused/);
    const c = carrier(url);
    await c.connect();
    expect(c.isBound()).toBe(true);
  });

  it('submits 2,000 messages through the window, each recorded once with its text, each with a receipt', async () => {
    const { s, url } = await sim();
    const receipts: DeliveryReceipt[] = [];
    // 2,000 at once: 200 in the window, the rest in the bounded queue (10 × window).
    const c = carrier(url, { windowSize: 200, onReceipt: (r) => receipts.push(r) });
    await c.connect();
    const texts = ['Hello', 'Привет мир', 'L'.repeat(160)]; // one part each: the window counts parts
    const t0 = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => c.submit({ from: '+14155550000', to: `+1415600${String(i).padStart(4, '0')}`, text: texts[i % 3], registeredDelivery: true })),
    );
    const perSecond = Math.round(2000 / ((Date.now() - t0) / 1000));
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(s.countByNumber().size).toBe(2000);
    expect([...s.countByNumber().values()].every((n) => n === 1)).toBe(true);
    expect(s.submits().every((m) => m.text === texts[Number(m.to.slice(-4)) % 3])).toBe(true);
    await waitUntil('2000 receipts', () => receipts.length === 2000);
    const ids = new Set(outcomes.map((o) => (o.kind === 'accepted' ? o.messageId : '')));
    expect(receipts.every((r) => ids.has(r.messageId) && r.stat === 'DELIVRD')).toBe(true);
    console.log(`[figures] carrier submits: ${perSecond}/s through a window of 200`);
  });

  it('carries Hindi, Cyrillic and emoji bodies of 1 to 5 segments intact, each with its receipt, and the simulator stays up', async () => {
    const { s, url } = await sim();
    const receipts: DeliveryReceipt[] = [];
    const c = carrier(url, { onReceipt: (r) => receipts.push(r) });
    await c.connect();
    // UCS-2: 70 characters in one segment, 67 per segment beyond; these run from 1 to 5 segments.
    const seeds = ['नमस्ते दुनिया ', 'Привет мир ', '🎉 Sale today ', 'Ünïcödé ✓ '];
    // A text of at most `units` UTF-16 code units, cut between characters.
    const ofUnits = (seed: string, units: number) => {
      let t = '';
      for (const ch of Array.from(seed.repeat(units))) {
        if (t.length + ch.length > units) break;
        t += ch;
      }
      return t;
    };
    const texts = seeds.flatMap((seed) => [20, 130, 195, 262, 330].map((n) => ofUnits(seed, n)));
    const outcomes = await Promise.all(texts.map((text, i) => c.submit({ from: '+14155550000', to: `+1415700${String(i).padStart(4, '0')}`, text, registeredDelivery: true })));
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(
      s
        .submits()
        .map((m) => m.text)
        .sort(),
    ).toEqual([...texts].sort());
    // Long ones arrive as UDH-concatenated UCS-2 parts, as many as the message is charged for.
    for (const m of s.submits()) expect(m.concatenation?.parts.length ?? 1).toBe(segmentsFor(m.text));
    expect(new Set(s.submits().map((m) => m.concatenation?.parts.length ?? 1))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(
      s
        .submits()
        .filter((m) => m.concatenation)
        .every((m) => m.concatenation!.mode === 'udh' && m.concatenation!.dataCoding === 8),
    ).toBe(true);
    await waitUntil('a receipt for every message', () => receipts.length === texts.length);
    expect(receipts.every((r) => r.stat === 'DELIVRD')).toBe(true);
    // Still serving after all of them.
    expect(await c.submit({ from: '+14155550000', to: '+16467000000', text: 'after' })).toMatchObject({ kind: 'accepted' });
  });

  it('splits long GSM-7 messages into 153-septet parts, with UDH by default or SAR TLVs, keeping extension characters whole', async () => {
    const { s, url } = await sim();
    const udh = carrier(url);
    const sar = carrier(url, { concatenation: 'sar' });
    await Promise.all([udh.connect(), sar.connect()]);
    // 152 plain characters then '€' (two septets) would straddle the 153-septet boundary: it moves to part 2.
    const straddling = 'a'.repeat(152) + '€' + 'b'.repeat(100);
    const texts = ['x'.repeat(160), 'y'.repeat(161), 'z'.repeat(459), straddling];
    const sent = await Promise.all([
      ...texts.map((text, i) => udh.submit({ from: '+14155550000', to: `+1646800000${i}`, text })),
      ...texts.map((text, i) => sar.submit({ from: '+14155550000', to: `+1646810000${i}`, text })),
    ]);
    expect(sent.every((o) => o.kind === 'accepted')).toBe(true);
    const byTo = new Map(s.submits().map((m) => [m.to, m]));
    texts.forEach((text, i) => {
      for (const [prefix, mode] of [
        ['+1646800000', 'udh'],
        ['+1646810000', 'sar'],
      ] as const) {
        const m = byTo.get(`${prefix}${i}`)!;
        expect(m.text).toBe(text);
        const parts = m.concatenation?.parts ?? [m.text];
        expect(parts.length).toBe(segmentsFor(text));
        if (m.concatenation) expect(m.concatenation).toMatchObject({ mode, dataCoding: 0 });
      }
    });
    expect(segmentsFor('y'.repeat(161))).toBe(2);
    expect(segmentsFor('z'.repeat(459))).toBe(3);
    expect(byTo.get('+16468000003')!.concatenation!.parts).toEqual(['a'.repeat(152), '€' + 'b'.repeat(100)]);
  });

  it('reports throttling as retriable and a refused number as final', async () => {
    const { url } = await sim({ throttlePerSecond: 5, failNumbers: ['+16465000001'] });
    const c = carrier(url);
    await c.connect();
    const refused = await c.submit({ from: '+14155550000', to: '+16465000001', text: 'x' });
    expect(refused).toEqual({ kind: 'rejected', commandStatus: 0x45, retriable: false });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => c.submit({ from: '+14155550000', to: `+1646600${String(i).padStart(4, '0')}`, text: 'x' })));
    const throttled = outcomes.filter((o) => o.kind === 'rejected');
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((o) => o.kind === 'rejected' && o.commandStatus === 0x58 && o.retriable)).toBe(true);
  });

  it('resolves an unanswered submit as unknown and never re-sends it', async () => {
    const { s, url } = await sim({ silentNumbers: ['+16465000009'] });
    const c = carrier(url);
    await c.connect();
    const o = await c.submit({ from: '+14155550000', to: '+16465000009', text: 'x' });
    expect(o.kind).toBe('unknown');
    expect(s.submits()).toHaveLength(0);
  });

  it('keeps receipts for a session that went away and delivers them on the next bind', async () => {
    const { s, url } = await sim({ receiptDelayMs: 300 });
    const first = carrier(url);
    await first.connect();
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => first.submit({ from: '+14155550000', to: `+1646200000${i}`, text: 'x', registeredDelivery: true })));
    // Drop the connection abruptly, before the receipts are due.
    await first.close();
    await waitUntil('receipts queued', () => s.stats().receiptsQueued === 10, 5000);
    const receipts: DeliveryReceipt[] = [];
    const second = carrier(url, { onReceipt: (r) => receipts.push(r) });
    await second.connect();
    await waitUntil('queued receipts delivered', () => receipts.length === 10);
    expect(new Set(receipts.map((r) => r.messageId))).toEqual(new Set(outcomes.map((o) => (o.kind === 'accepted' ? o.messageId : ''))));
  });

  it('answers a query by the sender’s own reference: found, or never received', async () => {
    const { url } = await sim();
    const c = carrier(url);
    await c.connect();
    const sent = await c.submit({ from: '+14155550000', to: '+16463000000', text: 'x', reference: 'CPabc:7' });
    expect(sent.kind).toBe('accepted');
    const found = await c.queryByReference('CPabc:7');
    expect(found).toMatchObject({ kind: 'found', messageId: sent.kind === 'accepted' ? sent.messageId : '' });
    expect(await c.queryByReference('CPabc:8')).toEqual({ kind: 'not-found' });
  });

  it('acknowledges an inbound message (MO) only once its handler has stored it, and ESME_RX_T_APPN makes the SMSC deliver it again', async () => {
    const { s, url } = await sim();
    const seen: Array<{ from: string; to: string; text: string }> = [];
    let release: () => void = () => undefined;
    let failuresLeft = 1;
    const c = carrier(url, {
      onInbound: async (m) => {
        seen.push(m);
        if (failuresLeft-- > 0) throw new Error('database away');
        await new Promise<void>((r) => (release = r));
      },
    });
    await c.connect();
    let answered: number | null = null;
    const acked = s.injectInbound({ from: '+12122000001', to: '+14042000001', text: ' Stop. ' }).then((status) => (answered = status));
    // The first delivery failed and was answered "try later"; the second waits in the handler, unanswered.
    await waitUntil('the second delivery', () => seen.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBeNull();
    release();
    await acked;
    expect(answered).toBe(0);
    expect(seen).toEqual([
      { from: '+12122000001', to: '+14042000001', text: ' Stop. ' },
      { from: '+12122000001', to: '+14042000001', text: ' Stop. ' },
    ]);
  });
});

describe('SMPP carrier over several binds', () => {
  const sims: SmscSimulator[] = [];
  const carriers: SmppCarrier[] = [];
  async function setup(carrierOptions: Partial<ConstructorParameters<typeof SmppCarrier>[0]>, simOptions: ConstructorParameters<typeof SmscSimulator>[0] = {}) {
    const s = new SmscSimulator({ port: 0, systemId: 'sys', password: 'pw', receiptDelayMs: 5, ...simOptions });
    sims.push(s);
    const { port } = await s.start();
    const c = new SmppCarrier({ url: `smpp://sys:pw@127.0.0.1:${port}`, windowSize: 10, responseTimeoutMs: 1000, reconnectDelayMsMax: 200, ...carrierOptions });
    carriers.push(c);
    await c.connect();
    return { s, c };
  }
  afterEach(async () => {
    await Promise.all(carriers.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(sims.splice(0).map((s) => s.stop()));
  });

  it('spreads submits over its transceiver binds, within each bind’s window, and sums their status up', async () => {
    const { s, c } = await setup({ binds: 3 });
    expect(s.stats().binds).toBe(3);
    expect(c.capacity()).toBe(30);
    expect(c.status()).toMatchObject({ state: 'connected', detail: '3 of 3 transceiver binds bound' });
    const outcomes = await Promise.all(Array.from({ length: 300 }, (_, i) => c.submit({ from: '+14155550000', to: `+1646400${String(i).padStart(4, '0')}`, text: 'x' })));
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    const perSession = new Map<number, number>();
    for (const m of s.submits()) perSession.set(m.session, (perSession.get(m.session) ?? 0) + 1);
    expect(perSession.size).toBe(3);
    // Least in flight first: no bind carries much more than its share.
    expect(Math.max(...perSession.values())).toBeLessThan(150);
    expect(s.countByNumber().size).toBe(300);
  });

  it('submits over transmitter binds and takes the receipts on its receiver bind', async () => {
    const receipts: DeliveryReceipt[] = [];
    const { s, c } = await setup({ binds: 2, bindType: 'transmitter', receiverBinds: 1, onReceipt: (r) => void receipts.push(r) });
    expect(c.status().detail).toBe('2 of 2 transmitter binds bound, 1 of 1 receiver binds');
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => c.submit({ from: '+14155550000', to: `+1646410${String(i).padStart(4, '0')}`, text: 'x', registeredDelivery: true })));
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(new Set(s.submits().map((m) => m.session)).size).toBe(2);
    await waitUntil('40 receipts on the receiver', () => receipts.length === 40);
  });

  it('resolves a dropped session’s unanswered submits as unknown, binds again, and goes on submitting', async () => {
    const { s, c } = await setup({ binds: 2 }, { silentNumbers: ['+16469000000'] });
    const silent = Promise.all([0, 1, 2, 3].map(() => c.submit({ from: '+14155550000', to: '+16469000000', text: 'x' })));
    await new Promise((r) => setTimeout(r, 50));
    expect(s.dropSessions()).toBe(2);
    expect((await silent).map((o) => o.kind)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
    await waitUntil('both binds back', () => c.capacity() === 20, 5000);
    expect(c.status()).toMatchObject({ state: 'connected', detail: '2 of 2 transceiver binds bound' });
    expect(await c.submit({ from: '+14155550000', to: '+16469000001', text: 'after' })).toMatchObject({ kind: 'accepted' });
    expect(s.stats().binds).toBe(4);
  });

  it('refuses a bind count out of bounds', () => {
    expect(() => new SmppCarrier({ url: 'smpp://sys:pw@127.0.0.1:1', binds: 0 })).toThrow(/binds must be/);
    expect(() => new SmppCarrier({ url: 'smpp://sys:pw@127.0.0.1:1', binds: 33 })).toThrow(/binds must be/);
  });
});

describe('SMPP carrier queue bound', () => {
  it('refuses submits beyond ten windows of waiting instead of growing without limit', async () => {
    const s = new SmscSimulator({ port: 0, systemId: 'sys', password: 'pw', silentNumbers: ['+16469999999'] });
    const { port } = await s.start();
    const c = new SmppCarrier({ url: `smpp://sys:pw@127.0.0.1:${port}`, windowSize: 2, responseTimeoutMs: 300 });
    await c.connect();
    const all = Array.from({ length: 23 }, () =>
      c.submit({ from: '+1', to: '+16469999999', text: 'x' }).then(
        (o) => o.kind,
        (e: Error) => e.message,
      ),
    );
    const results = await Promise.all(all);
    expect(results.filter((r) => r === 'carrier submit queue is full')).toHaveLength(1);
    expect(results.filter((r) => r === 'unknown')).toHaveLength(22);
    await c.close();
    await s.stop();
  });
});
