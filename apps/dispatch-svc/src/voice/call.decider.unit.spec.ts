import fc from 'fast-check';
import type { VoiceRetries } from '@clarion/contracts';
import { afterCall, retryDelayMinutes, type CallContext } from './call.decider';

const retries = (over: Partial<VoiceRetries> = {}): VoiceRetries => ({ count: 3, intervalMins: 2, mechanism: 'linear', onStatus: ['busy', 'no-answer', 'failed'], ...over });
const ctx = (over: Partial<CallContext> = {}): CallContext => ({ calls: 1, retries: retries(), endAtMs: null, nowMs: 1_000_000, minuteMs: 60_000, ...over });

describe('a call’s outcome', () => {
  it('answered is delivered, hung up by Clarion is expired, whatever the retries', () => {
    expect(afterCall('completed', ctx())).toEqual({ state: 'delivered', errorCode: null });
    expect(afterCall('canceled', ctx())).toEqual({ state: 'expired', errorCode: 'canceled' });
  });

  it('retries linearly: interval × n before the n-th retry', () => {
    expect([1, 2, 3].map((n) => retryDelayMinutes(retries(), n))).toEqual([2, 4, 6]);
    expect(afterCall('busy', ctx({ calls: 2 }))).toEqual({ state: 'deferred', notBeforeMs: 1_000_000 + 4 * 60_000 });
  });

  it('retries exponentially: interval × 2^(n−1)', () => {
    expect([1, 2, 3].map((n) => retryDelayMinutes(retries({ mechanism: 'exponential' }), n))).toEqual([2, 4, 8]);
  });

  it('retries only on the chosen statuses', () => {
    const onBusy = ctx({ retries: retries({ onStatus: ['busy'] }) });
    expect(afterCall('busy', onBusy).state).toBe('deferred');
    expect(afterCall('no-answer', onBusy)).toEqual({ state: 'undelivered', errorCode: 'no-answer' });
    expect(afterCall('failed', onBusy)).toEqual({ state: 'undelivered', errorCode: 'failed' });
    expect(afterCall('busy', ctx({ retries: null }))).toEqual({ state: 'undelivered', errorCode: 'busy' });
  });

  it('never calls a number more than 1 + number_of_retries times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 6 }), (count, calls) => {
        const o = afterCall('no-answer', ctx({ calls, retries: retries({ count }) }));
        return o.state === 'deferred' ? calls < count + 1 : calls >= count + 1;
      }),
    );
  });

  it('ends a number now when its retry would fall after the window closes', () => {
    expect(afterCall('busy', ctx({ endAtMs: 1_000_000 + 60_000 }))).toEqual({ state: 'undelivered', errorCode: 'busy' });
    expect(afterCall('busy', ctx({ endAtMs: 1_000_000 + 3 * 60_000 })).state).toBe('deferred');
  });
});
