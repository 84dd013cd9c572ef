import * as smpp from 'smpp';
import { addressFields, encodeParts, type ConcatenationMode } from './encoding';
import { parseSmppUrl } from './url';

import {
  SmppBind,
  ESME_RMSGQFUL,
  ESME_RTHROTTLED,
  NOT_WRITTEN,
  type BindState,
  type BindType,
  type DeliveryReceipt,
  type InboundMessage,
  type ReferenceQueryOutcome,
  type SubmitOutcome,
} from './bind';

export { ESME_RMSGQFUL, ESME_RQUERYFAIL, ESME_ROK, ESME_RSYSERR, ESME_RTHROTTLED, ESME_RX_T_APPN, NOT_WRITTEN } from './bind';
export type { BindType, DeliveryReceipt, InboundMessage, ReferenceQueryOutcome, SubmitOutcome } from './bind';

/** The carrier's answers that mean "slow down", not "this message is wrong". */
export const THROTTLING_STATUSES: ReadonlySet<number> = new Set([ESME_RTHROTTLED, ESME_RMSGQFUL]);

/** How many sessions of each kind one carrier may hold: SMSCs allow a handful per account. */
export const BINDS_MAX = 32;

export interface SmppCarrierOptions {
  url: string;
  /** Submits written and awaiting their response at once, per transmitting bind. */
  windowSize?: number;
  responseTimeoutMs?: number;
  reconnectDelayMsMax?: number;
  enquireLinkIntervalMs?: number;
  /** Sessions that carry submits (default 1). */
  binds?: number;
  /**
   * `transceiver` (default): each bind submits and takes receipts. `transmitter`: the binds only
   * submit, and `receiverBinds` bind_receiver sessions take the receipts and inbound messages.
   */
  bindType?: 'transceiver' | 'transmitter';
  receiverBinds?: number;
  /**
   * Called for every delivery receipt. The deliver_sm is acknowledged only once the returned
   * promise resolves (the receipt is stored); a rejection answers ESME_RX_T_APPN, so the SMSC
   * delivers it again later. A crash before the answer loses nothing either: the SMSC re-sends.
   */
  onReceipt?: (r: DeliveryReceipt) => void | Promise<void>;
  /** Awaited: the deliver_sm is acknowledged once it resolves, answered ESME_RX_T_APPN (delivered again) if it rejects. */
  onInbound?: (m: InboundMessage) => void | Promise<void>;
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

/**
 * A carrier account over several SMPP sessions (binds), each reconnected on its own. Each
 * submit_sm goes to the bound transmitting bind with the fewest in flight, within that bind's
 * window; the parts of one long message may travel on different binds (they are tied together by
 * their UDH or SAR reference, not by the session). A PDU is written at most once: if its response
 * does not come (timeout, that session dropped) it resolves 'unknown' and is never re-sent here —
 * the caller reconciles it.
 */
export class SmppCarrier {
  private readonly windowSize: number;
  private readonly responseTimeoutMs: number;
  private readonly binds: SmppBind[];
  private readonly transmitters: SmppBind[];
  /** Submits waiting for a window slot on any bind; bounded at ten total windows. */
  private readonly waiting: (() => void)[] = [];
  private bindWaiters: (() => void)[] = [];
  /** Where the least-in-flight search starts, rotating, so equal binds take turns. */
  private nextBind = 0;
  /** The reference that ties the parts of one concatenated message together, rolling over at 256. */
  private nextConcatRef = Math.floor(Math.random() * 256);
  private statusState: { state: BindState; since: string; detail?: string } = { state: 'connecting', since: new Date().toISOString() };

  constructor(private readonly options: SmppCarrierOptions) {
    const endpoint = parseSmppUrl(options.url);
    this.windowSize = options.windowSize ?? 50;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 10000;
    const transmitting = options.binds ?? 1;
    const receiving = options.bindType === 'transmitter' ? (options.receiverBinds ?? 1) : 0;
    for (const [what, n, min] of [
      ['binds', transmitting, 1],
      ['receiver binds', receiving, 0],
    ] as const) {
      if (!Number.isInteger(n) || n < min || n > BINDS_MAX) throw new Error(`SMPP ${what} must be an integer from ${min} to ${BINDS_MAX}, not ${n}`);
    }
    const bind = (type: BindType) =>
      new SmppBind({
        endpoint,
        type,
        responseTimeoutMs: this.responseTimeoutMs,
        reconnectDelayMsMax: options.reconnectDelayMsMax ?? 10000,
        enquireLinkIntervalMs: options.enquireLinkIntervalMs ?? 30000,
        onReceipt: options.onReceipt,
        onInbound: options.onInbound,
        onChange: () => this.onBindChange(),
      });
    this.transmitters = Array.from({ length: transmitting }, () => bind(options.bindType ?? 'transceiver'));
    this.binds = [...this.transmitters, ...Array.from({ length: receiving }, () => bind('receiver'))];
  }

