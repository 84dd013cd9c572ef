import * as smpp from 'smpp';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { addressFields, decodeMessage, encodeForSubmit, formatReceiptText, fromSmppAddress } from '@clarion/smpp'; // also registers the reference TLV

export interface Submit {
  messageId: string;
  systemId: string;
  from: string;
  to: string;
  text: string;
  receivedAt: number;
  /** Which bound session sent it (numbered from 1 in connection order). */
  session: number;
  /** A concatenated message: how its parts were tied together, and each part's text in order. */
  concatenation?: { mode: 'udh' | 'sar'; parts: string[]; dataCoding: number };
}

/** One submit_sm as it came over the wire: how a part of a concatenated message was marked. */
export interface RawPart {
  messageId: string;
  from: string;
  to: string;
  esmClass: number;
  dataCoding: number;
  /** The whole user data header (its length octet first), or null when esm_class has no UDH indicator. */
  udh: number[] | null;
  sar: { ref: number; total: number; seq: number } | null;
  /** The part's own text, without its header. */
  text: string;
}

/** The receipt one message gets, chosen per message (see `SmscOptions.receiptFor`). */
export interface ReceiptChoice {
  stat?: string;
  delayMs?: number;
}

/** Where a submit_sm says it belongs in a concatenated message, by UDH (IE 0x00 or 0x08) or SAR TLVs. */
function partOf(pdu: smpp.PDU): { mode: 'udh' | 'sar'; ref: number; total: number; seq: number } | null {
  if (pdu.sar_total_segments > 1) return { mode: 'sar', ref: Number(pdu.sar_msg_ref_num), total: Number(pdu.sar_total_segments), seq: Number(pdu.sar_segment_seqnum) };
  const udh: Buffer[] | undefined = pdu.short_message?.udh;
  for (const ie of udh ?? []) {
    if (ie[0] === 0x00 && ie.length >= 5) return { mode: 'udh', ref: ie[2], total: ie[3], seq: ie[4] };
    if (ie[0] === 0x08 && ie.length >= 6) return { mode: 'udh', ref: ie.readUInt16BE(2), total: ie[4], seq: ie[5] };
  }
  return null;
}

export interface SmscOptions {
  port?: number;
  host?: string;
  systemId?: string;
  password?: string;
  receiptDelayMs?: number;
  /** 0 = unlimited; above it submits are answered ESME_RTHROTTLED. */
  throttlePerSecond?: number;
  failNumbers?: string[];
  undeliverableNumbers?: string[];
  /** Submits to these numbers are never answered (to test response timeouts). */
  silentNumbers?: string[];
  httpPort?: number;
  /**
   * Chooses the receipt of one message by what was submitted (its sender address, text or number),
   * so that a test can give two campaigns to the same number different outcomes or timings. The
   * submit is the one that asked for the receipt: for a concatenated message, its last part.
   * Unset fields fall back to `undeliverableNumbers` and `receiptDelayMs`.
   */
  receiptFor?: (submit: Readonly<Submit>) => ReceiptChoice | undefined;
  /** Keeps every submit_sm's header fields (esm_class, UDH, SAR TLVs) in `parts()`, up to this many; 0 keeps none. */
  partsKeptMax?: number;
  /**
   * The fraction of submits (0 to 1) refused for good with ESME_RSUBMITFAIL, as a carrier in
   * trouble does. Chosen per message by a hash of its number and text, so the same message is
   * refused on every run; change it at run time with setFailSubmitRatio.
   */
  failSubmitRatio?: number;
}

const ESME_RINVPASWD = 0x0e;
const ESME_RINVSYSID = 0x0f;
const ESME_RSUBMITFAIL = 0x45;
const ESME_RTHROTTLED = 0x58;
const ESME_RQUERYFAIL = 0x67;
const ESME_RINVBNDSTS = 0x04;
const QUEUED_RECEIPTS_MAX = 1_000_000;
const SESSIONS_MAX = 64;
const SUBMITS_KEPT_MAX = 2_000_000;
/** Concatenated messages waiting for their other parts; past it the oldest is forgotten. */
const PARTIAL_MESSAGES_MAX = 100_000;

interface PendingReceipt {
  submit: Submit;
  stat: string;
}

/**
 * A simulated SMSC speaking SMPP v3.4 over TCP: it accepts binds, answers submit_sm with a
 * message id, records what it received, and sends delivery receipts. Like a real SMSC it keeps
 * receipts for a system id whose receiver is gone and delivers them when one binds again.
 */
