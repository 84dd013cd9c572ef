import type { CallStatus } from '@clarion/voice';

/**
 * One simulated call's life as a pure decider: decide(command, state) → events, evolve(state, event)
 * → state. Time and the outcome arrive in the commands; the simulator (voice-simulator.ts) turns the
 * events into timers, HTTP requests and status callbacks.
 */

/** How a call that rang ends: answered (and later completed), or one of the ways it never is. */
export const CALL_OUTCOMES = ['completed', 'busy', 'no-answer', 'failed'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export type FinalCallStatus = 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export type CallState =
  | { status: 'queued' | 'initiated' | 'ringing' }
  /** Answered; `flowStarted` once its RCML (and the audio it plays) was fetched. */
  | { status: 'in-progress'; answeredAtMs: number; flowStarted: boolean }
  | { status: FinalCallStatus; endedAtMs: number; durationSeconds: number };

export type CallCommand =
  /** The carrier starts dialling right after it answered the create request. */
  | { type: 'DialCall'; nowMs: number }
  /** A timer: ringing is over, with the outcome drawn when the call was created. */
  | { type: 'EndRinging'; outcome: CallOutcome; nowMs: number }
  /** The call flow was fetched (or failed to be): the callee now hears it. */
  | { type: 'StartFlow'; nowMs: number }
  /** A timer: the answered call has lasted `callMs`. */
  | { type: 'EndCall'; callMs: number; nowMs: number }
  /** The API client hung up (`Status=canceled|completed`). */
  | { type: 'HangUp'; nowMs: number };

export type CallEvent =
  | { type: 'CallInitiated'; atMs: number }
  | { type: 'CallRinging'; atMs: number }
  | { type: 'CallAnswered'; atMs: number }
  | { type: 'CallFlowStarted'; atMs: number }
  | { type: 'CallEnded'; status: FinalCallStatus; durationSeconds: number; atMs: number };

export const initialCallState = (): CallState => ({ status: 'queued' });

export const isEnded = (s: CallState): s is Extract<CallState, { endedAtMs: number }> => 'endedAtMs' in s;

/**
 * Commands that no longer apply decide nothing: a timer can fire after a hang-up ended the call,
 * and a flow fetch can come back after the call is over, as a real carrier's would.
 */
export function decide(command: CallCommand, state: CallState): CallEvent[] {
  const at = command.nowMs;
  switch (command.type) {
    case 'DialCall':
      return state.status === 'queued'
        ? [
            { type: 'CallInitiated', atMs: at },
            { type: 'CallRinging', atMs: at },
          ]
        : [];
    case 'EndRinging':
      if (state.status !== 'ringing') return [];
      if (command.outcome === 'completed') return [{ type: 'CallAnswered', atMs: at }];
      return [{ type: 'CallEnded', status: command.outcome, durationSeconds: 0, atMs: at }];
    case 'StartFlow':
      return state.status === 'in-progress' && !state.flowStarted ? [{ type: 'CallFlowStarted', atMs: at }] : [];
    case 'EndCall':
      // The call lasts `callMs` from when its flow started; that, not the wall clock, is its billed duration.
      return state.status === 'in-progress' && state.flowStarted ? [{ type: 'CallEnded', status: 'completed', durationSeconds: Math.ceil(command.callMs / 1000), atMs: at }] : [];
    case 'HangUp':
      if (isEnded(state)) return [];
      if (state.status === 'in-progress') return [{ type: 'CallEnded', status: 'completed', durationSeconds: Math.ceil(Math.max(0, at - state.answeredAtMs) / 1000), atMs: at }];
      // Nobody answered yet: the call never connected, so it is canceled and lasted nothing.
      return [{ type: 'CallEnded', status: 'canceled', durationSeconds: 0, atMs: at }];
    default:
      return assertNever(command);
  }
}

export function evolve(state: CallState, event: CallEvent): CallState {
  switch (event.type) {
    case 'CallInitiated':
      return { status: 'initiated' };
    case 'CallRinging':
      return { status: 'ringing' };
    case 'CallAnswered':
      return { status: 'in-progress', answeredAtMs: event.atMs, flowStarted: false };
    case 'CallFlowStarted':
      if (state.status !== 'in-progress') throw new Error(`flow started on a ${state.status} call`);
      return { ...state, flowStarted: true };
    case 'CallEnded':
      return { status: event.status, endedAtMs: event.atMs, durationSeconds: event.durationSeconds };
    default:
      return assertNever(event);
  }
}

/**
 * The status callback an event sends, if any. `in-progress` follows the flow's fetch rather than the
 * answer itself, so that whoever receives it knows the RCML has been read by then.
 */
export function callbackStatusOf(event: CallEvent): CallStatus | null {
  switch (event.type) {
    case 'CallInitiated':
      return 'initiated';
    case 'CallRinging':
      return 'ringing';
    case 'CallAnswered':
      return null;
    case 'CallFlowStarted':
      return 'in-progress';
    case 'CallEnded':
      return event.status;
    default:
      return assertNever(event);
  }
}

/**
 * Whether the caller subscribed to a status with `StatusCallbackEvent`: `answered` names the
 * in-progress callback and `completed` every final status, as in the call-control API.
 */
export function wantsCallback(events: readonly string[], status: CallStatus): boolean {
  switch (status) {
    case 'queued':
      return false;
    case 'initiated':
    case 'ringing':
      return events.includes(status);
    case 'in-progress':
      return events.includes('answered');
    case 'completed':
    case 'busy':
    case 'no-answer':
    case 'failed':
    case 'canceled':
      return events.includes('completed');
    default:
      return assertNever(status);
  }
}

export type OutcomeWeights = Partial<Record<CallOutcome, number>>;

/** Draws an outcome by weight; `random01` is in [0, 1). No positive weight at all means every call is answered. */
export function drawOutcome(weights: OutcomeWeights, random01: number): CallOutcome {
  const entries = CALL_OUTCOMES.map((o) => [o, weights[o] ?? 0] as const).filter(([, w]) => Number.isFinite(w) && w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) return 'completed';
  let point = random01 * total;
  for (const [outcome, w] of entries) {
    if (point < w) return outcome;
    point -= w;
  }
  // Rounding can leave the point a hair past the last weight: it belongs to the last outcome.
  return entries[entries.length - 1][0];
}

/** `completed:80,busy:10,no-answer:10` → weights; an unknown outcome or a weight that is not a number is refused. */
export function parseOutcomeWeights(text: string): OutcomeWeights {
  const weights: OutcomeWeights = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const m = /^([a-z-]+):(\d+(?:\.\d+)?)$/.exec(part);
    if (!m || !(CALL_OUTCOMES as readonly string[]).includes(m[1])) throw new Error(`outcome weight "${part}": expected one of ${CALL_OUTCOMES.join(', ')} followed by :weight`);
    weights[m[1] as CallOutcome] = Number(m[2]);
  }
  return weights;
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
