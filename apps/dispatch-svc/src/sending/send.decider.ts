import type { RecipientFinalState } from '@clarion/contracts';

/**
 * The life of one send, as pure rules: what each thing that can happen to it (a claim, the
 * carrier's answer, a delivery receipt, the answer to a query by reference, the reconcile timeout,
 * the campaign failing) makes of its state. The repository's SQL applies exactly these transitions
 * (each UPDATE names the state it starts from), so a late or repeated input changes nothing.
 *
 *   queued ──claim──▶ sending ──accepted──▶ sent ──receipt──▶ delivered | undelivered | expired | unknown
 *     ▲                 │ │ └──rejected, final──▶ failed
 *     └─throttled (the ──┘ └──no answer──▶ (in doubt) ──query: found──▶ sent
 *       attempt given back),                  ├──query: never received──▶ queued
 *       transient error within                └──reconcile timeout──▶ unknown
 *       the attempts, not written,
 *       or its claim was lost
 *   queued ──campaign failed──▶ expired
 */

export type CarrierAnswer =
  | { kind: 'accepted'; messageId: string }
  /** The carrier asks to slow down (ESME_RTHROTTLED, ESME_RMSGQFUL, HTTP 429): nothing is wrong with the message. */
  | { kind: 'throttled'; commandStatus: number; code?: string }
  /** Refused: for good (e.g. ESME_RINVDSTADR), or for now (retriable, e.g. ESME_RSYSERR). */
  | { kind: 'rejected'; commandStatus: number; retriable: boolean; code?: string }
  | { kind: 'unknown'; reason: string };

export type SendTransition =
  | { state: 'sent'; messageId: string }
  | { state: 'failed'; errorCode: string }
  // Retried later: the carrier never took it. `attemptGivenBack`: the claim counted an attempt that
  // this answer does not use up (throttling is the carrier's pace, not the message failing).
  | { state: 'queued'; errorCode: string; attemptGivenBack: boolean }
  | { state: 'sending' }; // in doubt: left for reconciliation, never re-sent blindly

/** The error code recorded for a send: the carrier's own when it gave one in words (HTTP carriers), else the SMPP status in hex. */
const carrierCode = (commandStatus: number, code?: string) => code ?? `0x${commandStatus.toString(16).padStart(8, '0')}`;

/**
 * The carrier's answer to a send on its `attempts`-th claim. Throttled: queued again with the
 * attempt given back, however often (the sender slows down instead). Refused for now: queued again
 * while attempts are left, then failed. Refused for good: failed, with the carrier's code.
 */
export function afterSubmit(answer: CarrierAnswer, attempts: number, maxAttempts: number): SendTransition {
  switch (answer.kind) {
    case 'accepted':
      return { state: 'sent', messageId: answer.messageId };
    case 'throttled':
      return { state: 'queued', errorCode: carrierCode(answer.commandStatus, answer.code), attemptGivenBack: true };
    case 'rejected': {
      const errorCode = carrierCode(answer.commandStatus, answer.code);
      return answer.retriable && attempts < maxAttempts ? { state: 'queued', errorCode, attemptGivenBack: false } : { state: 'failed', errorCode };
    }
    case 'unknown':
      return { state: 'sending' };
    default: {
      const never: never = answer;
      throw new Error(`unhandled answer ${JSON.stringify(never)}`);
    }
  }
}

/** SMPP receipt stat → recipient state. */
export function stateFromReceipt(stat: string): RecipientFinalState {
  switch (stat.toUpperCase()) {
    case 'DELIVRD':
      return 'delivered';
    case 'EXPIRED':
      return 'expired';
    case 'UNDELIV':
    case 'REJECTD':
    case 'DELETED':
      return 'undelivered';
    case 'ACCEPTD':
      return 'sent';
    default:
      return 'unknown';
  }
}

/** States the carrier took the message in: these cost credits. */
export const CHARGED_STATES: readonly string[] = ['sent', 'delivered', 'undelivered', 'expired'];

/** From-number for the n-th recipient: round robin over the list, else random under the prefix. */
export function fromNumberFor(seq: number, fromNumbers: readonly string[], fromPrefix: string | null, random: () => number = Math.random): string {
  if (fromNumbers.length > 0) return fromNumbers[seq % fromNumbers.length];
  const prefix = (fromPrefix ?? '').replace(/\D/g, '');
  let digits = prefix;
  while (digits.length < 12) digits += Math.floor(random() * 10).toString();
  return '+' + digits;
}

/** A voice send whose call the carrier took, until the call's outcome (voice/call.decider.ts). */
export const CALLING = 'calling';

/** States a send is not finished in: what a campaign waits for before it completes. */
export const OPEN_STATES: readonly SendState[] = ['queued', 'sending', CALLING];

export type SendState = 'queued' | 'sending' | typeof CALLING | RecipientFinalState;

export type SendInput =
  | { type: 'claimed' }
  | { type: 'answered'; answer: CarrierAnswer; attempts: number; maxAttempts: number }
  | { type: 'receipt'; stat: string }
  | { type: 'queried'; found: true; messageId: string }
  | { type: 'queried'; found: false }
  | { type: 'reconcile-timed-out' }
  /** Its claim committed but the claimer never saw the result (the connection broke): it was never written. */
  | { type: 'claim-lost' }
  | { type: 'campaign-failed' };

/** What the input makes of the state, or null where it does not apply (late, repeated, or out of order). */
export function nextSendState(state: SendState, input: SendInput): { state: SendState; messageId?: string; errorCode?: string; attemptGivenBack?: boolean } | null {
  switch (input.type) {
    case 'claimed':
      return state === 'queued' ? { state: 'sending' } : null;
    case 'answered': {
      if (state !== 'sending') return null;
      const t = afterSubmit(input.answer, input.attempts, input.maxAttempts);
      return t.state === 'sending' ? null : t;
    }
    case 'receipt': {
      // A receipt is matched by the carrier's message id, which a send has only once it was accepted.
      if (state !== 'sent') return null;
      const next = stateFromReceipt(input.stat);
      return next === 'sent' ? null : { state: next };
    }
    case 'queried':
      if (state !== 'sending') return null;
      return input.found ? { state: 'sent', messageId: input.messageId } : { state: 'queued', errorCode: 'not-received-by-carrier' };
    case 'reconcile-timed-out':
      return state === 'sending' ? { state: 'unknown' } : null;
    case 'claim-lost':
      return state === 'sending' ? { state: 'queued', errorCode: 'claim-lost' } : null;
    case 'campaign-failed':
      return state === 'queued' ? { state: 'expired', errorCode: 'campaign-failed' } : null;
    default: {
      const never: never = input;
      throw new Error(`unhandled send input ${JSON.stringify(never)}`);
    }
  }
}
