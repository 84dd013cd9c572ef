import { randomBytes, createHash } from 'node:crypto';

/** Sid prefixes of seed 000: a type prefix and 32 hex digits. */
export const SID_PREFIX = {
  campaign: 'CP',
  announcement: 'AN',
  enterprise: 'EN',
  account: 'AC',
  creditEntry: 'ENC',
  number: 'OT',
} as const;
export type SidKind = keyof typeof SID_PREFIX;

export function newSid(kind: SidKind): string {
  return SID_PREFIX[kind] + randomBytes(16).toString('hex');
}

/**
 * A sid derived from other ids, so that a retried request produces the same sid and the ledger
 * and event store can recognise the replay instead of recording it twice.
 */
export function derivedSid(kind: SidKind, ...parts: string[]): string {
  return SID_PREFIX[kind] + createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export function isSid(kind: SidKind, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const prefix = SID_PREFIX[kind];
  // ENC is a longer prefix than EN, so EN must not swallow ENC sids and vice versa.
  if (kind === 'enterprise' && value.startsWith(SID_PREFIX.creditEntry)) return false;
  return value.length === prefix.length + 32 && value.startsWith(prefix) && /^[0-9a-f]{32}$/.test(value.slice(prefix.length));
}

export function newMessageId(): string {
  return randomBytes(16).toString('hex');
}
