import { Errors, type ClarionError } from '@clarion/contracts';

/**
 * The credit ledger's pure core: two-phase transfers in the style of TigerBeetle. Reserve puts a
 * pending hold on credits, Commit posts part or all of it (the rest is released in the same step),
 * Release voids it, and so does Expire once the hold's deadline has passed. A hold resolves at most once. Replaying a request by its id changes nothing;
 * the same id with other content is refused. Balances are integers and never below zero.
 *
 * The credit history (entries) holds the top-ups and reductions and one debit per posted hold, so
 * the sum of the history is what is available once nothing is reserved: credited - used.
 */

export interface Account {
  enterpriseSid: string;
  credited: number;
  reserved: number;
  used: number;
}
export type HoldStatus = 'pending' | 'posted' | 'voided';
export interface Hold {
  holdId: string;
  enterpriseSid: string;
  amount: number;
  status: HoldStatus;
  postedAmount: number;
  /** The amount of the commit that posted the hold, to recognise its replay. */
  commitRequest: number | null;
  /** When a hold still pending is released by the expiry watchdog (ISO-8601). */
  expiresAt: string;
}
export interface Entry {
  entrySid: string;
  enterpriseSid: string;
  credit: number;
  description: string | null;
  accountSid: string | null;
  at: string;
}

export type LedgerCommand =
  | { type: 'AddCredit'; entrySid: string; enterpriseSid: string; credit: number; description: string | null; accountSid: string | null; at: string }
  | { type: 'Reserve'; holdId: string; enterpriseSid: string; amount: number; expiresAt: string; at: string }
  /** entrySid, description and accountSid are those of the debit entry the commit writes to the history. */
  | { type: 'Commit'; holdId: string; enterpriseSid: string; amount: number; entrySid: string; description: string | null; accountSid: string | null; at: string }
  | { type: 'Release'; holdId: string; enterpriseSid: string; at: string }
  /** The expiry watchdog's command: a hold still pending past its deadline is released. */
  | { type: 'Expire'; holdId: string; enterpriseSid: string; at: string };

export type LedgerEvent =
  | { type: 'CreditAdded'; entry: Entry }
  | { type: 'CreditsReserved'; holdId: string; enterpriseSid: string; amount: number; expiresAt: string; at: string }
  /** debit: the history's entry for the charge (negative credit); null when nothing was used. */
  | { type: 'HoldPosted'; holdId: string; enterpriseSid: string; posted: number; released: number; debit: Entry | null; at: string }
  | { type: 'HoldVoided'; holdId: string; enterpriseSid: string; released: number; reason: 'released' | 'expired'; at: string };

export interface LedgerState {
  account: Account;
  hold: Hold | null;
  entry: Entry | null;
}

export type Decision = { ok: true; events: LedgerEvent[]; replay: boolean } | { ok: false; error: ClarionError };

export const emptyAccount = (enterpriseSid: string): Account => ({ enterpriseSid, credited: 0, reserved: 0, used: 0 });
export const available = (a: Account): number => a.credited - a.reserved - a.used;

const accept = (...events: LedgerEvent[]): Decision => ({ ok: true, events, replay: false });
const replay = (): Decision => ({ ok: true, events: [], replay: true });
const refuse = (error: ClarionError): Decision => ({ ok: false, error });

function badAmount(value: number, what: string, min: number): ClarionError | null {
  if (!Number.isSafeInteger(value) || value < min) return Errors.invalidParameter(`${what} must be a whole number of at least ${min}.`);
  return null;
}

