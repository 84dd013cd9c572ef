import fc from 'fast-check';
import { available, emptyAccount, type LedgerCommand } from './ledger';
import { applyToWorld, type World } from './ledger-world.test-support';

const E = 'EN' + 'b'.repeat(32);
const at = '2026-01-01T00:00:00.000Z';

// Few ids, so that replays and conflicting reuses happen often.
const holdId = fc.constantFrom('CP1', 'CP2', 'CP3');
const entrySid = fc.constantFrom('ENC1', 'ENC2', 'ENC3', 'ENC4');
const amount = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(0, Number.MAX_SAFE_INTEGER, 2 ** 60, 0.5));
const command: fc.Arbitrary<LedgerCommand> = fc.oneof(
  fc.record({
    type: fc.constant('AddCredit' as const),
    entrySid,
    enterpriseSid: fc.constant(E),
    credit: amount,
    description: fc.constantFrom(null, 'a'),
    accountSid: fc.constant(null),
    at: fc.constant(at),
  }),
  fc.record({ type: fc.constant('Reserve' as const), holdId, enterpriseSid: fc.constant(E), amount, expiresAt: fc.constant('2026-01-08T00:00:00.000Z'), at: fc.constant(at) }),
  fc.record({ type: fc.constant('Expire' as const), holdId, enterpriseSid: fc.constant(E), at: fc.constantFrom(at, '2026-02-01T00:00:00.000Z') }),
  holdId.chain((h) =>
    fc.record({
      type: fc.constant('Commit' as const),
      holdId: fc.constant(h),
      enterpriseSid: fc.constant(E),
      amount,
      entrySid: fc.constant(`ENC-charge-${h}`),
      description: fc.constant(`Campaign ${h}`),
      accountSid: fc.constant(null),
      at: fc.constant(at),
    }),
  ),
  fc.record({ type: fc.constant('Release' as const), holdId, enterpriseSid: fc.constant(E), at: fc.constant(at) }),
);

const apply = applyToWorld;

describe('credit ledger properties', () => {
  it('keeps balances consistent, non-negative and replay-proof under any command sequence', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        let w: World = { account: emptyAccount(E), holds: new Map(), entries: new Map() };
        const accepted: LedgerCommand[] = [];
        for (const c of commands) {
          const before = w;
          const { d, next } = apply(w, c);
          if (!d.ok) expect(next).toBe(before); // a refused command changes nothing
          // a hold changes status at most once: pending → posted | voided
          if ('holdId' in c) {
            const was = before.holds.get(c.holdId);
            const now = next.holds.get(c.holdId);
            if (was && was.status !== 'pending') expect(now).toEqual(was);
          }
          w = next;
          if (d.ok) accepted.push(c);
          const a = w.account;
          for (const v of [a.credited, a.reserved, a.used, available(a)]) {
            expect(Number.isSafeInteger(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
          }
          const holds = [...w.holds.values()];
          expect(a.reserved).toBe(holds.filter((h) => h.status === 'pending').reduce((s, h) => s + h.amount, 0));
          expect(a.used).toBe(holds.filter((h) => h.status === 'posted').reduce((s, h) => s + h.postedAmount, 0));
          // The history holds top-ups, reductions and one debit per charge: it sums to credited - used.
          expect(a.credited - a.used).toBe([...w.entries.values()].reduce((s, e) => s + e.credit, 0));
        }
        // Replaying every accepted command afterwards produces no events and changes nothing.
        for (const c of accepted) {
          const { d, next } = apply(w, c);
          if (d.ok) expect(d.events).toEqual([]);
          expect(next.account).toEqual(w.account);
        }
      }),
      { numRuns: 500 },
    );
  });
});
