import fc from 'fast-check';
import { callbackStatusOf, CALL_OUTCOMES, decide, drawOutcome, evolve, initialCallState, parseOutcomeWeights, wantsCallback, type CallCommand, type CallEvent, type CallState } from './call.decider';

function run(commands: CallCommand[], state: CallState = initialCallState()): { state: CallState; events: CallEvent[] } {
  const events: CallEvent[] = [];
  for (const c of commands) {
    for (const e of decide(c, state)) {
      state = evolve(state, e);
      events.push(e);
    }
  }
  return { state, events };
}
const dial: CallCommand = { type: 'DialCall', nowMs: 0 };
const answered: CallCommand = { type: 'EndRinging', outcome: 'completed', nowMs: 50 };
const flow: CallCommand = { type: 'StartFlow', nowMs: 60 };
const callbacks = (events: CallEvent[]) => events.map(callbackStatusOf).filter((s) => s !== null);

describe('call decider', () => {
  it('rings, answers, plays the flow and completes after callMs, reporting each step once', () => {
    const { state, events } = run([dial, answered, flow, { type: 'EndCall', callMs: 1500, nowMs: 1560 }]);
    expect(callbacks(events)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(state).toEqual({ status: 'completed', endedAtMs: 1560, durationSeconds: 2 });
  });

  it('ends an unanswered call with its outcome and no duration', () => {
    for (const outcome of ['busy', 'no-answer', 'failed'] as const) {
      const { state, events } = run([dial, { type: 'EndRinging', outcome, nowMs: 50 }]);
      expect(callbacks(events)).toEqual(['initiated', 'ringing', outcome]);
      expect(state).toEqual({ status: outcome, endedAtMs: 50, durationSeconds: 0 });
    }
  });

  it('cancels a call hung up before it is answered, and completes one hung up after, by the time since the answer', () => {
    expect(run([dial, { type: 'HangUp', nowMs: 10 }]).state).toEqual({ status: 'canceled', endedAtMs: 10, durationSeconds: 0 });
    expect(run([dial, answered, { type: 'HangUp', nowMs: 1051 }]).state).toEqual({ status: 'completed', endedAtMs: 1051, durationSeconds: 2 });
  });

  it('ignores what comes after the end: late timers, a late flow, a second hang-up', () => {
    const ended = run([dial, { type: 'HangUp', nowMs: 10 }]).state;
    const late: CallCommand[] = [answered, flow, { type: 'EndCall', callMs: 100, nowMs: 200 }, { type: 'HangUp', nowMs: 300 }, dial];
    expect(run(late, ended)).toEqual({ state: ended, events: [] });
  });

  it('subscribes callbacks as StatusCallbackEvent names them: answered is in-progress, completed is every final status', () => {
    expect(['initiated', 'ringing', 'in-progress', 'completed', 'busy', 'canceled'].filter((s) => wantsCallback(['answered'], s as never))).toEqual(['in-progress']);
    expect(['initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'].filter((s) => wantsCallback(['completed'], s as never))).toEqual([
      'completed',
      'busy',
      'no-answer',
      'failed',
      'canceled',
    ]);
  });

  it('draws every outcome in proportion to its weight, and only outcomes with a weight', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
        expect(['busy', 'no-answer']).toContain(drawOutcome({ busy: 1, 'no-answer': 3, failed: 0 }, r));
        expect(drawOutcome({}, r)).toBe('completed');
      }),
    );
    expect(drawOutcome({ completed: 80, busy: 10, 'no-answer': 10 }, 0.79)).toBe('completed');
    expect(drawOutcome({ completed: 80, busy: 10, 'no-answer': 10 }, 0.85)).toBe('busy');
    expect(drawOutcome({ completed: 80, busy: 10, 'no-answer': 10 }, 0.95)).toBe('no-answer');
  });

  it('reads outcome weights from the environment form, and refuses an unknown outcome', () => {
    expect(parseOutcomeWeights('completed:80, busy:10,no-answer:10')).toEqual({ completed: 80, busy: 10, 'no-answer': 10 });
    expect(() => parseOutcomeWeights('completed:80,engaged:20')).toThrow(CALL_OUTCOMES.join(', '));
    expect(() => parseOutcomeWeights('busy')).toThrow();
  });
});
