export interface SmppEndpoint {
  host: string;
  port: number;
  systemId: string;
  password: string;
}

/** smpp://system_id:password@host:port (port 2775 by default). */
export function parseSmppUrl(url: string): SmppEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`SMPP_URL is not a URL: "${url}" (expected smpp://system_id:password@host:port)`);
  }
  if (u.protocol !== 'smpp:') throw new Error(`SMPP_URL must start with smpp://, got "${u.protocol}"`);
  if (!u.hostname) throw new Error('SMPP_URL has no host');
  if (!u.username) throw new Error('SMPP_URL has no system_id (smpp://system_id:password@host:port)');
  const port = u.port ? Number(u.port) : 2775;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`SMPP_URL port is invalid: ${u.port}`);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port, systemId: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}
