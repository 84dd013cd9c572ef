import * as smpp from 'smpp';
import { decodeMessage, fromSmppAddress, parseReceiptText } from './encoding';
import type { SmppEndpoint } from './url';

export type BindType = 'transceiver' | 'transmitter' | 'receiver';

export type SubmitOutcome = { kind: 'accepted'; messageId: string } | { kind: 'rejected'; commandStatus: number; retriable: boolean } | { kind: 'unknown'; reason: string };

export interface DeliveryReceipt {
  messageId: string;
  stat: string;
  err: string;
  /** The handset the message went to (the receipt's source address), E.164. */
  from: string;
  to: string;
}

export type ReferenceQueryOutcome = { kind: 'found'; messageId: string; delivered: boolean } | { kind: 'not-found' } | { kind: 'error'; reason: string };

export type BindState = 'connected' | 'connecting' | 'unreachable';

export const ESME_ROK = 0x00;
export const ESME_RQUERYFAIL = 0x67;
export const ESME_RMSGQFUL = 0x14;
export const ESME_RSYSERR = 0x08;
export const ESME_RTHROTTLED = 0x58;
/** ESME receiver temporary application error: "try this deliver_sm again later". */
export const ESME_RX_T_APPN = 0x64;
/** The carrier never saw it: not bound, socket not writable. Safe to try again. */
export const NOT_WRITTEN = 0x0400_0000;
const RETRIABLE = new Set([ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSYSERR, NOT_WRITTEN]);

/** A mobile-originated message: a deliver_sm that is not a delivery receipt. */
export interface InboundMessage {
  /** The handset that sent it, E.164. */
  from: string;
  /** The address it was sent to (one of our sender ids). */
  to: string;
  text: string;
}

export interface BindOptions {
  endpoint: SmppEndpoint;
  type: BindType;
  responseTimeoutMs: number;
  reconnectDelayMsMax: number;
  enquireLinkIntervalMs: number;
  onReceipt?: (r: DeliveryReceipt) => void | Promise<void>;
  /** Awaited like onReceipt: the deliver_sm is acknowledged only once handled, so no reply is lost. */
  onInbound?: (m: InboundMessage) => void | Promise<void>;
  /** Told whenever this bind is bound or loses its session, so the carrier can sum its binds up. */
  onChange: () => void;
}

/**
 * One SMPP session: bound as transceiver, transmitter or receiver, reconnected with capped backoff
 * after a drop, answering enquire_link. A PDU is written at most once: if its response does not
 * come (timeout, dropped connection) it resolves 'unknown' and is never re-sent here. The window
 * (`inFlight`) is counted by the carrier that spreads submits over its binds.
 */
export class SmppBind {
  private session: smpp.Session | null = null;
  private bound = false;
  private closing = false;
  /** submit_sm PDUs taken for this bind and not yet answered; owned by the carrier's slot accounting. */
  inFlight = 0;
  private readonly pending = new Map<number, (o: SubmitOutcome) => void>();
  private reconnectAttempt = 0;
  private state: { state: BindState; since: string; detail?: string } = { state: 'connecting', since: new Date().toISOString() };

  constructor(private readonly options: BindOptions) {}

  get type(): BindType {
    return this.options.type;
  }

  /** Can carry submit_sm (a receiver bind cannot). */
  get transmits(): boolean {
    return this.options.type !== 'receiver';
  }

  isBound(): boolean {
    return this.bound;
  }

  status(): { state: BindState; since: string; detail?: string } {
    return this.state;
  }

  private setStatus(state: BindState, detail?: string): void {
    if (this.state.state === state) {
      if (detail) this.state = { ...this.state, detail };
    } else {
      this.state = { state, since: new Date().toISOString(), ...(detail ? { detail } : {}) };
    }
    this.options.onChange();
  }

