import type { Message } from './envelope';

/**
 * Consent: who may be messaged, as a history of changes per number. dnd-svc owns it; every change
 * is published on the public topic consent.changes.v1 (key: enterprise sid, so one enterprise's
 * changes stay in order), which dispatch-svc reads to stop sending to a number the moment it opts
 * out, and which subscribers read as the audit trail.
 */

/** How a consent change came about. */
export type ConsentSource = 'reply' | 'upload' | 'api';

/** The state a change leaves the number in, for one list of one enterprise. */
export type ConsentState = 'opted-out' | 'opted-in';

export interface ConsentChange {
  enterpriseSid: string;
  /** E.164. */
  phoneNumber: string;
  consent: ConsentState;
  /**
   * null: the enterprise's opt-out list (opted-out: on it; opted-in: taken off it, e.g. by START).
   * A name: that named opt-in list (opted-in: added; opted-out: removed).
   */
  optInList: string | null;
  source: ConsentSource;
  /** The campaign a reply answered (source 'reply'), else null. */
  campaignSid: string | null;
  /** The upload that carried it (source 'upload'), else null. */
  uploadId: string | null;
  /** The reply's text (source 'reply'), else null. */
  text: string | null;
  /** ISO-8601 UTC: when the change was recorded. */
  at: string;
}

/** One per number changed, on consent.changes.v1. A repeated STOP changes nothing and publishes nothing. */
export type ConsentChanged = Message<'ConsentChanged', ConsentChange>;

/** Where a reply may belong: an enterprise and the campaign that last messaged the number from the reply's address. */
export interface ReplyAttribution {
  enterpriseSid: string;
  campaignSid: string;
}

/**
 * An inbound SMS (deliver_sm that is not a receipt), sent by dispatch-svc to dnd-svc on
 * dnd.commands.v1, key: the sender's number. dispatch-svc attributes it (it knows who sent what
 * from which address); dnd-svc decides whether the text is a stop or start word and records it.
 */
export type InboundReply = Message<
  'InboundReply',
  {
    /** The handset that replied, E.164. */
    from: string;
    /** The address the reply was sent to (one of the campaign's sender ids). */
    to: string;
    text: string;
    receivedAt: string;
    /** Empty: no enterprise messaged that number from that address; the reply is only logged. */
    attributedTo: ReplyAttribution[];
  }
>;
