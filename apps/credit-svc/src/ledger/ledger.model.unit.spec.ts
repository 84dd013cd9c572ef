/**
 * Model test of the ledger: random sequences of 200 commands (top-ups and reductions, reserve,
 * commit, release, expiry with a clock that moves on, and replays of earlier commands, identical or
 * altered) run through the pure decide/evolve and through an independent model written here from
 * the rules alone. After every command the two agree on the outcome and the balances, and the
 * invariants hold: nothing negative, available + reserved + used = the sum of the top-ups, the
 * history (top-ups, reductions and charges) sums to available + reserved, each hold resolved at
 * most once.
 */
import fc from 'fast-check';
import { available, emptyAccount, type LedgerCommand } from './ledger';
import { applyToWorld, type World } from './ledger-world.test-support';

const E = 'EN' + 'c'.repeat(32);
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

// ---- The model: plain numbers and maps, no code shared with ledger.ts ----

type ModelHold = { amount: number; status: 'pending' | 'posted' | 'voided'; posted: number; commitAmount: number | null; expiresAtMs: number; resolutions: number };
interface Model {
  toppedUp: number;
  holds: Map<string, ModelHold>;
  entries: Map<string, { credit: number; description: string | null }>;
}
type Outcome = { ok: true; changed: boolean } | { ok: false; code: number };

const isWhole = (n: number, min: number) => Number.isSafeInteger(n) && n >= min;

function modelReserved(m: Model): number {
  return [...m.holds.values()].filter((h) => h.status === 'pending').reduce((s, h) => s + h.amount, 0);
}
function modelUsed(m: Model): number {
  return [...m.holds.values()].filter((h) => h.status === 'posted').reduce((s, h) => s + h.posted, 0);
}
const modelAvailable = (m: Model) => m.toppedUp - modelReserved(m) - modelUsed(m);

function step(m: Model, c: LedgerCommand): Outcome {
  switch (c.type) {
    case 'AddCredit': {
      const e = m.entries.get(c.entrySid);
      if (e) return e.credit === c.credit && e.description === c.description ? { ok: true, changed: false } : { ok: false, code: 409 };
      if (!Number.isSafeInteger(c.credit) || c.credit === 0) return { ok: false, code: 4001 };
      if (c.credit < 0 && modelAvailable(m) + c.credit < 0) return { ok: false, code: 488 };
      m.entries.set(c.entrySid, { credit: c.credit, description: c.description });
      m.toppedUp += c.credit;
      return { ok: true, changed: true };
    }
    case 'Reserve': {
      const h = m.holds.get(c.holdId);
      if (h) return h.amount === c.amount ? { ok: true, changed: false } : { ok: false, code: 409 };
      if (!isWhole(c.amount, 1)) return { ok: false, code: 4001 };
      if (c.amount > modelAvailable(m)) return { ok: false, code: 488 };
      m.holds.set(c.holdId, { amount: c.amount, status: 'pending', posted: 0, commitAmount: null, expiresAtMs: Date.parse(c.expiresAt), resolutions: 0 });
      return { ok: true, changed: true };
    }
    case 'Commit': {
      const h = m.holds.get(c.holdId);
      if (!h) return { ok: false, code: 494 };
      if (!isWhole(c.amount, 0)) return { ok: false, code: 4001 };
      if (h.status === 'voided') return { ok: false, code: 493 };
      if (h.status === 'posted') return h.commitAmount === c.amount ? { ok: true, changed: false } : { ok: false, code: 409 };
      if (c.amount > h.amount) return { ok: false, code: 4001 };
      Object.assign(h, { status: 'posted', posted: c.amount, commitAmount: c.amount, resolutions: h.resolutions + 1 });
      return { ok: true, changed: true };
    }
    case 'Release': {
      const h = m.holds.get(c.holdId);
      if (!h) return { ok: false, code: 494 };
      if (h.status === 'posted') return { ok: false, code: 493 };
      if (h.status === 'voided') return { ok: true, changed: false };
      Object.assign(h, { status: 'voided', resolutions: h.resolutions + 1 });
      return { ok: true, changed: true };
    }
    case 'Expire': {
      const h = m.holds.get(c.holdId);
      if (!h) return { ok: false, code: 494 };
      if (h.status !== 'pending' || Date.parse(c.at) < h.expiresAtMs) return { ok: true, changed: false };
      Object.assign(h, { status: 'voided', resolutions: h.resolutions + 1 });
      return { ok: true, changed: true };
    }
  }
}

// ---- The system under test, with the adapter's loading rules (only the command's hold and entry) ----

function apply(w: World, c: LedgerCommand): { outcome: Outcome; next: World } {
  const { d, next } = applyToWorld(w, c);
  return { outcome: d.ok ? { ok: true, changed: d.events.length > 0 } : { ok: false, code: d.error.code }, next };
}

// ---- Random command plans ----

type Plan =
  | { kind: 'topUp'; entry: number; credit: number; description: string | null }
  | { kind: 'reserve'; hold: number; amount: number; ttlMs: number }
  | { kind: 'commit'; hold: number; amount: number }
  | { kind: 'release'; hold: number }
  | { kind: 'expire'; hold: number }
  | { kind: 'replay'; pick: number; alter: boolean };

