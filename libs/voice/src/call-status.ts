/** The call statuses of the call-control API's status callbacks. */
export const CALL_STATUSES = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const isCallStatus = (s: unknown): s is CallStatus => typeof s === 'string' && (CALL_STATUSES as readonly string[]).includes(s);

/** Statuses after which nothing more happens to the call. */
export const FINAL_CALL_STATUSES: readonly CallStatus[] = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
