import dnsCallbacks, { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/**
 * The guard against callback URLs that point inside the network (SSRF): a campaign's webhook URLs
 * are chosen by a customer, but the POSTs are made from inside our network, where a URL such as
 * http://10.0.0.5/admin or http://169.254.169.254/ (the cloud metadata service) reaches machines no
 * customer should reach. So a URL is only accepted when every address its host resolves to is a
 * public one.
 */

/** Longer URLs are refused: no legitimate receiver needs more, and the URL is stored with every webhook. */
export const CALLBACK_URL_CHARS_MAX = 2048;
/** A resolver that does not answer within this time counts as "does not resolve". */
export const CALLBACK_LOOKUP_TIMEOUT_MS = 3000;

export type CallbackUrlCheck = { ok: true } | { ok: false; reason: string };

export interface CallbackUrlOptions {
  /** Only for local development and tests, where the receivers run on this machine (WEBHOOK_ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
  /** Every address of a host name; the default asks the system resolver (dns.lookup), bounded by CALLBACK_LOOKUP_TIMEOUT_MS. */
  lookup?: (host: string) => Promise<string[]>;
}

type Cidr = readonly [base: bigint, prefixBits: number];

const v4 = (dotted: string, prefixBits: number): Cidr => [ipv4ToBigInt(dotted), prefixBits];
const v6 = (text: string, prefixBits: number): Cidr => [ipv6ToBigInt(text), prefixBits];

/** IPv4 ranges that are not the public internet. */
const IPV4_NOT_PUBLIC: readonly Cidr[] = [
  v4('0.0.0.0', 8), // "this network"; 0.0.0.0 itself reaches the local host on Linux
  v4('10.0.0.0', 8), // private
  v4('100.64.0.0', 10), // carrier-grade NAT, often the provider's own internal network
  v4('127.0.0.0', 8), // loopback
  v4('169.254.0.0', 16), // link-local, where cloud metadata services answer
  v4('172.16.0.0', 12), // private
  v4('192.0.0.0', 24), // IETF protocol assignments
  v4('192.168.0.0', 16), // private
  v4('198.18.0.0', 15), // benchmarking, used inside some networks
  v4('224.0.0.0', 4), // multicast
  v4('240.0.0.0', 4), // reserved, with the broadcast address 255.255.255.255
];

/** IPv6 ranges that are not the public internet (those that embed an IPv4 address are handled apart). */
const IPV6_NOT_PUBLIC: readonly Cidr[] = [
  v6('::', 96), // unspecified (::), loopback (::1) and the deprecated IPv4-compatible form (::a.b.c.d)
  v6('fc00::', 7), // unique local (private)
  v6('fe80::', 10), // link-local
  v6('fec0::', 10), // site-local (deprecated, still routed inside some networks)
  v6('ff00::', 8), // multicast
];

/**
 * IPv6 forms that carry an IPv4 address, which then decides: ::ffff:a.b.c.d (IPv4-mapped, which a
 * dual-stack socket connects to over IPv4) and 64:ff9b::a.b.c.d (NAT64) hold it in their last 32
 * bits; 2002:aabb:ccdd:: (6to4) in bits 16 to 47.
 */
const IPV6_EMBEDDING_IPV4: readonly (readonly [Cidr, shiftBits: number])[] = [
  [v6('::ffff:0:0', 96), 0],
  [v6('64:ff9b::', 96), 0],
  [v6('2002::', 16), 80],
];

/**
 * True when the address is not a public internet address: loopback, unspecified, private,
 * link-local, carrier-grade NAT, multicast, reserved, or an IPv6 form embedding any of those.
 * Anything that is not an IP address at all also answers true, so that a caller's mistake
 * refuses a URL instead of letting it through.
 */
export function isPrivateAddress(ip: string): boolean {
  // A zone index (fe80::1%eth0) names an interface, not part of the address.
  const address = ip.trim().replace(/%.*$/, '');
  switch (isIP(address)) {
    case 4:
      return inAny(ipv4ToBigInt(address), 32, IPV4_NOT_PUBLIC);
    case 6: {
      const n = ipv6ToBigInt(address);
      for (const [range, shiftBits] of IPV6_EMBEDDING_IPV4) {
        if (inRange(n, 128, range)) return inAny((n >> BigInt(shiftBits)) & 0xffffffffn, 32, IPV4_NOT_PUBLIC);
      }
      return inAny(n, 128, IPV6_NOT_PUBLIC);
    }
    default:
      return true;
  }
}

/**
 * Whether the platform may POST to this URL: http(s) only, no credentials in it, at most
 * CALLBACK_URL_CHARS_MAX characters, a host that resolves, and (unless allowPrivate) only to public
 * addresses. Checked when a campaign is made and again before each delivery, because what a name
 * resolves to can change in between.
 */
export async function checkCallbackUrl(url: string, options: CallbackUrlOptions): Promise<CallbackUrlCheck> {
  if (url.length > CALLBACK_URL_CHARS_MAX) return { ok: false, reason: `the URL is longer than ${CALLBACK_URL_CHARS_MAX} characters` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, reason: `only http and https URLs are allowed, not ${parsed.protocol.replace(/:$/, '')}` };
  // Credentials in a callback URL would be stored with every webhook and sent in the clear with http.
  if (parsed.username || parsed.password) return { ok: false, reason: 'the URL must not carry a user name or password' };
  // The URL parser writes IPv6 literals in brackets and has already normalised IPv4 literals
  // (http://2130706433/ and http://0x7f.1/ are 127.0.0.1 by now).
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) return { ok: false, reason: 'the URL has no host' };
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (options.lookup ?? lookupAll)(host);
    } catch (err) {
      return { ok: false, reason: `the host ${host} does not resolve: ${(err as Error).message}` };
    }
    if (addresses.length === 0) return { ok: false, reason: `the host ${host} does not resolve` };
  }
  if (!options.allowPrivate) {
    // One private address is enough to refuse: the HTTP client may pick any of them.
    const inside = addresses.find(isPrivateAddress);
    if (inside !== undefined) return { ok: false, reason: `the host ${host} resolves to ${inside}, an address inside the network` };
  }
  return { ok: true };
}

