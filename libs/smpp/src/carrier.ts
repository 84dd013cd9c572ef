import * as smpp from 'smpp';
import { addressFields, decodeMessage, encodeForSubmit, fromSmppAddress, parseReceiptText } from './encoding';
import { parseSmppUrl, type SmppEndpoint } from './url';

export interface DeliveryReceipt {
  messageId: string;
  stat: string;
  err: string;
  /** The handset the message went to (the receipt's source address), E.164. */
  from: string;
  to: string;
}

export type SubmitOutcome =
  | { kind: 'accepted'; messageId: string }
  | { kind: 'rejected'; commandStatus: number; retriable: boolean }
  | { kind: 'unknown'; reason: string };

export interface SmppCarrierOptions {
  url: string;
  /** Submits written and awaiting their response at once. */
  windowSize?: number;
  responseTimeoutMs?: number;
  reconnectDelayMsMax?: number;
  enquireLinkIntervalMs?: number;
  onReceipt?: (r: DeliveryReceipt) => void;
  onInbound?: (m: { from: string; to: string; text: string }) => void;
}

/**
 * A vendor-specific TLV (SMPP 3.4 reserves 0x1400–0x3FFF for SMSC vendors) carrying the sender's
 * own reference for a submit. A carrier that supports it (the bundled simulator does) can answer
 * query_sm by that reference, which settles a submit whose response a crash lost: the carrier
 * either has it or never got it. A carrier that does not know the TLV ignores it, as the spec asks.
 */
export const CLARION_REFERENCE_TLV = 0x1501;
smpp.addTLV('clarion_reference', { id: CLARION_REFERENCE_TLV, type: smpp.types.tlv.cstring });

export type ReferenceQueryOutcome = { kind: 'found'; messageId: string; delivered: boolean } | { kind: 'not-found' } | { kind: 'error'; reason: string };

export const ESME_ROK = 0x00;
export const ESME_RQUERYFAIL = 0x67;
export const ESME_RMSGQFUL = 0x14;
export const ESME_RSYSERR = 0x08;
export const ESME_RTHROTTLED = 0x58;
/** The carrier never saw it: not bound, socket not writable. Safe to try again. */
export const NOT_WRITTEN = 0x0400_0000;
const RETRIABLE = new Set([ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSYSERR, NOT_WRITTEN]);

/**
 * One bind_transceiver session to a carrier. A submit is written at most once: if its response
 * does not come (timeout, dropped connection) it resolves 'unknown' and is never re-sent here —
 * the caller reconciles it. Reconnects with capped backoff after a drop.
 */
export class SmppCarrier {
  private readonly endpoint: SmppEndpoint;
  private readonly windowSize: number;
  private readonly responseTimeoutMs: number;
  private session: smpp.Session | null = null;
  private bound = false;
  private closing = false;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly pending = new Map<number, (o: SubmitOutcome) => void>();
  private bindWaiters: (() => void)[] = [];
  private reconnectAttempt = 0;

  constructor(private readonly options: SmppCarrierOptions) {
    this.endpoint = parseSmppUrl(options.url);
    this.windowSize = options.windowSize ?? 50;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 10000;
  }

  isBound(): boolean {
    return this.bound;
  }

