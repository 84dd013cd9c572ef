import fc from 'fast-check';
import { OPEN_STATES, afterSubmit, fromNumberFor, nextSendState, stateFromReceipt, type CarrierAnswer, type SendInput, type SendState } from './send.decider';

describe('send rules', () => {
  it('maps carrier answers to recipient states, never re-sending an unknown one', () => {
    expect(afterSubmit({ kind: 'accepted', messageId: 'm1' }, 1, 5)).toEqual({ state: 'sent', messageId: 'm1' });
    expect(afterSubmit({ kind: 'rejected', commandStatus: 0x45, retriable: false }, 1, 5)).toEqual({ state: 'failed', errorCode: '0x00000045' });
    expect(afterSubmit({ kind: 'unknown', reason: 'timeout' }, 1, 5)).toEqual({ state: 'sending' });
  });
  it('queues a throttled send again with its attempt given back, however many attempts it had', () => {
    for (const status of [0x58, 0x14]) {
      const code = `0x000000${status.toString(16)}`;
      expect(afterSubmit({ kind: 'throttled', commandStatus: status }, 1, 5)).toEqual({ state: 'queued', errorCode: code, attemptGivenBack: true });
      expect(afterSubmit({ kind: 'throttled', commandStatus: status }, 5, 5)).toEqual({ state: 'queued', errorCode: code, attemptGivenBack: true });
    }
  });
  it('fails a permanently refused recipient at once with the carrier’s code (ESME_RINVDSTADR)', () => {
    expect(afterSubmit({ kind: 'rejected', commandStatus: 0x0b, retriable: false }, 1, 5)).toEqual({ state: 'failed', errorCode: '0x0000000b' });
  });
  it('retries a transient refusal (ESME_RSYSERR) while attempts are left, counting each, then fails it', () => {
    const rsyserr = { kind: 'rejected', commandStatus: 0x08, retriable: true } as const;
    for (let attempts = 1; attempts < 5; attempts++) expect(afterSubmit(rsyserr, attempts, 5)).toEqual({ state: 'queued', errorCode: '0x00000008', attemptGivenBack: false });
    expect(afterSubmit(rsyserr, 5, 5)).toEqual({ state: 'failed', errorCode: '0x00000008' });
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

describe('send state machine', () => {
  const accepted = { kind: 'accepted', messageId: 'm1' } as const;
  const throttled = { kind: 'throttled', commandStatus: 0x58 } as const;
  const transient = { kind: 'rejected', commandStatus: 0x08, retriable: true } as const;
  const refused = { kind: 'rejected', commandStatus: 0x0b, retriable: false } as const;
  const silent = { kind: 'unknown', reason: 'timeout' } as const;

  it('follows one send from claim to receipt', () => {
    expect(nextSendState('queued', { type: 'claimed' })).toEqual({ state: 'sending' });
    expect(nextSendState('sending', { type: 'answered', answer: accepted, attempts: 1, maxAttempts: 5 })).toEqual({ state: 'sent', messageId: 'm1' });
    expect(nextSendState('sent', { type: 'receipt', stat: 'DELIVRD' })).toEqual({ state: 'delivered' });
    expect(nextSendState('sent', { type: 'receipt', stat: 'UNDELIV' })).toEqual({ state: 'undelivered' });
  });

  it('queues a throttled send again without using an attempt, a transient refusal within its attempts, and fails a refused one with the carrier code', () => {
    expect(nextSendState('sending', { type: 'answered', answer: throttled, attempts: 5, maxAttempts: 5 })).toEqual({ state: 'queued', errorCode: '0x00000058', attemptGivenBack: true });
    expect(nextSendState('sending', { type: 'answered', answer: transient, attempts: 2, maxAttempts: 5 })).toEqual({ state: 'queued', errorCode: '0x00000008', attemptGivenBack: false });
    expect(nextSendState('sending', { type: 'answered', answer: transient, attempts: 5, maxAttempts: 5 })).toEqual({ state: 'failed', errorCode: '0x00000008' });
    expect(nextSendState('sending', { type: 'answered', answer: refused, attempts: 1, maxAttempts: 5 })).toEqual({ state: 'failed', errorCode: '0x0000000b' });
  });

  it('leaves an unanswered send in doubt until the carrier is asked or the reconcile timeout ends it', () => {
    expect(nextSendState('sending', { type: 'answered', answer: silent, attempts: 1, maxAttempts: 5 })).toBeNull();
    expect(nextSendState('sending', { type: 'queried', found: true, messageId: 'm9' })).toEqual({ state: 'sent', messageId: 'm9' });
    expect(nextSendState('sending', { type: 'queried', found: false })).toEqual({ state: 'queued', errorCode: 'not-received-by-carrier' });
    expect(nextSendState('sending', { type: 'reconcile-timed-out' })).toEqual({ state: 'unknown' });
    // A claim whose result its claimer never saw was never written: queued again at once.
    expect(nextSendState('sending', { type: 'claim-lost' })).toEqual({ state: 'queued', errorCode: 'claim-lost' });
    expect(nextSendState('sent', { type: 'claim-lost' })).toBeNull();
  });

  it('expires only what was never sent when the campaign fails', () => {
    expect(nextSendState('queued', { type: 'campaign-failed' })).toEqual({ state: 'expired', errorCode: 'campaign-failed' });
    expect(nextSendState('sending', { type: 'campaign-failed' })).toBeNull();
    expect(nextSendState('sent', { type: 'campaign-failed' })).toBeNull();
  });

  const answer = fc.oneof(
    fc.constant<CarrierAnswer>(accepted),
    fc.constant<CarrierAnswer>(throttled),
    fc.constant<CarrierAnswer>(transient),
    fc.constant<CarrierAnswer>(refused),
    fc.constant<CarrierAnswer>(silent),
  );
  const input = fc.oneof(
    fc.constant<SendInput>({ type: 'claimed' }),
    fc.record({ answer, attempts: fc.integer({ min: 1, max: 8 }) }).map<SendInput>(({ answer: a, attempts }) => ({ type: 'answered', answer: a, attempts, maxAttempts: 5 })),
    fc.constantFrom('DELIVRD', 'UNDELIV', 'EXPIRED', 'ACCEPTD', 'REJECTD', 'junk').map<SendInput>((stat) => ({ type: 'receipt', stat })),
    fc.constant<SendInput>({ type: 'queried', found: true, messageId: 'q1' }),
    fc.constant<SendInput>({ type: 'queried', found: false }),
    fc.constant<SendInput>({ type: 'reconcile-timed-out' }),
    fc.constant<SendInput>({ type: 'claim-lost' }),
    fc.constant<SendInput>({ type: 'campaign-failed' }),
  );
  const AFTER_SENT = new Set(['delivered', 'undelivered', 'expired', 'unknown']);

  it('never leaves a final state except sent → a receipt state, and writes a message at most once per claim', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), (inputs) => {
        let state: SendState = 'queued';
        let writes = 0;
        let requeues = 0;
        for (const i of inputs) {
          const next = nextSendState(state, i);
          if (!next) continue;
          if (i.type === 'claimed') writes++;
          if (next.state === 'queued') requeues++;
          // Only 'queued' and 'sending' move on freely; of the final states only 'sent' does, and only by a receipt.
          if (!OPEN_STATES.includes(state)) {
            expect(state).toBe('sent');
            expect(i.type).toBe('receipt');
            expect(AFTER_SENT.has(next.state)).toBe(true);
          }
          // A send goes back to the queue only when the carrier never took it.
          if (next.state === 'queued') expect(state).toBe('sending');
          // Nothing but a claim starts a write to the carrier.
          if (next.state === 'sending') expect(i.type).toBe('claimed');
          state = next.state;
        }
        // Every write after the first follows the carrier's word that it never took the message.
        expect(writes).toBeLessThanOrEqual(requeues + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('never fails a send for throttling, and fails one for transient refusals only after its attempts are used up', () => {
    // A send's life as the repository keeps it: a claim counts an attempt, a throttled answer gives it back.
    const life = fc.array(fc.oneof(fc.constant<CarrierAnswer>(throttled), fc.constant<CarrierAnswer>(transient), fc.constant<CarrierAnswer>(accepted)), { minLength: 1, maxLength: 200 });
    fc.assert(
      fc.property(life, fc.integer({ min: 1, max: 8 }), (answers, maxAttempts) => {
        let state: SendState = 'queued';
        let attempts = 0;
        let transients = 0;
        for (const a of answers) {
          if (state !== 'queued') break;
          const claimed: SendState = nextSendState(state, { type: 'claimed' })!.state;
          attempts++;
          if (a === transient) transients++;
          const next: NonNullable<ReturnType<typeof nextSendState>> = nextSendState(claimed, { type: 'answered', answer: a, attempts, maxAttempts })!;
          if (next.attemptGivenBack) attempts--;
          state = next.state;
          // What is counted: each transient refusal, and the claim that got the message accepted; never a throttled answer.
          expect(attempts).toBe(transients + (a === accepted ? 1 : 0));
          if (state === 'failed') {
            expect(a).toBe(transient);
            expect(transients).toBe(maxAttempts);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