export class SmscSimulator {
  private server: smpp.Server | null = null;
  private http: HttpServer | null = null;
  private readonly received: Submit[] = [];
  private readonly rawParts: RawPart[] = [];
  private readonly byId = new Map<string, { submit: Submit; doneAt: number }>();
  private readonly byReference = new Map<string, string>();
  private readonly partial = new Map<string, { parts: Map<number, string>; total: number; mode: 'udh' | 'sar' }>();
  private readonly receivers = new Map<string, Set<smpp.Session>>();
  private readonly queued = new Map<string, PendingReceipt[]>();
  private windowStart = 0;
  private windowCount = 0;
  private receiptsSent = 0;
  /** Submits answered ESME_RTHROTTLED. */
  private throttled = 0;
  /** Submits refused with ESME_RSUBMITFAIL (failNumbers or failSubmitRatio). */
  private submitsFailed = 0;
  private failSubmitRatio: number;
  private binds = 0;
  private sessionSeq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: SmscOptions = {}) {
    this.failSubmitRatio = options.failSubmitRatio ?? 0;
  }

  /** Changes the fraction of submits refused (0 repairs the carrier), from the next submit on. */
  setFailSubmitRatio(ratio: number): void {
    if (!(ratio >= 0 && ratio <= 1)) throw new Error(`failSubmitRatio must be from 0 to 1, not ${ratio}`);
    this.failSubmitRatio = ratio;
  }

  /** Submits refused with ESME_RSUBMITFAIL so far. */
  failedSubmits(): number {
    return this.submitsFailed;
  }

  /**
   * Whether this submit falls in the refused fraction: a hash of its number and raw text, so the
   * choice is the same for the same message on every run (a test's figures do not drift).
   */
  private failsBySubmitRatio(to: string, pdu: smpp.PDU): boolean {
    if (this.failSubmitRatio <= 0) return false;
    const text = pdu.message_payload ?? pdu.short_message ?? '';
    const h = createHash('sha1')
      .update(to)
      .update('\0')
      .update(Buffer.isBuffer(text) ? text : String(typeof text === 'object' && text && 'message' in text ? text.message : text))
      .digest();
    return h.readUInt32BE(0) / 0x1_0000_0000 < this.failSubmitRatio;
  }

  async start(): Promise<{ port: number; httpPort?: number }> {
    const server = smpp.createServer({}, (session) => this.onSession(session));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject); // e.g. the port is taken: say so instead of crashing
      server.listen(this.options.port ?? 2775, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    let httpPort: number | undefined;
    if (this.options.httpPort !== undefined) {
      this.http = createHttpServer((req, res) => this.onHttp(req.method ?? 'GET', req.url ?? '/', res));
      await new Promise<void>((resolve) => this.http!.listen(this.options.httpPort, this.options.host ?? '127.0.0.1', () => resolve()));
      httpPort = (this.http.address() as AddressInfo).port;
    }
    return { port, httpPort };
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.server?.sessions ?? []) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.server = null;
    this.http = null;
  }

  /**
   * Cuts every session at once, as a carrier's restart or a broken link does: submits on the wire
   * get no answer, and the clients have to bind again. Returns how many sessions were cut.
   */
  dropSessions(): number {
    const sessions = [...(this.server?.sessions ?? [])];
    for (const s of sessions) s.destroy();
    return sessions.length;
  }

  submits(): readonly Submit[] {
    return this.received;
  }

  /** Every submit_sm as it came (with `partsKeptMax`), parts of concatenated messages one by one. */
  parts(): readonly RawPart[] {
    return this.rawParts;
  }

  /**
   * Sends a receipt nobody asked for: the message id of a message this simulator accepted, with
   * another handset and status, as a faulty or hostile SMSC might. Clarion must match a receipt to
   * its send by both, so this changes nothing.
   */
  injectReceipt(r: { messageId: string; handset: string; stat: string }): void {
    const known = this.byId.get(r.messageId);
    if (!known) throw new Error(`no message ${r.messageId} to forge a receipt for`);
    this.deliverReceipt(known.submit.systemId, { submit: { ...known.submit, to: r.handset }, stat: r.stat });
  }

  countByNumber(): Map<string, number> {
    const m = new Map<string, number>();
    for (const s of this.received) m.set(s.to, (m.get(s.to) ?? 0) + 1);
    return m;
  }

  reset(): void {
    this.received.length = 0;
    this.rawParts.length = 0;
    this.byId.clear();
    this.byReference.clear();
    this.partial.clear();
  }

  stats() {
    const counts = this.countByNumber();
    let queued = 0;
    for (const q of this.queued.values()) queued += q.length;
    return {
      submits: this.received.length,
      uniqueNumbers: counts.size,
      duplicates: this.received.length - counts.size,
      receiptsSent: this.receiptsSent,
      receiptsQueued: queued,
      binds: this.binds,
      throttled: this.throttled,
    };
  }

  private onSession(session: smpp.Session): void {
    if ((this.server?.sessions.length ?? 0) > SESSIONS_MAX) {
      session.destroy();
      return;
    }
    let systemId: string | null = null;
    const sessionNo = ++this.sessionSeq;
    const bind = (pdu: smpp.PDU, receives: boolean) => {
      if (this.options.systemId && pdu.system_id !== this.options.systemId) return session.send(pdu.response({ command_status: ESME_RINVSYSID }));
      if (this.options.password !== undefined && pdu.password !== this.options.password) return session.send(pdu.response({ command_status: ESME_RINVPASWD }));
      systemId = String(pdu.system_id);
      this.binds++;
      session.send(pdu.response({ system_id: 'clarion-smsc' }));
      if (receives) {
        if (!this.receivers.has(systemId)) this.receivers.set(systemId, new Set());
        this.receivers.get(systemId)!.add(session);
        this.flushQueued(systemId);
      }
    };
    session.on('bind_transceiver', (pdu: smpp.PDU) => bind(pdu, true));
    session.on('bind_receiver', (pdu: smpp.PDU) => bind(pdu, true));
    session.on('bind_transmitter', (pdu: smpp.PDU) => bind(pdu, false));
    session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: smpp.PDU) => {
      if (!systemId) {
        session.send(pdu.response({ command_status: ESME_RINVBNDSTS }));
        return;
      }
      this.onSubmit(session, systemId, sessionNo, pdu);
    });
    session.on('query_sm', (pdu: smpp.PDU) => {
      // Standard query by message id, or (vendor extension) by the sender's own reference.
      const id = pdu.message_id ? String(pdu.message_id) : this.byReference.get(String(pdu.clarion_reference ?? ''));
      const known = id ? this.byId.get(id) : undefined;
      if (!known) return session.send(pdu.response({ command_status: ESME_RQUERYFAIL }));
      const delivered = Date.now() >= known.doneAt;
      session.send(pdu.response({ message_id: known.submit.messageId, final_date: '', message_state: delivered ? 2 : 1, error_code: 0 }));
    });
    session.on('pdu', (pdu: smpp.PDU) => {
      if (!pdu.isResponse() && !KNOWN_COMMANDS.has(pdu.command)) session.send(new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: 0x03 }));
    });
    session.on('error', () => undefined);
    session.on('close', () => {
      if (systemId) this.receivers.get(systemId)?.delete(session);
    });
  }

  private onSubmit(session: smpp.Session, systemId: string, sessionNo: number, pdu: smpp.PDU): void {
    const to = fromSmppAddress(String(pdu.destination_addr));
    if (this.options.silentNumbers?.includes(to)) return;
    if (this.options.failNumbers?.includes(to) || this.failsBySubmitRatio(to, pdu)) {
      this.submitsFailed++;
      session.send(pdu.response({ command_status: ESME_RSUBMITFAIL }));
      return;
    }
    const limit = this.options.throttlePerSecond ?? 0;
    if (limit > 0) {
      const now = Date.now();
      if (now - this.windowStart >= 1000) {
        this.windowStart = now;
        this.windowCount = 0;
      }
      if (++this.windowCount > limit) {
        this.throttled++;
        session.send(pdu.response({ command_status: ESME_RTHROTTLED }));
        return;
      }
    }
    const payload = pdu.message_payload;
    const hasPayload = payload !== undefined && !(Buffer.isBuffer(payload) && payload.length === 0);
    const text = decodeMessage(hasPayload ? payload : pdu.short_message, pdu.data_coding ?? 0);
    const messageId = randomBytes(8).toString('hex');
    const from = fromSmppAddress(String(pdu.source_addr));
    const submit: Submit = { messageId, systemId, from, to, text, receivedAt: Date.now(), session: sessionNo };
    // A part of a concatenated message is recorded as a message once all its parts are in, as a handset shows it.
    const part = partOf(pdu);
    if (this.rawParts.length < (this.options.partsKeptMax ?? 0)) this.rawParts.push(rawPart(pdu, submit, part?.mode === 'sar'));
    if (!part) {
      if (this.received.length < SUBMITS_KEPT_MAX) this.received.push(submit);
    } else {
      this.collectPart(systemId, from, to, part, text, submit, pdu.data_coding ?? 0);
    }
    const choice = pdu.registered_delivery & 0x01 ? this.options.receiptFor?.(submit) : undefined;
    const delay = choice?.delayMs ?? this.options.receiptDelayMs ?? 20;
    this.byId.set(messageId, { submit, doneAt: Date.now() + delay });
    if (pdu.clarion_reference) this.byReference.set(String(pdu.clarion_reference), messageId);
    session.send(pdu.response({ message_id: messageId }));
    if (pdu.registered_delivery & 0x01) {
      const stat = choice?.stat ?? (this.options.undeliverableNumbers?.includes(to) ? 'UNDELIV' : 'DELIVRD');
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.deliverReceipt(systemId, { submit, stat });
      }, delay);
      this.timers.add(t);
    }
  }

  private collectPart(systemId: string, from: string, to: string, part: NonNullable<ReturnType<typeof partOf>>, text: string, submit: Submit, dataCoding: number): void {
    const key = `${systemId}|${from}|${to}|${part.mode}|${part.ref}|${part.total}`;
    let m = this.partial.get(key);
    if (!m) {
      if (this.partial.size >= PARTIAL_MESSAGES_MAX) this.partial.delete(this.partial.keys().next().value!);
      m = { parts: new Map(), total: part.total, mode: part.mode };
      this.partial.set(key, m);
    }
    m.parts.set(part.seq, text);
    if (m.parts.size < m.total) return;
    this.partial.delete(key);
    const parts = Array.from({ length: m.total }, (_, i) => m!.parts.get(i + 1) ?? '');
    if (this.received.length < SUBMITS_KEPT_MAX) this.received.push({ ...submit, text: parts.join(''), concatenation: { mode: m.mode, parts, dataCoding } });
  }

  private deliverReceipt(systemId: string, r: PendingReceipt): void {
    const sessions = [...(this.receivers.get(systemId) ?? [])].filter((s) => s.socket.writable);
    if (sessions.length === 0) {
      const q = this.queued.get(systemId) ?? [];
      if (q.length < QUEUED_RECEIPTS_MAX) q.push(r);
      this.queued.set(systemId, q);
      return;
    }
    const session = sessions[this.receiptsSent % sessions.length];
    const stamp = smppDate(new Date(r.submit.receivedAt));
    const text = formatReceiptText({ id: r.submit.messageId, stat: r.stat, submitDate: stamp, doneDate: smppDate(new Date()), text: r.submit.text });
    const enc = encodeForSubmit(text);
    // A receipt travels back: from the handset to the sender. One too long for short_message (it
    // never is, but the text is quoted from the sender's) goes in message_payload, as a submit would.
    const pdu = new smpp.PDU('deliver_sm', {
      ...addressFields(r.submit.to, r.submit.from),
      esm_class: 0x04,
      data_coding: enc.dataCoding,
      ...(enc.payload ? { message_payload: enc.bytes } : { short_message: enc.bytes }),
      receipted_message_id: r.submit.messageId,
      message_state: r.stat === 'DELIVRD' ? 2 : 5,
    });
    let sent: boolean;
    try {
      sent = session.send(pdu);
    } catch (err) {
      // A PDU that cannot be encoded is the simulator's bug, never a reason to stop serving everyone.
      console.error(`[smsc-sim] receipt for ${r.submit.messageId} not encodable: ${(err as Error).message}`);
      return;
    }
    if (!sent) {
      this.queued.set(systemId, [...(this.queued.get(systemId) ?? []), r]);
      return;
    }
    this.receiptsSent++;
  }

  private flushQueued(systemId: string): void {
    const q = this.queued.get(systemId);
    if (!q || q.length === 0) return;
    this.queued.delete(systemId);
    for (const r of q) this.deliverReceipt(systemId, r);
  }

  /**
   * A mobile-originated message (MO): a handset sending `text` to `to`, delivered as a deliver_sm
   * with esm_class 0 (not a receipt) over a receiver or transceiver session of `systemId` (the only
   * or first bound one when not named). Like an SMSC, it delivers again while the ESME answers an
   * error (ESME_RX_T_APPN: "try later"), up to INBOUND_ATTEMPTS_MAX times. Resolves with the last
   * command_status (0: accepted); rejects when no session is bound.
   */
  async injectInbound(m: { from: string; to: string; text: string; systemId?: string }): Promise<number> {
    let status = -1;
    for (let attempt = 1; attempt <= INBOUND_ATTEMPTS_MAX; attempt++) {
      const systemId = m.systemId ?? [...this.receivers.entries()].find(([, set]) => [...set].some((x) => x.socket.writable))?.[0];
      const session = [...(systemId ? (this.receivers.get(systemId) ?? []) : [])].find((x) => x.socket.writable);
      if (!session) throw new Error(`no receiver session bound${m.systemId ? ` for ${m.systemId}` : ''}`);
      const enc = encodeForSubmit(m.text);
      const pdu = new smpp.PDU('deliver_sm', {
        ...addressFields(m.from, m.to),
        esm_class: 0,
        data_coding: enc.dataCoding,
        ...(enc.payload ? { message_payload: enc.bytes } : { short_message: enc.bytes }),
      });
      status = await new Promise<number>((resolve) => {
        const timer = setTimeout(() => resolve(-1), INBOUND_RESPONSE_TIMEOUT_MS);
        session.send(pdu, (resp: smpp.PDU) => {
          clearTimeout(timer);
          resolve(resp.command_status);
        });
      });
      if (status === 0) return 0;
      await new Promise((r) => setTimeout(r, INBOUND_RETRY_DELAY_MS));
    }
    return status;
  }

  /** POST /inbound?from=&to=&text=[&systemId=]: injectInbound over HTTP, answering the ESME's command_status. */
  private onHttpInbound(url: string, json: (status: number, body: unknown) => void): void {
    const q = new URL(url, 'http://sim').searchParams;
    const [from, to, text] = [q.get('from'), q.get('to'), q.get('text')];
    if (!from || !to || text === null) return json(400, { error: 'from, to and text are required' });
    this.injectInbound({ from, to, text, systemId: q.get('systemId') ?? undefined }).then(
      (commandStatus) => json(200, { commandStatus }),
      (err: Error) => json(409, { error: err.message }),
    );
  }

  private onHttp(method: string, url: string, res: import('node:http').ServerResponse): void {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (method === 'GET' && url.startsWith('/stats')) return json(200, this.stats());
    if (method === 'GET' && url.startsWith('/submits'))
      return json(
        200,
        this.received.map(({ to, from, text, messageId, receivedAt }) => ({ to, from, text, messageId, receivedAt })),
      );
    if (method === 'POST' && url.startsWith('/inbound')) return this.onHttpInbound(url, json);
    if (method === 'POST' && url.startsWith('/reset')) {
      this.reset();
      return json(200, { ok: true });
    }
    json(404, { error: 'not found' });
  }
}

