import { createHmac } from 'node:crypto';
import { sameText } from './signature';

/**
 * URLs the carrier fetches without credentials (a campaign's RCML, an announcement's audio):
 * nobody can guess or reuse them. The path and an expiry are signed with a secret that only
 * Clarion's services hold; a link stops working once it expires, and changing any character of
 * it breaks the signature.
 */
export interface SignedQuery {
  expires: string;
  signature: string;
}

const sign = (secret: string, path: string, expires: string) => createHmac('sha256', secret).update(`${path}\n${expires}`).digest('base64url');

/** `path?expires=…&signature=…`, valid until `expiresAtMs`. */
export function signPath(secret: string, path: string, expiresAtMs: number): string {
  const expires = String(Math.floor(expiresAtMs / 1000));
  return `${path}?expires=${expires}&signature=${sign(secret, path, expires)}`;
}

export type SignedPathCheck = 'valid' | 'expired' | 'forged';

/** Checks a signed path's query; an expired link is told apart from a forged one only after its signature holds. */
export function checkSignedPath(secret: string, path: string, query: Partial<SignedQuery>, nowMs: number): SignedPathCheck {
  const { expires, signature } = query;
  if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(expires)) return 'forged';
  if (!sameText(sign(secret, path, expires), signature)) return 'forged';
  return Number(expires) * 1000 < nowMs ? 'expired' : 'valid';
}
