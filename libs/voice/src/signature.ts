import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The call-control API's request signature (Twilio's `X-Twilio-Signature`, which SignalWire and
 * Restcomm send too): base64 HMAC-SHA1, keyed with the account's auth token, of the full URL the
 * request was sent to followed by every form parameter's name and value, sorted by name. JSON
 * bodies and GETs sign the URL alone.
 */
export function carrierSignature(authToken: string, url: string, params: Record<string, string | string[]> = {}): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    // A repeated parameter signs each value, in sorted order, after its name.
    for (const v of Array.isArray(value) ? [...value].sort() : [value]) data += name + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Compares in constant time: a forged signature learns nothing from how long it took to refuse. */
export function validCarrierSignature(authToken: string, url: string, params: Record<string, string | string[]>, signature: string | undefined): boolean {
  if (!signature) return false;
  return sameText(carrierSignature(authToken, url, params), signature);
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Clarion's own webhooks (the campaign's status callbacks): hex HMAC-SHA256 of the exact body
 * bytes, keyed with the account's token, in `X-Clarion-Signature: sha256=<hex>`.
 */
export function bodySignature(key: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', key).update(body).digest('hex');
}
