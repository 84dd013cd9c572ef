import * as smpp from 'smpp';
import { addressFields, decodeMessage, encodeParts, fromSmppAddress, parseReceiptText, type ConcatenationMode } from './encoding';
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
  /**
   * Called for every delivery receipt. The deliver_sm is acknowledged only once the returned
   * promise resolves (the receipt is stored); a rejection answers ESME_RX_T_APPN, so the SMSC
   * delivers it again later. A crash before the answer loses nothing either: the SMSC re-sends.
   */
  onReceipt?: (r: DeliveryReceipt) => void | Promise<void>;
  onInbound?: (m: { from: string; to: string; text: string }) => void;
  /** How the parts of a long message are tied together: a UDH in each part (default) or SAR TLVs. */
  concatenation?: ConcatenationMode;
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
/** ESME receiver temporary application error: "try this deliver_sm again later". */
export const ESME_RX_T_APPN = 0x64;
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
  /** The reference that ties the parts of one concatenated message together, rolling over at 256. */
  private nextConcatRef = Math.floor(Math.random() * 256);
  private statusState: { state: 'connected' | 'connecting' | 'unreachable'; since: string; detail?: string } = { state: 'connecting', since: new Date().toISOString() };

  constructor(private readonly options: SmppCarrierOptions) {
    this.endpoint = parseSmppUrl(options.url);
    this.windowSize = options.windowSize ?? 50;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 10000;
  }

  isBound(): boolean {
    return this.bound;
  }

  /** Connected, connecting (never bound yet, or a first reconnect), or unreachable since when and why. */
  status(): { state: 'connected' | 'connecting' | 'unreachable'; since: string; detail?: string } {
    return this.statusState;
  }

  private setStatus(state: 'connected' | 'connecting' | 'unreachable', detail?: string): void {
    if (this.statusState.state === state) {
      if (detail) this.statusState = { ...this.statusState, detail };
      return;
    }
    this.statusState = { state, since: new Date().toISOString(), ...(detail ? { detail } : {}) };
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
          this.setStatus('connected');
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

  /**
   * Submits one message: a single submit_sm, or the parts of a concatenated message (UDH or SAR),
   * written together within the window. A receipt is asked for on the last part only, so one
   * receipt reports the message, under the last part's message id, which is what is returned.
   * Parts that disagree (some accepted, some refused) cannot be taken back: the message is final
   * as refused, with the refusing part's status, and is never re-sent (that would repeat parts).
   */
  async submit(msg: { from: string; to: string; text: string; registeredDelivery?: boolean; reference?: string }): Promise<SubmitOutcome> {
    const parts = encodeParts(msg.text, this.options.concatenation ?? 'udh', this.nextConcatRef++ & 0xff);
    const outcomes = await Promise.all(
      parts.map((part, i) =>
        this.submitPdu({
          ...addressFields(msg.from, msg.to),
          registered_delivery: msg.registeredDelivery && i === parts.length - 1 ? 1 : 0,
          esm_class: part.esmClass,
          data_coding: part.dataCoding,
          short_message: part.shortMessage,
          ...(part.sar ? { sar_msg_ref_num: part.sar.ref, sar_total_segments: part.sar.total, sar_segment_seqnum: part.sar.seq } : {}),
          ...(msg.reference ? { clarion_reference: msg.reference } : {}),
        }),
      ),
    );
    return combineParts(outcomes);
  }

  private async submitPdu(fields: Record<string, unknown>): Promise<SubmitOutcome> {
    await this.takeSlot();
    try {
      if (!this.bound && !(await this.waitForBind())) return { kind: 'rejected', commandStatus: NOT_WRITTEN, retriable: true };
      const session = this.session!;
      const pdu = new smpp.PDU('submit_sm', fields);
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
    const answer = (status = ESME_ROK) => {
      try {
        session.send(pdu.response({ command_status: status }));
      } catch {
        /* the session is gone: the SMSC delivers it again on the next bind */
      }
    };
    let receipt: DeliveryReceipt | null = null;
    try {
      const text = decodeMessage(pdu.message_payload ?? pdu.short_message, pdu.data_coding ?? 0);
      if ((pdu.esm_class & 0x04) !== 0) {
        const parsed = parseReceiptText(text);
        const messageId = pdu.receipted_message_id ? String(pdu.receipted_message_id) : parsed?.id;
        if (messageId) receipt = { messageId, stat: parsed?.stat ?? 'UNKNOWN', err: parsed?.err ?? '000', from: fromSmppAddress(pdu.source_addr), to: fromSmppAddress(pdu.destination_addr) };
      } else {
        this.options.onInbound?.({ from: fromSmppAddress(pdu.source_addr), to: fromSmppAddress(pdu.destination_addr), text });
      }
    } catch (err) {
      console.error(`[smpp] deliver_sm not understood: ${(err as Error).message}`);
    }
    // Only a receipt waits for its handler: it is acknowledged once stored, so none is lost.
    if (!receipt || !this.options.onReceipt) return answer();
    Promise.resolve()
      .then(() => this.options.onReceipt!(receipt!))
      .then(
        () => answer(),
        (err: Error) => {
          console.error(`[smpp] receipt ${receipt!.messageId} not stored, the SMSC will deliver it again: ${err.message}`);
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
    if (this.closing) return;
    this.setStatus(this.reconnectAttempt >= 2 ? 'unreachable' : 'connecting', this.statusState.detail ?? 'connection closed');
    const delay = Math.min(this.options.reconnectDelayMsMax ?? 10000, 100 * 2 ** this.reconnectAttempt++);
    setTimeout(() => {
      if (this.closing) return;
      this.connect().catch((err: Error) => console.error(`[smpp] reconnect failed: ${err.message}`));
    }, delay);
  }
}

/**
 * One outcome for the parts of a message: accepted when every part was (under the last part's
 * id); unknown when any part's answer is missing; the first refusal when none was accepted (and
 * retriable only if every refusal was); and refused for good when some parts were accepted and
 * others refused, since sending it again would repeat the accepted parts.
 */
export function combineParts(outcomes: SubmitOutcome[]): SubmitOutcome {
  if (outcomes.length === 1) return outcomes[0];
  const unknown = outcomes.find((o) => o.kind === 'unknown');
  if (unknown) return unknown;
  const refused = outcomes.filter((o): o is Extract<SubmitOutcome, { kind: 'rejected' }> => o.kind === 'rejected');
  if (refused.length === 0) return outcomes[outcomes.length - 1];
  const someAccepted = refused.length < outcomes.length;
  return { kind: 'rejected', commandStatus: refused[0].commandStatus, retriable: !someAccepted && refused.every((o) => o.retriable) };
}