const INBOUND_ATTEMPTS_MAX = 5;
const INBOUND_RESPONSE_TIMEOUT_MS = 5000;
const INBOUND_RETRY_DELAY_MS = 200;

function rawPart(pdu: smpp.PDU, submit: Submit, sar: boolean): RawPart {
  // The smpp package splits the header into its elements; joined behind their length they are the header as sent.
  const ies: Buffer[] | undefined = pdu.short_message?.udh;
  const udh = ies ? [ies.reduce((n, ie) => n + ie.length, 0), ...Buffer.concat(ies)] : null;
  return {
    messageId: submit.messageId,
    from: submit.from,
    to: submit.to,
    esmClass: pdu.esm_class ?? 0,
    dataCoding: pdu.data_coding ?? 0,
    udh,
    sar: sar ? { ref: Number(pdu.sar_msg_ref_num), total: Number(pdu.sar_total_segments), seq: Number(pdu.sar_segment_seqnum) } : null,
    text: submit.text,
  };
}

const KNOWN_COMMANDS = new Set([
  'bind_transceiver',
  'bind_receiver',
  'bind_transmitter',
  'enquire_link',
  'unbind',
  'submit_sm',
  'query_sm',
  'deliver_sm_resp',
  'enquire_link_resp',
  'unbind_resp',
  'generic_nack',
]);

function smppDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}
