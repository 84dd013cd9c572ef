import type { CarrierAnswer } from './send.decider';

/** One message to one recipient, as the sender hands it to a carrier. */
export interface OutboundMessage {
  from: string;
  to: string;
  text: string;
  /** Clarion's own reference for the send (`{campaignSid}:{seq}`), for carriers that can be queried by it. */
  reference: string;
  /** A voice campaign's send is a call: what it plays and how long it rings. */
  call?: { campaignSid: string; rcmlUrl: string | null; dialTimeoutSeconds: number; customField?: string | null };
}

/** A delivery receipt, matched to its send by the carrier's message id together with the number. */
export interface CarrierReceipt {
  messageId: string;
  /** The recipient the message went to, E.164. */
  msisdn: string;
  stat: string;
}

export type ReferenceAnswer = { kind: 'found'; messageId: string } | { kind: 'not-found' } | { kind: 'error'; reason: string };

/** How a carrier connection is doing, for the campaign's data and the service's readiness. */
export interface CarrierStatus {
  state: 'connected' | 'connecting' | 'unreachable';
  since: string;
  detail?: string;
}

/**
 * What dispatch needs of a carrier, whatever the protocol: SMPP for SMS is the first adapter, and
 * a call-control adapter for voice plugs into the same port.
 *
 * The contract that keeps sends exactly-once: `submit` writes a message at most once and never
 * retries by itself; an answer that does not come resolves `unknown`, and the caller reconciles
 * it. An answer of `throttled` (the carrier asks to slow down) is never a failure of the message.
 * Receipts are handed to the `onReceipt` given at construction, and the carrier acknowledges a
 * receipt only once that promise resolved (the receipt is stored), so a crash loses none.
 */
export interface CarrierPort {
  readonly name: string;
  connect(): Promise<void>;
  /** Ready to write submits now. */
  isReady(): boolean;
  /** Submits (PDUs) the carrier can take in flight at once now; the sender never claims more. */
  capacity(): number;
  status(): CarrierStatus;
  submit(message: OutboundMessage): Promise<CarrierAnswer>;
  /** Only where the carrier supports it (see SMPP_REFERENCE_QUERY); otherwise null. */
  readonly queryByReference: ((reference: string) => Promise<ReferenceAnswer>) | null;
  close(): Promise<void>;
}

export type ReceiptHandler = (receipts: CarrierReceipt) => Promise<void>;
