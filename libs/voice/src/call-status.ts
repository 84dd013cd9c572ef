/** The call statuses of the call-control API's status callbacks. */
export const CALL_STATUSES = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const isCallStatus = (s: unknown): s is CallStatus => typeof s === 'string' && (CALL_STATUSES as readonly string[]).includes(s);

/** Statuses after which nothing more happens to the call. */
export const FINAL_CALL_STATUSES: readonly CallStatus[] = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

/**
 * A final call status as the delivery-receipt stat dispatch already understands (send.decider's
 * stateFromReceipt), or null while the call goes on. Answered (completed) is delivered; busy,
 * unanswered and failed after the carrier placed the call are undelivered; a call hung up by
 * Clarion (pause, end of the send window) is expired. A placed call costs its credit whatever
 * its outcome, as an accepted SMS does.
 */
export function receiptStatOfCall(status: CallStatus): string | null {
  switch (status) {
    case 'completed':
      return 'DELIVRD';
    case 'busy':
    case 'no-answer':
    case 'failed':
      return 'UNDELIV';
    case 'canceled':
      return 'EXPIRED';
    default:
      return null;
  }
}
