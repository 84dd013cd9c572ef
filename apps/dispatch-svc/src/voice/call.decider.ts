import type { RecipientFinalState, VoiceRetries } from '@clarion/contracts';
import { FINAL_CALL_STATUSES, isCallStatus, type CallStatus } from '@clarion/voice';

/**
 * What a call's final status makes of its number, as pure rules. A number is called until a call
 * is answered, or its retries (seed 002) are used up, or the send window closes:
 *
 *   calling ──completed──▶ delivered
 *      │ ├───canceled (hung up by Clarion at end_at)──▶ expired
 *      │ └───busy | no-answer | failed ──▶ deferred until the retry is due (then queued, called again)
 *      │                                    when the status is in on_status and retries are left
 *      └──── otherwise ──▶ undelivered (the call status is its error code)
 */

export type CallOutcome = { state: RecipientFinalState; errorCode: string | null } | { state: 'deferred'; notBeforeMs: number };

/**
 * Minutes before the n-th retry (n from 1): linear spaces them evenly, interval × n; exponential
 * doubles them, interval × 2^(n−1) (seed 002's two mechanisms).
 */
export function retryDelayMinutes(retries: Pick<VoiceRetries, 'intervalMins' | 'mechanism'>, n: number): number {
  return retries.mechanism === 'exponential' ? retries.intervalMins * 2 ** (n - 1) : retries.intervalMins * n;
}

export interface CallContext {
  /** Calls placed to this number so far, this one included. */
  calls: number;
  retries: VoiceRetries | null;
  /** The send window's end, if any (ms, on the dispatch clock). */
  endAtMs: number | null;
  nowMs: number;
  /** How long one "minute" of interval_mins lasts: 60,000 but in tests (VOICE_RETRY_MINUTE_MS). */
  minuteMs: number;
}

export function afterCall(status: CallStatus, ctx: CallContext): CallOutcome {
  switch (status) {
    case 'completed':
      return { state: 'delivered', errorCode: null };
    case 'canceled':
      return { state: 'expired', errorCode: 'canceled' };
    case 'busy':
    case 'no-answer':
    case 'failed': {
      const r = ctx.retries;
      if (r && r.onStatus.includes(status) && ctx.calls <= r.count) {
        const notBeforeMs = ctx.nowMs + retryDelayMinutes(r, ctx.calls) * ctx.minuteMs;
        // A retry the window would never reach: the number is done now.
        if (ctx.endAtMs === null || notBeforeMs < ctx.endAtMs) return { state: 'deferred', notBeforeMs };
      }
      return { state: 'undelivered', errorCode: status };
    }
    default:
      throw new Error(`not a final call status: ${status}`);
  }
}

/** A status callback's status when it ends the call; null for the progress ones (ringing, …) and anything unknown. */
export function finalCallStatus(status: string): CallStatus | null {
  return isCallStatus(status) && FINAL_CALL_STATUSES.includes(status) ? status : null;
}