  connect(): Promise<void> {
    this.closing = false;
    const { endpoint } = this.options;
    return new Promise<void>((resolve, reject) => {
      const session = smpp.connect({ host: endpoint.host, port: endpoint.port, auto_enquire_link_period: this.options.enquireLinkIntervalMs });
      this.session = session;
      let settled = false;
      session.on('connect', () => {
        session[`bind_${this.options.type}`]({ system_id: endpoint.systemId, password: endpoint.password }, (pdu: smpp.PDU) => {
          if (pdu.command_status !== ESME_ROK) {
            settled = true;
            session.destroy();
            reject(new Error(`bind refused (bind_${this.options.type}) by ${endpoint.host}:${endpoint.port} (status 0x${pdu.command_status.toString(16)})`));
            return;
          }
          this.bound = true;
          this.reconnectAttempt = 0;
          settled = true;
          this.setStatus('connected');
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
        if (!this.bound) this.setStatus(this.reconnectAttempt >= 2 ? 'unreachable' : 'connecting', err.message);
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

  /** Writes one submit_sm (the caller holds a window slot of this bind) and resolves with its answer. */
  send(fields: Record<string, unknown>): Promise<SubmitOutcome> {
    const session = this.session;
    if (!session || !this.bound) return Promise.resolve({ kind: 'rejected', commandStatus: NOT_WRITTEN, retriable: true });
    const pdu = new smpp.PDU('submit_sm', fields);
    return new Promise<SubmitOutcome>((resolve) => {
      let done = false;
      const finish = (o: SubmitOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.pending.delete(pdu.sequence_number);
        resolve(o);
      };
      const timer = setTimeout(() => finish({ kind: 'unknown', reason: `no submit_sm_resp within ${this.options.responseTimeoutMs} ms` }), this.options.responseTimeoutMs);
      const written = session.send(pdu, (resp: smpp.PDU) => {
        if (resp.command_status === ESME_ROK) finish({ kind: 'accepted', messageId: String(resp.message_id) });
        else finish({ kind: 'rejected', commandStatus: resp.command_status, retriable: RETRIABLE.has(resp.command_status) });
      });
      if (!written) finish({ kind: 'rejected', commandStatus: NOT_WRITTEN, retriable: true });
      else this.pending.set(pdu.sequence_number, finish);
    });
  }

  /** query_sm by the sender's own reference (see CLARION_REFERENCE_TLV in carrier.ts). */
  query(reference: string): Promise<ReferenceQueryOutcome> {
    const session = this.session;
    if (!session || !this.bound) return Promise.resolve({ kind: 'error', reason: 'not bound' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ kind: 'error', reason: 'no query_sm_resp' }), this.options.responseTimeoutMs);
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

  private onDeliver(session: smpp.Session, pdu: smpp.PDU): void {
    const answer = (status = ESME_ROK) => {
      try {
        session.send(pdu.response({ command_status: status }));
      } catch {
        /* the session is gone: the SMSC delivers it again on the next bind */
      }
    };
    let handle: (() => void | Promise<void>) | null = null;
    let what = '';
    try {
      const text = decodeMessage(pdu.message_payload ?? pdu.short_message, pdu.data_coding ?? 0);
      if ((pdu.esm_class & 0x04) !== 0) {
        const parsed = parseReceiptText(text);
        const messageId = pdu.receipted_message_id ? String(pdu.receipted_message_id) : parsed?.id;
        const onReceipt = this.options.onReceipt;
        if (messageId && onReceipt) {
          const r: DeliveryReceipt = { messageId, stat: parsed?.stat ?? 'UNKNOWN', err: parsed?.err ?? '000', from: fromSmppAddress(pdu.source_addr), to: fromSmppAddress(pdu.destination_addr) };
          handle = () => onReceipt(r);
          what = `receipt ${messageId}`;
        }
      } else {
        const onInbound = this.options.onInbound;
        if (onInbound) {
          const m: InboundMessage = { from: fromSmppAddress(pdu.source_addr), to: fromSmppAddress(pdu.destination_addr), text };
          handle = () => onInbound(m);
          what = `inbound message from ${m.from}`;
        }
      }
    } catch (err) {
      console.error(`[smpp] deliver_sm not understood: ${(err as Error).message}`);
    }
    // A receipt or an inbound message is acknowledged only once its handler has stored it: a failure
    // answers ESME_RX_T_APPN and the SMSC delivers it again, so neither a receipt nor a STOP is lost.
    if (!handle) return answer();
    const run = handle;
    Promise.resolve()
      .then(() => run())
      .then(
        () => answer(),
        (err: Error) => {
          console.error(`[smpp] ${what} not stored, the SMSC will deliver it again: ${err.message}`);
          answer(ESME_RX_T_APPN);
        },
      );
  }

  private onClose(session: smpp.Session): void {
    if (this.session !== session) return;
    this.bound = false;
    // Written submits whose response can no longer arrive: their outcome is unknown.
    for (const finish of [...this.pending.values()]) finish({ kind: 'unknown', reason: 'connection closed before submit_sm_resp' });
    this.pending.clear();
    if (this.closing) return this.options.onChange();
    this.setStatus(this.reconnectAttempt >= 2 ? 'unreachable' : 'connecting', this.state.detail ?? 'connection closed');
    const delay = Math.min(this.options.reconnectDelayMsMax, 100 * 2 ** this.reconnectAttempt++);
    setTimeout(() => {
      if (this.closing) return;
      this.connect().catch((err: Error) => console.error(`[smpp] ${this.options.type} reconnect failed: ${err.message}`));
    }, delay);
  }
}