/**
 * A `lookup` for http(s).request that refuses, at the moment of connecting, a host resolving to an
 * address inside the network. checkCallbackUrl resolves the name before a delivery, but the
 * connection resolves it again: a hostile name server can answer a public address to the first and
 * 127.0.0.1 to the second (DNS rebinding). Through this lookup the addresses checked are the ones
 * connected to. IP literals are not looked up at all; checkCallbackUrl has checked them.
 */
export function publicOnlyLookup(allowPrivate: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void => {
    dnsCallbacks.lookup(hostname, { family: options.family, hints: options.hints, all: true, verbatim: true }, (err, found) => {
      if (err) return callback(err, '');
      const inside = allowPrivate ? undefined : found.find((a) => isPrivateAddress(a.address));
      if (inside) return callback(Object.assign(new Error(`${hostname} resolves to ${inside.address}, an address inside the network`), { code: 'EADDRINSIDE' }), '');
      if (options.all) return callback(null, found);
      if (found.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '');
      callback(null, found[0].address, found[0].family);
    });
  };
}

/** WEBHOOK_ALLOW_PRIVATE_URLS=1 (or true) lets webhooks reach private addresses: for development and tests only. */
export function webhooksAllowPrivate(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.WEBHOOK_ALLOW_PRIVATE_URLS ?? '').trim().toLowerCase();
  return value === '1' || value === 'true';
}

/** Every address of the host by the system resolver, as the HTTP client will connect; a resolver that hangs is cut off. */
async function lookupAll(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CALLBACK_LOOKUP_TIMEOUT_MS} ms`)), CALLBACK_LOOKUP_TIMEOUT_MS);
  });
  try {
    const found = await Promise.race([dns.lookup(host, { all: true, verbatim: true }), timeout]);
    return found.map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}

function inAny(n: bigint, widthBits: number, ranges: readonly Cidr[]): boolean {
  return ranges.some((range) => inRange(n, widthBits, range));
}

function inRange(n: bigint, widthBits: number, [base, prefixBits]: Cidr): boolean {
  const shift = BigInt(widthBits - prefixBits);
  return n >> shift === base >> shift;
}

/** A dotted quad (already validated by isIP) as a number. */
function ipv4ToBigInt(dotted: string): bigint {
  return dotted.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

/** An IPv6 address (already validated by isIP; with "::" and an optional trailing dotted quad) as a 128-bit number. */
function ipv6ToBigInt(text: string): bigint {
  let s = text.toLowerCase();
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const quad = ipv4ToBigInt(tail);
    s = `${s.slice(0, lastColon + 1)}${(quad >> 16n).toString(16)}:${(quad & 0xffffn).toString(16)}`;
  }
  const [head, rest] = s.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest === undefined ? null : rest ? rest.split(':') : [];
  const groups = restGroups === null ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  return groups.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}
