import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  Errors,
  TOPIC,
  derivedSid,
  message,
  seedTime,
  type AddCredit,
  type BalanceView,
  type CommitCredits,
  type CreditEntryView,
  type ExpireHold,
  type GetBalance,
  type GetCredit,
  type Message,
  type ReleaseCredits,
  type ReserveCredits,
  type SearchCredits,
} from '@clarion/contracts';
import { Platform, intFromEnv, type MessageContext, type Tx } from '@clarion/platform';
import { available, decide, emptyAccount, evolve, type Account, type Entry, type Hold, type LedgerCommand, type LedgerEvent, type LedgerState } from './ledger';

/**
 * Adapter around the pure ledger: it locks the enterprise's account row, so commands of one
 * enterprise apply one at a time whatever partition or instance they arrive on, then writes back
 * what evolve produced and publishes the outcome.
 */
@Controller()
export class LedgerHandlers {
  constructor(private readonly platform: Platform) {}

  @EventPattern('AddCredit')
  async addCredit(@Payload() m: AddCredit, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    const r = await apply(
      ctx.db,
      m,
      { type: 'AddCredit', entrySid: d.entrySid, enterpriseSid: d.enterpriseSid, credit: d.credit, description: d.description, accountSid: d.accountSid, at: now() },
      d.accountEmail,
    );
    if (!r.ok) return ctx.replyError(r.error);
    const [row] = await ctx.db.query('SELECT * FROM entries WHERE sid = $1', [d.entrySid]);
    ctx.replyOk(entryView(row));
  }

  @EventPattern('ReserveCredits')
  async reserve(@Payload() m: ReserveCredits, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    const at = now();
    // Older senders name no deadline: the hold then lives CREDIT_HOLD_TTL_MS from its reservation.
    const expiresAt = d.expiresAt ?? new Date(Date.parse(at) + holdTtlMs).toISOString();
    const r = await apply(ctx.db, m, { type: 'Reserve', holdId: d.holdId, enterpriseSid: d.enterpriseSid, amount: d.amount, expiresAt, at });
    if (!r.ok) {
      // Refusal is a business outcome the campaign must hear about, not a failure to retry.
      ctx.db.publish(TOPIC.creditEvents, d.enterpriseSid, message('CreditReservationRefused', { ...d, code: r.error.code, message: r.error.message }, { causedBy: m }));
    }
  }

  /** The charge is posted and written to the credit history as a debit, in one transaction. */
  @EventPattern('CommitCredits')
  async commit(@Payload() m: CommitCredits, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    const command: LedgerCommand = {
      type: 'Commit',
      holdId: d.holdId,
      enterpriseSid: d.enterpriseSid,
      amount: d.amount,
      entrySid: chargeEntrySid(d.enterpriseSid, d.holdId),
      description: chargeDescription(d),
      accountSid: d.accountSid ?? null,
      at: now(),
    };
    const r = await apply(ctx.db, m, command, d.accountEmail ?? null);
    if (!r.ok) console.error(`[credit-svc] commit of ${d.holdId} refused: ${r.error.code} ${r.error.message}`);
  }

  @EventPattern('ReleaseCredits')
  async release(@Payload() m: ReleaseCredits, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    const r = await apply(ctx.db, m, { type: 'Release', holdId: d.holdId, enterpriseSid: d.enterpriseSid, at: now() });
    if (!r.ok) console.error(`[credit-svc] release of ${d.holdId} refused: ${r.error.code} ${r.error.message}`);
  }

  @EventPattern('ExpireHold')
  async expire(@Payload() m: ExpireHold, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    const r = await apply(ctx.db, m, { type: 'Expire', holdId: d.holdId, enterpriseSid: d.enterpriseSid, at: now() });
    if (!r.ok) console.error(`[credit-svc] expiry of ${d.holdId} refused: ${r.error.code} ${r.error.message}`);
  }

  @EventPattern('GetBalance')
  async balance(@Payload() m: GetBalance, @Ctx() ctx: MessageContext): Promise<void> {
    const [row] = await this.platform.query('SELECT * FROM accounts WHERE enterprise_sid = $1', [m.data.enterpriseSid]);
    const account = row ? toAccount(row) : emptyAccount(m.data.enterpriseSid);
    const view: BalanceView = { enterpriseSid: account.enterpriseSid, available: available(account), reserved: account.reserved, used: account.used };
    ctx.replyOk(view);
  }

