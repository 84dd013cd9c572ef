import { afterSubmit, fromNumberFor, stateFromReceipt } from './send-rules';

describe('send rules', () => {
  it('maps carrier answers to recipient states, never re-sending an unknown one', () => {
    expect(afterSubmit({ kind: 'accepted', messageId: 'm1' }, 1, 5)).toEqual({ state: 'sent', messageId: 'm1' });
    expect(afterSubmit({ kind: 'rejected', commandStatus: 0x58, retriable: true }, 1, 5)).toEqual({ state: 'queued', errorCode: '0x00000058' });
    expect(afterSubmit({ kind: 'rejected', commandStatus: 0x58, retriable: true }, 5, 5)).toEqual({ state: 'failed', errorCode: '0x00000058' });
    expect(afterSubmit({ kind: 'rejected', commandStatus: 0x45, retriable: false }, 1, 5)).toEqual({ state: 'failed', errorCode: '0x00000045' });
    expect(afterSubmit({ kind: 'unknown', reason: 'timeout' }, 1, 5)).toEqual({ state: 'sending' });
  });
  it('maps receipt stats', () => {
    expect(stateFromReceipt('DELIVRD')).toBe('delivered');
    expect(stateFromReceipt('undeliv')).toBe('undelivered');
    expect(stateFromReceipt('REJECTD')).toBe('undelivered');
    expect(stateFromReceipt('EXPIRED')).toBe('expired');
    expect(stateFromReceipt('WHATEVER')).toBe('unknown');
  });
  it('round-robins from numbers, or draws random digits under the prefix', () => {
    const list = ['+1', '+2', '+3'];
    expect([0, 1, 2, 3, 4].map((seq) => fromNumberFor(seq, list, '91'))).toEqual(['+1', '+2', '+3', '+1', '+2']);
    let i = 0;
    const digits = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.0];
    expect(fromNumberFor(0, [], '91', () => digits[i++ % digits.length])).toBe('+91' + '1234567890');
  });
});
