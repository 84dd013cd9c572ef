import { decide, evolve, type Decision, type Entry, type Hold, type LedgerCommand, type LedgerState } from './ledger';

/** The ledger's tests' stand-in for the adapter: the account plus every hold and entry by id. */
export interface World {
  account: LedgerState['account'];
  holds: Map<string, Hold>;
  entries: Map<string, Entry>;
}

/** Applies one command as the adapter does: the decider sees only the command's own hold and entry. */
export function applyToWorld(w: World, c: LedgerCommand): { d: Decision; next: World } {
  const state: LedgerState = { account: w.account, hold: 'holdId' in c ? (w.holds.get(c.holdId) ?? null) : null, entry: c.type === 'AddCredit' ? (w.entries.get(c.entrySid) ?? null) : null };
  const d = decide(c, state);
  if (!d.ok) return { d, next: w };
  let s = state;
  for (const e of d.events) s = evolve(s, e);
  const holds = new Map(w.holds);
  const entries = new Map(w.entries);
  if (s.hold) holds.set(s.hold.holdId, s.hold);
  if (s.entry) entries.set(s.entry.entrySid, s.entry);
  return { d, next: { account: s.account, holds, entries } };
}