const plan: fc.Arbitrary<Plan> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('topUp' as const), entry: fc.nat(40), credit: fc.integer({ min: -300, max: 1000 }), description: fc.constantFrom(null, 'monthly', 'fix') }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      hold: fc.nat(30),
      amount: fc.oneof(fc.integer({ min: -2, max: 400 }), fc.constant(0.5)),
      ttlMs: fc.integer({ min: 0, max: 3_600_000 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('commit' as const), hold: fc.nat(30), amount: fc.integer({ min: -1, max: 400 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), hold: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('expire' as const), hold: fc.nat(30) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('replay' as const), pick: fc.nat(), alter: fc.boolean() }) },
);
const step_ = fc.record({ plan, advanceMs: fc.integer({ min: 0, max: 600_000 }) });

/** Turns a plan into a command at the current time; a replay re-sends an earlier command, maybe altered. */
function toCommand(p: Plan, nowMs: number, issued: LedgerCommand[]): LedgerCommand {
  const at = iso(nowMs);
  switch (p.kind) {
    case 'topUp':
      return { type: 'AddCredit', entrySid: `ENC${p.entry}`, enterpriseSid: E, credit: p.credit, description: p.description, accountSid: null, at };
    case 'reserve':
      return { type: 'Reserve', holdId: `CP${p.hold}`, enterpriseSid: E, amount: p.amount, expiresAt: iso(nowMs + p.ttlMs), at };
    case 'commit':
      return { type: 'Commit', holdId: `CP${p.hold}`, enterpriseSid: E, amount: p.amount, entrySid: `ENC-charge-CP${p.hold}`, description: `Campaign CP${p.hold}`, accountSid: null, at };
    case 'release':
      return { type: 'Release', holdId: `CP${p.hold}`, enterpriseSid: E, at };
    case 'expire':
      return { type: 'Expire', holdId: `CP${p.hold}`, enterpriseSid: E, at };
    case 'replay': {
      if (issued.length === 0) return { type: 'Release', holdId: 'CP0', enterpriseSid: E, at };
      const original = issued[p.pick % issued.length];
      const again = { ...original, at } as LedgerCommand;
      if (!p.alter) return again;
      if (again.type === 'AddCredit') return { ...again, credit: again.credit + 1 };
      if (again.type === 'Reserve' || again.type === 'Commit') return { ...again, amount: again.amount + 1 };
      return again;
    }
  }
}

function check(ok: boolean, why: () => string): void {
  if (!ok) throw new Error(why());
}

describe('credit ledger model', () => {
  it('agrees with an independent model over 1,000 runs of 200 commands, and keeps every invariant', () => {
    fc.assert(
      fc.property(fc.array(step_, { minLength: 200, maxLength: 200 }), (steps) => {
        const model: Model = { toppedUp: 0, holds: new Map(), entries: new Map() };
        let world: World = { account: emptyAccount(E), holds: new Map(), entries: new Map() };
        const issued: LedgerCommand[] = [];
        let nowMs = T0;
        for (const { plan: p, advanceMs } of steps) {
          nowMs += advanceMs;
          const c = toCommand(p, nowMs, issued);
          issued.push(c);
          const expected = step(model, c);
          const { outcome, next } = apply(world, c);
          // Plain checks (jest's matchers cost more than the ledger over 200,000 commands); a
          // failure throws and fast-check shrinks it to the shortest sequence that shows it.
          check(JSON.stringify(outcome) === JSON.stringify(expected), () => `outcome ${JSON.stringify(outcome)}, model ${JSON.stringify(expected)} for ${JSON.stringify(c)}`);
          check(outcome.ok || next === world, () => 'a refused command changed the ledger');
          world = next;

          const a = world.account;
          check(
            [a.credited, a.reserved, a.used, available(a)].every((v) => Number.isSafeInteger(v) && v >= 0),
            () => `negative or fractional balance ${JSON.stringify(a)}`,
          );
          check(available(a) + a.reserved + a.used === model.toppedUp, () => `available + reserved + used != top-ups ${model.toppedUp}: ${JSON.stringify(a)}`);
          check(a.reserved === modelReserved(model) && a.used === modelUsed(model), () => `balances ${JSON.stringify(a)} differ from the model`);
          // The history reconciles: top-ups, reductions and one debit per charged campaign add up to what is not reserved.
          const history = [...world.entries.values()].reduce((sum, e) => sum + e.credit, 0);
          check(history === available(a) + a.reserved, () => `history sums to ${history}, available + reserved is ${available(a) + a.reserved}`);
          if ('holdId' in c) {
            const h = model.holds.get(c.holdId);
            check(!h || h.resolutions <= 1, () => `hold ${c.holdId} resolved twice`);
            check(!h || world.holds.get(c.holdId)?.status === h.status, () => `hold ${c.holdId} is ${world.holds.get(c.holdId)?.status}, model ${h?.status}`);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