export function decide(command: LedgerCommand, loaded: LedgerState): Decision {
  // Only the hold and entry of this command's ids are relevant; anything else loaded is ignored.
  const state: LedgerState = {
    account: loaded.account,
    hold: 'holdId' in command && loaded.hold?.holdId === command.holdId ? loaded.hold : null,
    entry: command.type === 'AddCredit' && loaded.entry?.entrySid === command.entrySid ? loaded.entry : null,
  };
  // The adapter loads the account and hold of the command's enterprise; anything else is a bug.
  if (command.enterpriseSid !== state.account.enterpriseSid) throw new Error(`ledger: command for ${command.enterpriseSid} applied to account ${state.account.enterpriseSid}`);
  if (state.hold && 'holdId' in command && state.hold.enterpriseSid !== command.enterpriseSid) {
    // A hold id is a campaign sid, unique system-wide: another enterprise reusing it is a conflict.
    return refuse(Errors.idempotencyConflict);
  }
  switch (command.type) {
    case 'AddCredit': {
      if (state.entry) {
        const e = state.entry;
        const same = e.enterpriseSid === command.enterpriseSid && e.credit === command.credit && e.description === command.description && e.accountSid === command.accountSid;
        return same ? replay() : refuse(Errors.idempotencyConflict);
      }
      if (!Number.isSafeInteger(command.credit) || command.credit === 0) return refuse(Errors.invalidParameter('credit must be a non-zero whole number.'));
      if (command.credit < 0 && available(state.account) + command.credit < 0) return refuse(Errors.creditNotEnough);
      if (!Number.isSafeInteger(state.account.credited + command.credit)) return refuse(Errors.invalidParameter('credit is too large.'));
      return accept({
        type: 'CreditAdded',
        entry: { entrySid: command.entrySid, enterpriseSid: command.enterpriseSid, credit: command.credit, description: command.description, accountSid: command.accountSid, at: command.at },
      });
    }
    case 'Reserve': {
      if (state.hold) return state.hold.amount === command.amount ? replay() : refuse(Errors.idempotencyConflict);
      const bad = badAmount(command.amount, 'amount', 1);
      if (bad) return refuse(bad);
      if (command.amount > available(state.account)) return refuse(Errors.creditNotEnough);
      if (Number.isNaN(Date.parse(command.expiresAt))) return refuse(Errors.invalidParameter('expiresAt must be an ISO-8601 time.'));
      return accept({ type: 'CreditsReserved', holdId: command.holdId, enterpriseSid: command.enterpriseSid, amount: command.amount, expiresAt: command.expiresAt, at: command.at });
    }
    case 'Commit': {
      const hold = state.hold;
      if (!hold) return refuse(Errors.holdNotFound);
      const bad = badAmount(command.amount, 'amount', 0);
      if (bad) return refuse(bad);
      switch (hold.status) {
        case 'pending':
          if (command.amount > hold.amount) return refuse(Errors.invalidParameter('amount is more than the hold.'));
          return accept({
            type: 'HoldPosted',
            holdId: hold.holdId,
            enterpriseSid: hold.enterpriseSid,
            posted: command.amount,
            released: hold.amount - command.amount,
            // The history has no zero entries (CHECK credit <> 0): a campaign that used nothing leaves none.
            debit:
              command.amount === 0
                ? null
                : { entrySid: command.entrySid, enterpriseSid: hold.enterpriseSid, credit: -command.amount, description: command.description, accountSid: command.accountSid, at: command.at },
            at: command.at,
          });
        case 'posted':
          return hold.commitRequest === command.amount ? replay() : refuse(Errors.idempotencyConflict);
        case 'voided':
          return refuse(Errors.holdNotPending);
        default:
          return assertNever(hold.status);
      }
    }
    case 'Release': {
      const hold = state.hold;
      if (!hold) return refuse(Errors.holdNotFound);
      switch (hold.status) {
        case 'pending':
          return accept({ type: 'HoldVoided', holdId: hold.holdId, enterpriseSid: hold.enterpriseSid, released: hold.amount, reason: 'released', at: command.at });
        case 'voided':
          return replay();
        case 'posted':
          return refuse(Errors.holdNotPending);
        default:
          return assertNever(hold.status);
      }
    }
    case 'Expire': {
      const hold = state.hold;
      if (!hold) return refuse(Errors.holdNotFound);
      // A timer fires late, early (clock skew between instances) or twice: only a hold still
      // pending past its deadline expires; anything else is a no-op.
      if (hold.status !== 'pending' || Date.parse(command.at) < Date.parse(hold.expiresAt)) return replay();
      return accept({ type: 'HoldVoided', holdId: hold.holdId, enterpriseSid: hold.enterpriseSid, released: hold.amount, reason: 'expired', at: command.at });
    }
    default:
      return assertNever(command);
  }
}

export function evolve(state: LedgerState, event: LedgerEvent): LedgerState {
  const a = state.account;
  switch (event.type) {
    case 'CreditAdded':
      return { ...state, account: { ...a, credited: a.credited + event.entry.credit }, entry: event.entry };
    case 'CreditsReserved':
      return {
        ...state,
        account: { ...a, reserved: a.reserved + event.amount },
        hold: { holdId: event.holdId, enterpriseSid: event.enterpriseSid, amount: event.amount, status: 'pending', postedAmount: 0, commitRequest: null, expiresAt: event.expiresAt },
      };
    case 'HoldPosted': {
      const hold = state.hold!;
      return {
        ...state,
        account: { ...a, reserved: a.reserved - hold.amount, used: a.used + event.posted },
        hold: { ...hold, status: 'posted', postedAmount: event.posted, commitRequest: event.posted },
        entry: event.debit ?? state.entry,
      };
    }
    case 'HoldVoided': {
      const hold = state.hold!;
      return { ...state, account: { ...a, reserved: a.reserved - hold.amount }, hold: { ...hold, status: 'voided' } };
    }
    default:
      return assertNever(event);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(x)}`);
}
