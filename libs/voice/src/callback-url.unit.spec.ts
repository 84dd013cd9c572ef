import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { CALLBACK_URL_CHARS_MAX, checkCallbackUrl, isPrivateAddress, publicOnlyLookup, webhooksAllowPrivate } from './callback-url';

describe('isPrivateAddress', () => {
  const inside: [string, string][] = [
    ['127.0.0.1', 'IPv4 loopback'],
    ['127.255.255.254', 'the end of 127/8'],
    ['0.0.0.0', 'IPv4 unspecified'],
    ['0.1.2.3', '"this network" 0/8'],
    ['10.0.0.1', '10/8'],
    ['10.255.255.255', 'the end of 10/8'],
    ['172.16.0.1', 'the start of 172.16/12'],
    ['172.31.255.255', 'the end of 172.16/12'],
    ['192.168.1.1', '192.168/16'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'the start of CGNAT 100.64/10'],
    ['100.127.255.255', 'the end of CGNAT 100.64/10'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast (SSDP)'],
    ['240.0.0.1', 'reserved 240/4'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'IPv6 loopback'],
    ['0:0:0:0:0:0:0:1', 'IPv6 loopback, uncompressed'],
    ['::', 'IPv6 unspecified'],
    ['fc00::1', 'unique local fc00::/7'],
    ['fd12:3456:789a::1', 'unique local fd00::/8'],
    ['fe80::1', 'link-local fe80::/10'],
    ['febf:ffff::1', 'the end of fe80::/10'],
    ['fe80::1%eth0', 'link-local with a zone index'],
    ['FE80::ABCD', 'link-local in capitals'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:10.0.0.1', 'IPv4-mapped 10/8'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback as the URL parser writes it'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped 169.254.169.254 in hex'],
    ['0:0:0:0:0:ffff:192.168.0.1', 'IPv4-mapped, uncompressed'],
    ['::ffff:100.64.0.1', 'IPv4-mapped CGNAT'],
    ['64:ff9b::10.0.0.1', 'NAT64 of 10/8'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['::127.0.0.1', 'the deprecated IPv4-compatible form'],
    ['not-an-address', 'not an address at all (fails closed)'],
    ['', 'the empty string (fails closed)'],
  ];
  it.each(inside)('%s is inside the network (%s)', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  const outside: [string, string][] = [
    ['8.8.8.8', 'a public IPv4 address'],
    ['1.1.1.1', 'a public IPv4 address'],
    ['9.255.255.255', 'just below 10/8'],
    ['11.0.0.0', 'just above 10/8'],
    ['172.15.255.255', 'just below 172.16/12'],
    ['172.32.0.0', 'just above 172.16/12'],
    ['100.63.255.255', 'just below CGNAT'],
    ['100.128.0.0', 'just above CGNAT'],
    ['169.253.255.255', 'just below link-local'],
    ['192.167.255.255', 'just below 192.168/16'],
    ['223.255.255.255', 'just below multicast'],
    ['2606:4700:4700::1111', 'a public IPv6 address'],
    ['2001:4860:4860::8888', 'a public IPv6 address'],
    ['fbff:ffff::1', 'just below fc00::/7'],
    ['fe00::1', 'between fc00::/7 and fe80::/10'],
    ['::ffff:8.8.8.8', 'IPv4-mapped public'],
    ['::ffff:808:808', 'IPv4-mapped public, in hex'],
    ['64:ff9b::8.8.8.8', 'NAT64 of a public address'],
    ['2002:808:808::1', '6to4 of a public address'],
  ];
  it.each(outside)('%s is public (%s)', (ip) => expect(isPrivateAddress(ip)).toBe(false));

  it('answers the same for an IPv4 address and its IPv4-mapped IPv6 form, in dotted and hex notation', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const n = ip.split('.').map(Number);
        const hex = `::ffff:${((n[0] << 8) | n[1]).toString(16)}:${((n[2] << 8) | n[3]).toString(16)}`;
        expect(isPrivateAddress(`::ffff:${ip}`)).toBe(isPrivateAddress(ip));
        expect(isPrivateAddress(hex)).toBe(isPrivateAddress(ip));
      }),
    );
  });
});

