import { afterSubmit } from './send.decider';
import { carrierAnswerOf } from './voice.adapter';

/** What each answer of the call API makes of the send (attempt 1 of 5). */
const outcome = (a: Parameters<typeof carrierAnswerOf>[0]) => afterSubmit(carrierAnswerOf(a), 1, 5);

describe('the voice adapter’s answers', () => {
  it('a placed call is sent, under the carrier’s call sid', () => {
    expect(outcome({ kind: 'accepted', callSid: 'CA1' })).toEqual({ state: 'sent', messageId: 'CA1' });
  });
  it('429, 5xx and an unreachable carrier are tried again without using an attempt', () => {
    expect(outcome({ kind: 'throttled', httpStatus: 429, detail: '' })).toEqual({ state: 'queued', errorCode: 'http-429', attemptGivenBack: true });
    expect(outcome({ kind: 'throttled', httpStatus: 503, detail: '' })).toEqual({ state: 'queued', errorCode: 'http-503', attemptGivenBack: true });
    expect(outcome({ kind: 'throttled', httpStatus: 0, detail: 'ECONNREFUSED' })).toEqual({ state: 'queued', errorCode: 'carrier-unreachable', attemptGivenBack: true });
  });
  it('another 4xx fails the number for good', () => {
    expect(outcome({ kind: 'rejected', httpStatus: 400, detail: '' })).toEqual({ state: 'failed', errorCode: 'http-400' });
  });
  it('no answer leaves the call in doubt: never placed twice blindly', () => {
    expect(outcome({ kind: 'unknown', reason: 'timeout' })).toEqual({ state: 'sending' });
  });
});