  @EventPattern('GetCredit')
  async getCredit(@Payload() m: GetCredit, @Ctx() ctx: MessageContext): Promise<void> {
    const [row] = await this.platform.query('SELECT * FROM entries WHERE sid = $1 AND enterprise_sid = $2', [m.data.creditSid, m.data.enterpriseSid]);
    if (!row) return ctx.replyError(Errors.creditNotFound);
    ctx.replyOk(entryView(row));
  }

  @EventPattern('SearchCredits')
  async search(@Payload() m: SearchCredits, @Ctx() ctx: MessageContext): Promise<void> {
    const { where, params } = searchFilter(m.data);
    const [{ total }] = await this.platform.query(`SELECT count(*)::int AS total FROM entries WHERE ${where}`, params);
    const rows = await this.platform.query(
      `SELECT * FROM entries WHERE ${where} ORDER BY date_created ${m.data.sortDirection === 'desc' ? 'DESC' : 'ASC'}, sid LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, m.data.pageSize, m.data.page * m.data.pageSize],
    );
    ctx.replyOk({ total, data: rows.map(entryView) });
  }
}

/**
 * The WHERE clause of a history search. endTime is inclusive to the whole second, because the
 * history shows whole seconds: an entry listed at 12:21:27 is found with endTime=12:21:27 although
 * it was stored at 12:21:27.480.
 */
export function searchFilter(d: SearchCredits['data']): { where: string; params: unknown[] } {
  const where = ['enterprise_sid = $1'];
  const params: unknown[] = [d.enterpriseSid];
  if (d.type === 'credit') where.push('credit > 0');
  if (d.type === 'debit') where.push('credit < 0');
  if (d.startTime) where.push(`date_created >= $${params.push(d.startTime)}::timestamptz`);
  if (d.endTime) where.push(`date_created < $${params.push(d.endTime)}::timestamptz + interval '1 second'`);
  return { where: where.join(' AND '), params };
}

/** One debit entry per campaign: derived from the hold, so a replayed commit names the same entry. */
export const chargeEntrySid = (enterpriseSid: string, holdId: string) => derivedSid('creditEntry', enterpriseSid, 'charge', holdId);

/** The history's line for a campaign's charge; longer names are cut so the entry stays readable. */
export function chargeDescription(d: CommitCredits['data']): string {
  const text = d.description?.trim() || `Campaign ${d.holdId}`;
  return text.length > DESCRIPTION_LENGTH_MAX ? text.slice(0, DESCRIPTION_LENGTH_MAX - 1) + '…' : text;
}
const DESCRIPTION_LENGTH_MAX = 500;

const now = () => new Date().toISOString();
const holdTtlMs = intFromEnv('CREDIT_HOLD_TTL_MS', 7 * 24 * 3600_000);

async function apply(tx: Tx, causedBy: Message, command: LedgerCommand, accountEmail: string | null = null) {
  const enterpriseSid = command.enterpriseSid;
  await tx.query('INSERT INTO accounts (enterprise_sid) VALUES ($1) ON CONFLICT DO NOTHING', [enterpriseSid]);
  const [accountRow] = await tx.query('SELECT * FROM accounts WHERE enterprise_sid = $1 FOR UPDATE', [enterpriseSid]);
  const holdId = 'holdId' in command ? command.holdId : null;
  const [holdRow] = holdId ? await tx.query('SELECT * FROM holds WHERE hold_id = $1', [holdId]) : [];
  const [entryRow] = command.type === 'AddCredit' ? await tx.query('SELECT * FROM entries WHERE sid = $1', [command.entrySid]) : [];
  let state: LedgerState = {
    account: toAccount(accountRow),
    hold: holdRow ? toHold(holdRow) : null,
    entry: entryRow
      ? {
          entrySid: entryRow.sid,
          enterpriseSid: entryRow.enterprise_sid,
          credit: Number(entryRow.credit),
          description: entryRow.description,
          accountSid: entryRow.account_sid,
          at: new Date(entryRow.date_created).toISOString(),
        }
      : null,
  };
  const decision = decide(command, state);
  if (!decision.ok) return decision;
  for (const event of decision.events) {
    state = evolve(state, event);
    await persist(tx, event, state, accountEmail);
    publish(tx, causedBy, event);
  }
  if (decision.events.length > 0) {
    const a = state.account;
    await tx.query('UPDATE accounts SET credited = $2, reserved = $3, used = $4, updated_at = now() WHERE enterprise_sid = $1', [a.enterpriseSid, a.credited, a.reserved, a.used]);
  } else if (command.type === 'Reserve' && state.hold?.status === 'pending') {
    // A replayed reservation must still be answered, or a campaign waiting on a lost reply would stall.
    publish(tx, causedBy, { type: 'CreditsReserved', holdId: command.holdId, enterpriseSid, amount: state.hold.amount, expiresAt: state.hold.expiresAt, at: command.at });
  }
  return decision;
}

async function persist(tx: Tx, event: LedgerEvent, state: LedgerState, accountEmail: string | null): Promise<void> {
  switch (event.type) {
    case 'CreditAdded':
      await insertEntry(tx, event.entry, accountEmail);
      return;
    case 'HoldPosted':
      if (event.debit) await insertEntry(tx, event.debit, accountEmail);
      await upsertHold(tx, state.hold!);
      return;
    case 'CreditsReserved':
    case 'HoldVoided':
      await upsertHold(tx, state.hold!);
      return;
    default: {
      const never: never = event;
      throw new Error(`unhandled ledger event ${JSON.stringify(never)}`);
    }
  }
}

async function insertEntry(tx: Tx, e: Entry, accountEmail: string | null): Promise<void> {
  await tx.query('INSERT INTO entries (sid, enterprise_sid, credit, description, account_sid, account_email, date_created) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    e.entrySid,
    e.enterpriseSid,
    e.credit,
    e.description,
    e.accountSid,
    accountEmail,
    e.at,
  ]);
}

async function upsertHold(tx: Tx, h: Hold): Promise<void> {
  await tx.query(
    `INSERT INTO holds (hold_id, enterprise_sid, amount, status, posted_amount, commit_request, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (hold_id) DO UPDATE SET status = EXCLUDED.status, posted_amount = EXCLUDED.posted_amount, commit_request = EXCLUDED.commit_request, updated_at = now()`,
    [h.holdId, h.enterpriseSid, h.amount, h.status, h.postedAmount, h.commitRequest, h.expiresAt],
  );
}

function publish(tx: Tx, causedBy: Message, event: LedgerEvent): void {
  const opts = { causedBy };
  switch (event.type) {
    case 'CreditAdded':
      return tx.publish(TOPIC.creditEvents, event.entry.enterpriseSid, message('CreditAdded', event.entry, opts));
    case 'CreditsReserved':
      return tx.publish(TOPIC.creditEvents, event.enterpriseSid, message('CreditsReserved', { holdId: event.holdId, enterpriseSid: event.enterpriseSid, amount: event.amount }, opts));
    case 'HoldPosted':
      return tx.publish(
        TOPIC.creditEvents,
        event.enterpriseSid,
        message('CreditsCommitted', { holdId: event.holdId, enterpriseSid: event.enterpriseSid, amount: event.posted, released: event.released }, opts),
      );
    case 'HoldVoided':
      return tx.publish(
        TOPIC.creditEvents,
        event.enterpriseSid,
        message('CreditsReleased', { holdId: event.holdId, enterpriseSid: event.enterpriseSid, amount: event.released, reason: event.reason }, opts),
      );
    default: {
      const never: never = event;
      throw new Error(`unhandled ledger event ${JSON.stringify(never)}`);
    }
  }
}

function toAccount(row: Record<string, unknown>): Account {
  return { enterpriseSid: String(row.enterprise_sid), credited: Number(row.credited), reserved: Number(row.reserved), used: Number(row.used) };
}

function toHold(row: Record<string, unknown>): Hold {
  return {
    holdId: String(row.hold_id),
    enterpriseSid: String(row.enterprise_sid),
    amount: Number(row.amount),
    status: row.status as Hold['status'],
    postedAmount: Number(row.posted_amount),
    commitRequest: row.commit_request === null ? null : Number(row.commit_request),
    expiresAt: new Date(row.expires_at as string).toISOString(),
  };
}

/** Entries are immutable, so an entry was last updated when it was created. */
export function entryView(row: Record<string, any>): CreditEntryView {
  const at = seedTime(row.date_created);
  return {
    sid: row.sid,
    enterpriseSid: row.enterprise_sid,
    dateCreated: at,
    dateUpdated: at,
    accountSid: row.account_sid,
    accountEmail: row.account_email,
    description: row.description,
    credit: Number(row.credit),
  };
}