  connect(): Promise<void> {
    this.closing = false;
    return new Promise<void>((resolve, reject) => {
      const session = smpp.connect({ host: this.endpoint.host, port: this.endpoint.port, auto_enquire_link_period: this.options.enquireLinkIntervalMs ?? 30000 });
      this.session = session;
      let settled = false;
      session.on('connect', () => {
        session.bind_transceiver({ system_id: this.endpoint.systemId, password: this.endpoint.password }, (pdu: smpp.PDU) => {
          if (pdu.command_status !== ESME_ROK) {
            settled = true;
            session.destroy();
            reject(new Error(`bind refused by ${this.endpoint.host}:${this.endpoint.port} (status 0x${pdu.command_status.toString(16)})`));
            return;
          }
          this.bound = true;
          this.reconnectAttempt = 0;
          settled = true;
          const waiters = this.bindWaiters;
          this.bindWaiters = [];
          waiters.forEach((w) => w());
          resolve();
        });
      });
      session.on('deliver_sm', (pdu: smpp.PDU) => this.onDeliver(session, pdu));
      session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
      session.on('unbind', (pdu: smpp.PDU) => {
        session.send(pdu.response());
        session.close();
      });
      session.on('error', (err: Error) => {
        if (!settled) {
          settled = true;
          reject(err);
        }
      });
      session.on('close', () => this.onClose(session));
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const s = this.session;
    if (!s) return;
    if (this.bound) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        s.unbind({}, () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    s.close();
    this.bound = false;
  }

  async submit(msg: { from: string; to: string; text: string; registeredDelivery?: boolean; reference?: string }): Promise<SubmitOutcome> {
    await this.takeSlot();
    try {
      if (!this.bound && !(await this.waitForBind())) return { kind: 'rejected', commandStatus: NOT_WRITTEN, retriable: true };
      const session = this.session!;
      const enc = encodeForSubmit(msg.text);
      const pdu = new smpp.PDU('submit_sm', {
        ...addressFields(msg.from, msg.to),
        registered_delivery: msg.registeredDelivery ? 1 : 0,
        data_coding: enc.dataCoding,
        ...(msg.reference ? { clarion_reference: msg.reference } : {}),
        ...(enc.payload ? { short_message: Buffer.alloc(0), message_payload: enc.bytes } : { short_message: enc.bytes }),
      });
      return await new Promise<SubmitOutcome>((resolve) => {
        let done = false;
        const finish = (o: SubmitOutcome) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          this.pending.delete(pdu.sequence_number);
          resolve(o);
        };
        const timer = setTimeout(() => finish({ kind: 'unknown', reason: `no submit_sm_resp within ${this.responseTimeoutMs} ms` }), this.responseTimeoutMs);
        const written = session.send(pdu, (resp: smpp.PDU) => {
          if (resp.command_status === ESME_ROK) finish({ kind: 'accepted', messageId: String(resp.message_id) });
          else finish({ kind: 'rejected', commandStatus: resp.command_status, retriable: RETRIABLE.has(resp.command_status) });
        });
        if (!written) finish({ kind: 'rejected', commandStatus: NOT_WRITTEN, retriable: true });
        else this.pending.set(pdu.sequence_number, finish);
      });
    } finally {
      this.releaseSlot();
    }
  }

  /** Asks the carrier whether it received the submit with this reference (see CLARION_REFERENCE_TLV). */
  queryByReference(reference: string): Promise<ReferenceQueryOutcome> {
    const session = this.session;
    if (!session || !this.bound) return Promise.resolve({ kind: 'error', reason: 'not bound' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ kind: 'error', reason: 'no query_sm_resp' }), this.responseTimeoutMs);
      const pdu = new smpp.PDU('query_sm', { message_id: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '', clarion_reference: reference });
      const written = session.send(pdu, (resp: smpp.PDU) => {
        clearTimeout(timer);
        if (resp.command_status === ESME_ROK && resp.message_id) resolve({ kind: 'found', messageId: String(resp.message_id), delivered: resp.message_state === 2 });
        else if (resp.command_status === ESME_RQUERYFAIL) resolve({ kind: 'not-found' });
        else resolve({ kind: 'error', reason: `query_sm status 0x${resp.command_status.toString(16)}` });
      });
      if (!written) {
        clearTimeout(timer);
        resolve({ kind: 'error', reason: 'socket not writable' });
      }
    });
  }

  private takeSlot(): Promise<void> {
    if (this.inFlight < this.windowSize) {
      this.inFlight++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.windowSize * 10) return Promise.reject(new Error('carrier submit queue is full'));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.inFlight--;
  }

  private waitForBind(): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), this.responseTimeoutMs);
      this.bindWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  private onDeliver(session: smpp.Session, pdu: smpp.PDU): void {
    // Answer first: the SMSC re-sends an unanswered deliver_sm, and a callback error must not stop that.
    session.send(pdu.response());
    try {
      const text = decodeMessage(pdu.message_payload ?? pdu.short_message, pdu.data_coding ?? 0);
      if ((pdu.esm_class & 0x04) !== 0) {
        const parsed = parseReceiptText(text);
        const messageId = pdu.receipted_message_id ? String(pdu.receipted_message_id) : parsed?.id;
        if (!messageId) return;
        this.options.onReceipt?.({ messageId, stat: parsed?.stat ?? 'UNKNOWN', err: parsed?.err ?? '000', from: fromSmppAddress(pdu.source_addr), to: fromSmppAddress(pdu.destination_addr) });
      } else {
        this.options.onInbound?.({ from: fromSmppAddress(pdu.source_addr), to: fromSmppAddress(pdu.destination_addr), text });
      }
    } catch (err) {
      console.error(`[smpp] deliver_sm handler failed: ${(err as Error).message}`);
    }
  }

  private onClose(session: smpp.Session): void {
    if (this.session !== session) return;
    this.bound = false;
    // Written submits whose response can no longer arrive: their outcome is unknown.
    for (const finish of [...this.pending.values()]) finish({ kind: 'unknown', reason: 'connection closed before submit_sm_resp' });
    this.pending.clear();
    if (this.closing) return;
    const delay = Math.min(this.options.reconnectDelayMsMax ?? 10000, 100 * 2 ** this.reconnectAttempt++);
    setTimeout(() => {
      if (this.closing) return;
      this.connect().catch((err: Error) => console.error(`[smpp] reconnect failed: ${err.message}`));
    }, delay);
  }
}