describe('checkCallbackUrl', () => {
  // A resolver under the test's control: names to addresses; an unknown name does not resolve.
  const dns: Record<string, string[]> = {
    'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'internal.example.com': ['10.1.2.3'],
    // One private address among public ones is enough to refuse (the client may pick it).
    'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
    'v6-inside.example.com': ['fd00::5'],
    'empty.example.com': [],
  };
  const lookup = jest.fn(async (host: string) => {
    const found = dns[host];
    if (!found) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return found;
  });
  const strict = { allowPrivate: false, lookup };
  const lenient = { allowPrivate: true, lookup };
  beforeEach(() => lookup.mockClear());

  it('accepts an http or https URL whose host resolves only to public addresses', async () => {
    await expect(checkCallbackUrl('https://hooks.example.com/clarion?x=1', strict)).resolves.toEqual({ ok: true });
    await expect(checkCallbackUrl('http://hooks.example.com:8080/cb', strict)).resolves.toEqual({ ok: true });
    await expect(checkCallbackUrl('https://8.8.8.8/cb', strict)).resolves.toEqual({ ok: true });
    await expect(checkCallbackUrl('https://[2606:4700:4700::1111]/cb', strict)).resolves.toEqual({ ok: true });
  });

  it('refuses a host resolving to any private address, unless private addresses are allowed', async () => {
    for (const url of ['https://internal.example.com/cb', 'https://mixed.example.com/cb', 'https://v6-inside.example.com/cb']) {
      const refused = await checkCallbackUrl(url, strict);
      expect(refused).toEqual({ ok: false, reason: expect.stringMatching(/inside the network/) });
      await expect(checkCallbackUrl(url, lenient)).resolves.toEqual({ ok: true });
    }
  });

  it('refuses IP literals inside the network without asking the resolver, in every notation the URL parser accepts', async () => {
    for (const url of [
      'http://127.0.0.1:8080/cb',
      'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/cb',
      'http://[::ffff:10.0.0.1]/cb',
      'http://[fe80::1]/cb',
      'http://0.0.0.0/',
      // Decimal, hex and short forms: the URL parser turns them into 127.0.0.1.
      'http://2130706433/',
      'http://0x7f.1/',
      'http://127.1/',
    ]) {
      expect(await checkCallbackUrl(url, strict)).toEqual({ ok: false, reason: expect.stringMatching(/inside the network/) });
    }
    expect(lookup).not.toHaveBeenCalled();
    await expect(checkCallbackUrl('http://127.0.0.1:8080/cb', lenient)).resolves.toEqual({ ok: true });
  });

  it('refuses what is not http(s), carries credentials, is too long or is no URL, even when private addresses are allowed', async () => {
    const refusals: [string, RegExp][] = [
      ['ftp://hooks.example.com/cb', /only http and https/],
      ['file:///etc/passwd', /only http and https/],
      ['javascript:alert(1)', /only http and https/],
      ['https://user:pass@hooks.example.com/cb', /user name or password/],
      ['https://user@hooks.example.com/cb', /user name or password/],
      ['https://:secret@hooks.example.com/cb', /user name or password/],
      ['https://hooks.example.com/' + 'a'.repeat(CALLBACK_URL_CHARS_MAX), /longer than 2048/],
      ['not a url', /not a valid URL/],
      ['', /not a valid URL/],
    ];
    for (const [url, reason] of refusals) {
      expect(await checkCallbackUrl(url, lenient)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    }
    // Exactly at the limit is still accepted.
    const atLimit = 'https://hooks.example.com/';
    await expect(checkCallbackUrl(atLimit + 'a'.repeat(CALLBACK_URL_CHARS_MAX - atLimit.length), strict)).resolves.toEqual({ ok: true });
  });

  it('refuses a host that does not resolve, or resolves to nothing', async () => {
    expect(await checkCallbackUrl('https://nowhere.example.com/cb', lenient)).toEqual({ ok: false, reason: expect.stringMatching(/does not resolve.*ENOTFOUND/) });
    expect(await checkCallbackUrl('https://empty.example.com/cb', lenient)).toEqual({ ok: false, reason: expect.stringMatching(/does not resolve/) });
  });

  it('resolves with the system resolver by default (localhost is inside the network)', async () => {
    expect(await checkCallbackUrl('http://localhost:9/cb', { allowPrivate: false })).toEqual({ ok: false, reason: expect.stringMatching(/inside the network/) });
    await expect(checkCallbackUrl('http://localhost:9/cb', { allowPrivate: true })).resolves.toEqual({ ok: true });
  });
});

describe('webhooksAllowPrivate', () => {
  it('is on only for WEBHOOK_ALLOW_PRIVATE_URLS=1 or true', () => {
    expect(webhooksAllowPrivate({ WEBHOOK_ALLOW_PRIVATE_URLS: '1' })).toBe(true);
    expect(webhooksAllowPrivate({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' })).toBe(true);
    expect(webhooksAllowPrivate({ WEBHOOK_ALLOW_PRIVATE_URLS: 'TRUE' })).toBe(true);
    expect(webhooksAllowPrivate({})).toBe(false);
    expect(webhooksAllowPrivate({ WEBHOOK_ALLOW_PRIVATE_URLS: '' })).toBe(false);
    expect(webhooksAllowPrivate({ WEBHOOK_ALLOW_PRIVATE_URLS: '0' })).toBe(false);
    expect(webhooksAllowPrivate({ WEBHOOK_ALLOW_PRIVATE_URLS: 'false' })).toBe(false);
    expect(webhooksAllowPrivate({ WEBHOOK_ALLOW_PRIVATE_URLS: 'yes' })).toBe(false);
  });
});

describe('publicOnlyLookup (the check at connect time)', () => {
  const lookup = (allowPrivate: boolean, options: { all?: boolean } = {}) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) => publicOnlyLookup(allowPrivate)('localhost', options as never, (err, address) => resolve({ err, address })));

  it('refuses a name that resolves inside the network when it connects, unless private addresses are allowed', async () => {
    expect((await lookup(false)).err).toMatchObject({ code: 'EADDRINSIDE', message: expect.stringContaining('inside the network') });
    expect((await lookup(true)).address).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect((await lookup(true, { all: true })).address).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]));
  });

  it('keeps an HTTP request from ever reaching such an address: a rebound name gets no connection', async () => {
    let reached = 0;
    const server = createServer((_req, res) => (reached++, res.end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const attempt = (allowPrivate: boolean) =>
        new Promise<number>((resolve, reject) => {
          const req = request({ host: 'localhost', family: 4, port, path: '/', lookup: publicOnlyLookup(allowPrivate), agent: false }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
          req.on('error', reject);
          req.end();
        });
      await expect(attempt(false)).rejects.toMatchObject({ code: 'EADDRINSIDE' });
      expect(reached).toBe(0);
      expect(await attempt(true)).toBe(200);
      expect(reached).toBe(1);
    } finally {
      server.close();
    }
  });
});
