import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Errors, isSid, newSid } from '@clarion/contracts';
import { Platform } from '@clarion/platform';
import { ApiError } from '../http/api';

export interface Caller {
  kind: 'account';
  accountSid: string;
  enterpriseSid: string;
  email: string;
  /**
   * The key a voice campaign's webhooks are signed with: the hex SHA-256 of the account's token,
   * which is all Clarion keeps of it (the receiver computes the same from the token it holds).
   */
  webhookKey?: string;
}

/** Accounts whose rows one gateway instance keeps for authentication. */
const ACCOUNTS_KEPT_MAX = 10_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Enterprises, their accounts and Basic authentication: the gateway's own data. */
@Injectable()
export class IdentityService {
  /**
   * Accounts as authentication reads them. An account never changes once made (no update, no
   * delete, no token rotation), so a row read once stays true; only found ones are kept (one made
   * later must be seen), at most ACCOUNTS_KEPT_MAX.
   */
  private readonly accounts = new Map<string, { sid: string; enterprise_sid: string; email: string; token_hash: string }>();

  constructor(private readonly platform: Platform) {}

  async createEnterprise(name: string) {
    const sid = newSid('enterprise');
    const [row] = await this.platform.query('INSERT INTO enterprises (sid, name) VALUES ($1, $2) RETURNING sid, name, date_created', [sid, name]);
    return { sid: row.sid, name: row.name, dateCreated: new Date(row.date_created).toISOString() };
  }

  async enterpriseExists(sid: string): Promise<boolean> {
    if (!isSid('enterprise', sid)) return false;
    const rows = await this.platform.query('SELECT 1 FROM enterprises WHERE sid = $1', [sid]);
    return rows.length > 0;
  }

  async createAccount(enterpriseSid: string, email: string) {
    if (!(await this.enterpriseExists(enterpriseSid))) throw new ApiError(Errors.enterpriseNotFound, { enterpriseSid });
    const sid = newSid('account');
    // 32 random bytes: a token that cannot be guessed, so a fast hash is enough to store it.
    const authToken = randomBytes(32).toString('hex');
    const [row] = await this.platform.query('INSERT INTO accounts (sid, enterprise_sid, email, token_hash) VALUES ($1, $2, $3, $4) RETURNING date_created', [
      sid,
      enterpriseSid,
      email,
      hashToken(authToken),
    ]);
    return { sid, email, enterpriseSid, authToken, dateCreated: new Date(row.date_created).toISOString() };
  }

  /** Resolves a Basic-auth header to an account, or throws 401 without saying which half was wrong. */
  async authenticateAccount(header: string | undefined): Promise<Caller> {
    const creds = parseBasic(header);
    if (!creds || !isSid('account', creds.user)) throw new ApiError(Errors.unauthorized);
    const row = this.accounts.get(creds.user) ?? (await this.readAccount(creds.user));
    const given = Buffer.from(hashToken(creds.password), 'hex');
    const stored = Buffer.from(row?.token_hash ?? hashToken(randomBytes(8).toString('hex')), 'hex');
    if (!row || !timingSafeEqual(given, stored)) throw new ApiError(Errors.unauthorized);
    return { kind: 'account', accountSid: row.sid, enterpriseSid: row.enterprise_sid, email: row.email, webhookKey: row.token_hash };
  }

  private async readAccount(sid: string) {
    const [row] = await this.platform.query('SELECT sid, enterprise_sid, email, token_hash FROM accounts WHERE sid = $1', [sid]);
    if (row) {
      if (this.accounts.size >= ACCOUNTS_KEPT_MAX) this.accounts.delete(this.accounts.keys().next().value as string);
      this.accounts.set(sid, row);
    }
    return row;
  }

  authenticateOperator(header: string | undefined, operatorToken: string | undefined): void {
    const creds = parseBasic(header);
    if (!operatorToken || !creds || creds.user !== 'operator') throw new ApiError(Errors.unauthorized);
    const a = Buffer.from(hashToken(creds.password), 'hex');
    const b = Buffer.from(hashToken(operatorToken), 'hex');
    if (!timingSafeEqual(a, b)) throw new ApiError(Errors.unauthorized);
  }
}

export function parseBasic(header: string | undefined): { user: string; password: string } | null {
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon).trim(), password: decoded.slice(colon + 1).trim() };
}