  /** At least one bind that can carry submits is bound. */
  isBound(): boolean {
    return this.transmitters.some((b) => b.isBound());
  }

  /** submit_sm PDUs that can be written at once now: the windows of the bound transmitting binds. */
  capacity(): number {
    return this.transmitters.filter((b) => b.isBound()).length * this.windowSize;
  }

  /**
   * Connected while any transmitting bind is bound; unreachable once every one of them is; the
   * detail says how many of each kind are bound.
   */
  status(): { state: BindState; since: string; detail?: string } {
    return this.statusState;
  }

  private onBindChange(): void {
    const tx = this.transmitters;
    const up = tx.filter((b) => b.isBound()).length;
    const state: BindState = up > 0 ? 'connected' : tx.every((b) => b.status().state === 'unreachable') ? 'unreachable' : 'connecting';
    const receivers = this.binds.filter((b) => !b.transmits);
    const lastError = tx.map((b) => b.status()).find((s) => s.state !== 'connected' && s.detail)?.detail;
    let detail = `${up} of ${tx.length} ${tx[0].type} binds bound`;
    if (receivers.length > 0) detail += `, ${receivers.filter((b) => b.isBound()).length} of ${receivers.length} receiver binds`;
    if (lastError && up < tx.length) detail += `; ${lastError}`;
    this.statusState = { state, since: this.statusState.state === state ? this.statusState.since : new Date().toISOString(), detail };
    if (up > 0) {
      const waiters = this.bindWaiters;
      this.bindWaiters = [];
      waiters.forEach((w) => w());
      // Slots of a bind that came back: submits waiting for a window can take them.
      for (let i = 0; i < this.windowSize && this.waiting.length > 0; i++) this.waiting.shift()!();
    }
  }

  /** Resolves once every bind is bound; rejects with the first failure (that bind keeps retrying). */
  async connect(): Promise<void> {
    await Promise.all(this.binds.map((b) => b.connect()));
  }

  async close(): Promise<void> {
    await Promise.all(this.binds.map((b) => b.close()));
  }

  /**
   * Submits one message: a single submit_sm, or the parts of a concatenated message (UDH or SAR),
   * written together within the windows. A receipt is asked for on the last part only, so one
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
    const bind = await this.takeSlot();
    if (!bind) return { kind: 'rejected', commandStatus: NOT_WRITTEN, retriable: true };
    try {
      return await bind.send(fields);
    } finally {
      this.releaseSlot(bind);
    }
  }

  /** Asks the carrier whether it received the submit with this reference (see CLARION_REFERENCE_TLV). */
  queryByReference(reference: string): Promise<ReferenceQueryOutcome> {
    const bind = this.transmitters.find((b) => b.isBound());
    if (!bind) return Promise.resolve({ kind: 'error', reason: 'not bound' });
    return bind.query(reference);
  }

  /** The bound transmitting bind with the fewest in flight and room in its window, or null. */
  private freeBind(): SmppBind | null {
    let best: SmppBind | null = null;
    const n = this.transmitters.length;
    for (let i = 0; i < n; i++) {
      const b = this.transmitters[(this.nextBind + i) % n];
      if (b.isBound() && b.inFlight < this.windowSize && (!best || b.inFlight < best.inFlight)) best = b;
    }
    this.nextBind = (this.nextBind + 1) % n;
    return best;
  }

  /**
   * A window slot on some bind: at once when one is free; else after a wait in the bounded queue;
   * null when no transmitting bind is bound within the response timeout (nothing was written).
   */
  private async takeSlot(): Promise<SmppBind | null> {
    for (;;) {
      const free = this.freeBind();
      if (free) {
        free.inFlight++;
        return free;
      }
      if (!this.isBound()) {
        if (!(await this.waitForBind())) return null;
        continue;
      }
      if (this.waiting.length >= this.windowSize * this.transmitters.length * 10) throw new Error('carrier submit queue is full');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private releaseSlot(bind: SmppBind): void {
    bind.inFlight--;
    this.waiting.shift()?.(); // the next waiter looks for a slot again (most likely this one)
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
