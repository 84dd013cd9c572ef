/**
 * API latency benchmark: campaign reads (GET one campaign, and some searches) from many clients at
 * once while a large campaign dispatches — through the gateway's read model, and then, for
 * comparison, through the former path (a Kafka request-reply round trip to campaign-svc per read).
 *
 * How to run it (starts Kafka and Postgres when none answers, as `npm start` does):
 *
 *   npm run bench:api                                   1,000,000 recipients, 50 clients, 30 s per path
 *   npm run bench:api -- --recipients 100000            a quicker check
 *   npm run bench:api -- --clients 20 --duration 10 --no-old
 *   npm run bench:api -- --think-ms 100                 clients that poll: each waits 100 ms between requests
 *   npm run bench:api -- --no-old --uncached            the read model with and without its view cache, interleaved
 *
 * A run has its own database, topics (a fresh KAFKA_TOPIC_PREFIX), SMSC simulator and five service
 * processes, started as tools/bench/campaign-throughput.ts starts them, and dropped at the end:
 *   1. tops up N credits and uploads a campaign of N distinct recipients, and waits for it to be
 *      `in-progress` (dispatching);
 *   2. runs the load for --duration seconds against the gateway: --clients concurrent clients, each
 *      sending its next request as soon as the last one is answered (or --think-ms after it), nine in ten a
 *      GET of the campaign and one in ten a search (status=in-progress). The clients run in a child
 *      process of their own, so the simulator's work in this process does not delay their clocks;
 *   3. unless --no-old: starts a second gateway with GATEWAY_CAMPAIGN_READS=request-reply (the former
 *      path) and runs the same load against it, while the campaign still dispatches.
 * The services run as npm start runs them: dispatch-svc at a lower CPU priority (CLARION_BATCH_NICE,
 * tools/stack/processes.js; CLARION_BATCH_NICE=0 measures without).
 * The per-account rate limit is lifted for the run (GATEWAY_REQUESTS_PER_SECOND), since every client
 * uses the same account. It prints, per path: requests, errors, p50 / p99 / max latency, requests/s,
 * and the campaign's counts before and after (proof that it dispatched throughout).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { LIMITS, TOPIC_SPECS } from '@clarion/contracts';
import { SmscSimulator } from '../smsc-sim/src/smsc-simulator';
import { testNumber } from './numbers';

const TOOLS_STACK = path.join(__dirname, '..', '..', '..', 'tools', 'stack');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require(path.join(TOOLS_STACK, 'processes.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureKafka } = require(path.join(TOOLS_STACK, 'kafka.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensurePostgres, databaseUrl } = require(path.join(TOOLS_STACK, 'postgres.js'));

const OPERATOR = 'bench-operator';
const SMPP_USER = 'clarion';
const SMPP_PASSWORD = 'clarion';
/** One request in this many is a search; the rest are GETs of the campaign. */
const SEARCH_EVERY = 10;
/** A request not answered in this long counts as an error. */
const REQUEST_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// Arguments

function usage(): never {
  console.error('usage: npm run bench:api -- [--recipients N] [--clients C] [--duration SECONDS] [--think-ms MS] [--no-old] [--uncached]');
  process.exit(2);
}

function parseCount(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a positive integer, not "${raw}"`);
    usage();
  }
  return n;
}

function parseArgs(argv: string[]) {
  const flags: Record<string, string> = {};
  let old = true;
  let uncached = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') usage();
    if (a === '--uncached') {
      uncached = true;
      continue;
    }
    if (a === '--no-old') {
      old = false;
      continue;
    }
    const m = /^--(recipients|clients|duration|think-ms)(?:=(.*))?$/.exec(a);
    if (!m) {
      console.error(`unknown argument "${a}"`);
      usage();
    }
    flags[m[1]] = m[2] ?? argv[++i];
  }
  const recipients = parseCount('--recipients', flags.recipients, 1_000_000);
  if (recipients > LIMITS.recipientsPerCampaignMax) {
    console.error(`--recipients is at most ${LIMITS.recipientsPerCampaignMax.toLocaleString('en-US')} (LIMITS.recipientsPerCampaignMax)`);
    usage();
  }
  return {
    recipients,
    clients: parseCount('--clients', flags.clients, 50),
    durationMs: parseCount('--duration', flags.duration, 30) * 1000,
    thinkMs: flags['think-ms'] === '0' ? 0 : parseCount('--think-ms', flags['think-ms'], 0),
    old,
    uncached,
  };
}

// ---------------------------------------------------------------------------------------------
// The load: run in a child process (`--load <json>`), answering with its measurements as JSON.

interface LoadJob {
  base: string;
  auth: string;
  campaignSid: string;
  clients: number;
  durationMs: number;
  /** Pause of each client between an answer and its next request (0: none, a closed loop). */
  thinkMs: number;
}

interface LoadResult {
  count: number;
  errors: number;
  errorExamples: string[];
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
  gets: number;
  searches: number;
  /** The GETs of the campaign alone (the issue's target), and the searches alone. */
  get: { p50: number; p99: number; max: number };
  search: { p50: number; p99: number; max: number };
  /** How late the clients' own event loop ran (ms): a share of every latency above that is the client's, not the gateway's. */
  clientLoopDelay: { p99: number; max: number };
}

function request(agent: http.Agent, base: string, p: string, auth: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(base + p, { agent, headers: { authorization: 'Basic ' + Buffer.from(auth).toString('base64') }, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients });
  const latencies: number[] = [];
  const getLatencies: number[] = [];
  const searchLatencies: number[] = [];
  let errors = 0;
  let gets = 0;
  let searches = 0;
  const errorExamples: string[] = [];
  // The clients' own event loop: a late loop adds to every latency measured, so it is reported beside them.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const startedAt = performance.now();
  const endAt = startedAt + job.durationMs;
  const client = async (n: number) => {
    for (let i = n; performance.now() < endAt; i++) {
      const search = i % SEARCH_EVERY === 0;
      const p = search ? '/campaignmanager/campaigns/search?status=in-progress&pageSize=10' : `/campaignmanager/campaigns/search/${job.campaignSid}`;
      const t0 = performance.now();
      try {
        const r = await request(agent, job.base, p, job.auth);
        const ms = performance.now() - t0;
        if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.body.slice(0, 200)}`);
        latencies.push(ms);
        (search ? searchLatencies : getLatencies).push(ms);
        if (search) searches++;
        else gets++;
      } catch (err) {
        errors++;
        if (errorExamples.length < 5) errorExamples.push((err as Error).message);
      }
      if (job.thinkMs > 0) await new Promise((r) => setTimeout(r, job.thinkMs));
    }
  };
  await Promise.all(Array.from({ length: job.clients }, (_, n) => client(n)));
  const seconds = (performance.now() - startedAt) / 1000;
  agent.destroy();
  const summary = (xs: number[]) => {
    const s = Float64Array.from(xs).sort();
    return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
  };
  loopDelay.disable();
  return {
    clientLoopDelay: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    get: summary(getLatencies),
    search: summary(searchLatencies),
    count: latencies.length,
    errors,
    errorExamples,
    ...summary(latencies),
    perSecond: latencies.length / seconds,
    gets,
    searches,
  };
}

function loadInChild(job: LoadJob): Promise<LoadResult> {
  const child = spawn(process.execPath, ['-r', path.join(TOOLS_STACK, 'register.js'), __filename, '--load', JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-3000)));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load process exited (${code}):\n${err}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Helpers

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function call(base: string, method: string, p: string, auth: string, opts: { json?: unknown; form?: FormData; timeoutMs?: number } = {}) {
  const headers: Record<string, string> = { authorization: 'Basic ' + Buffer.from(auth).toString('base64') };
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + p, { method, headers, body: opts.form ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json)), signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

function expectStatus(what: string, r: { status: number; body: unknown }, status: number) {
  if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} (expected ${status}): ${JSON.stringify(r.body).slice(0, 1000)}`);
}

/** Lines as a Blob of chunks: no single string of the whole file is ever built. */
function linesBlob(count: number, line: (i: number) => string): Blob {
  const chunks: string[] = [];
  for (let start = 0; start < count; start += 10_000) {
    let s = '';
    for (let i = start; i < Math.min(start + 10_000, count); i++) s += line(i) + '\n';
    chunks.push(s);
  }
  return new Blob(chunks, { type: 'text/plain' });
}

interface ServiceProc {
  name: string;
  child: any;
  tail: string;
  exited: string | null;
}

function watch(name: string, child: any): ServiceProc {
  const p: ServiceProc = { name, child, tail: '', exited: null };
  const keep = (chunk: Buffer) => (p.tail = (p.tail + chunk.toString()).slice(-3000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.once('exit', (code: number | null, signal: string | null) => (p.exited = signal ?? String(code)));
  return p;
}

// ---------------------------------------------------------------------------------------------
// The run

async function main(): Promise<void> {
  const { recipients: N, clients, durationMs, thinkMs, old, uncached } = parseArgs(process.argv.slice(2));
  const k = await ensureKafka({ log: () => undefined });
  const pg = await ensurePostgres({ log: () => undefined });
  const id = randomBytes(4).toString('hex');
  const dbName = `clarion_bench_${id}`;
  const prefix = `bench${id}.`;
  const kafka = new Kafka({ clientId: 'bench', brokers: k.brokers.split(','), logLevel: logLevel.NOTHING });
  const sim = new SmscSimulator({ port: 0, systemId: SMPP_USER, password: SMPP_PASSWORD });
  const procs: ServiceProc[] = [];
  let dbCreated = false;
  let topicsCreated = false;
  let simStarted = false;

  const cleanup = async () => {
    await Promise.all(procs.map((p) => stack.stopProcess(p.child))).catch(() => undefined);
    if (simStarted) await sim.stop().catch(() => undefined);
    if (dbCreated) {
      const admin = new Client({ connectionString: pg.serverUrl });
      try {
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      } catch (e) {
        console.error(`  could not drop database ${dbName}: ${(e as Error).message}`);
      } finally {
        await admin.end().catch(() => undefined);
      }
    }
    if (topicsCreated) {
      const ka = kafka.admin();
      try {
        await ka.connect();
        const topics = (await ka.listTopics()).filter((t) => t.startsWith(prefix));
        for (let i = 0; i < topics.length; i += 100) await ka.deleteTopics({ topics: topics.slice(i, i + 100), timeout: 30_000 });
        const groups = (await ka.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
        if (groups.length > 0) await ka.deleteGroups(groups);
      } catch (e) {
        console.error(`  could not delete the topics or consumer groups of ${prefix}: ${(e as Error).message}`);
      } finally {
        await ka.disconnect().catch(() => undefined);
      }
    }
    await Promise.all([k.stop(), pg.stop()]);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  console.log(
    `api latency: ${fmt(N)} recipients dispatching, ${clients} clients${thinkMs ? ` (${thinkMs} ms between requests)` : ' (closed loop)'}, ${durationMs / 1000} s per path (database ${dbName}, topics ${prefix}*)`,
  );
  try {
    const admin = new Client({ connectionString: pg.serverUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${dbName}"`);
      dbCreated = true;
    } finally {
      await admin.end();
    }
    const ka = kafka.admin();
    await ka.connect();
    try {
      topicsCreated = true;
      await ka.createTopics({ waitForLeaders: true, topics: TOPIC_SPECS.map((s) => ({ topic: prefix + s.name, numPartitions: s.partitions })) });
    } finally {
      await ka.disconnect();
    }
    const { port: smscPort } = await sim.start();
    simStarted = true;
    const port = await freePort();
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl(pg.serverUrl, dbName),
      KAFKA_BROKERS: k.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      SMPP_URL: `smpp://${SMPP_USER}:${SMPP_PASSWORD}@127.0.0.1:${smscPort}`,
      SMPP_REFERENCE_QUERY: '1',
      CLARION_OPERATOR_TOKEN: OPERATOR,
      PORT: String(port),
      DISPATCH_TICK_MS: '100',
      // The throughput bench's configuration: dispatch as fast as the simulator takes it.
      DISPATCH_WINDOW_SIZE: '1000',
      DISPATCH_CLAIM_BATCH_SIZE: '250',
      DISPATCH_BATCHES_IN_FLIGHT: '4',
      // Every client uses one account; its rate limit would measure 429s, not reads.
      GATEWAY_REQUESTS_PER_SECOND: '1000000',
      GATEWAY_REQUESTS_BURST: '1000000',
    };
    // As npm start runs them: dispatch-svc at a lower CPU priority (CLARION_BATCH_NICE=0 measures without).
    for (const name of stack.SERVICES as string[]) procs.push(watch(name, stack.spawnProcess(name, env, { quiet: true, lowPriority: true })));
    await Promise.all(procs.map((p) => stack.waitForOutput(p.child, `${p.name} started`)));
    const died = () => {
      const p = procs.find((x) => x.exited !== null);
      if (p) throw new Error(`${p.name} exited (${p.exited}); its last output:\n${p.tail}`);
    };

    const base = `http://127.0.0.1:${port}`;
    const op = `operator:${OPERATOR}`;
    const ent = await call(base, 'POST', '/campaignmanager/enterprises', op, { json: { name: 'bench' } });
    expectStatus('create enterprise', ent, 201);
    const acc = await call(base, 'POST', `/campaignmanager/enterprises/${ent.body.data.sid}/accounts`, op, { json: { email: 'bench@example.com' } });
    expectStatus('create account', acc, 201);
    const me = `${acc.body.data.sid}:${acc.body.data.authToken}`;
    expectStatus(
      'credit top-up',
      await call(base, 'POST', '/campaignmanager/credits', op, { json: { enterpriseSid: ent.body.data.sid, credit: N, description: 'bench', idempotencyKey: `bench-${id}` } }),
      201,
    );

    const form = new FormData();
    form.append('name', 'api latency bench');
    form.append('body', 'Benchmark message');
    form.append('fromPrefix', '1');
    form.append(
      'toFile',
      // Numbers valid under their country's plan (the gateway drops any other line).
      linesBlob(N, (i) => testNumber(i).slice(1)),
      'to.csv',
    );
    const t0 = Date.now();
    const created = await call(base, 'POST', '/campaignmanager/campaigns', me, { form, timeoutMs: 60_000 + 2 * N });
    expectStatus('campaign upload', created, 201);
    const sid = created.body.data.sid as string;
    const view = async (at = base) => (await call(at, 'GET', `/campaignmanager/campaigns/search/${sid}`, me)).body.data;
    for (;;) {
      died();
      const v = await view();
      if (v.status === 'in-progress') break;
      if (v.status !== 'initiating' && v.status !== 'scheduled') throw new Error(`campaign ${sid} is ${v.status}: ${JSON.stringify(v)}`);
      if (Date.now() - t0 > 60_000 + 2 * N) throw new Error(`campaign ${sid} did not start in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`  campaign ${sid} in-progress after ${fmt((Date.now() - t0) / 1000, 1)} s`);

    const phase = async (label: string, at: string) => {
      const before = await view(at);
      const sentBefore = sim.submits().length;
      const r = await loadInChild({ base: at, auth: me, campaignSid: sid, clients, durationMs, thinkMs });
      const after = await view(at);
      const sentDuring = sim.submits().length - sentBefore;
      died();
      console.log(
        `  ${label.padEnd(14)} ${fmt(r.count)} requests (${fmt(r.gets)} GET, ${fmt(r.searches)} search), ${fmt(r.perSecond)}/s, errors ${r.errors}: ` +
          `p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms, max ${fmt(r.max, 1)} ms`,
      );
      console.log(
        `    GET of the campaign: p50 ${fmt(r.get.p50, 1)} ms, p99 ${fmt(r.get.p99, 1)} ms, max ${fmt(r.get.max, 1)} ms; search: p50 ${fmt(r.search.p50, 1)} ms, p99 ${fmt(r.search.p99, 1)} ms; the clients' own loop delay: p99 ${fmt(r.clientLoopDelay.p99, 1)} ms, max ${fmt(r.clientLoopDelay.max, 1)} ms`,
      );
      if (r.errors > 0) console.log(`    errors, e.g.: ${r.errorExamples.join(' | ')}`);
      console.log(
        `    dispatch meanwhile: ${fmt(sentDuring)} submits (${fmt(sentDuring / (durationMs / 1000))} msg/s); status ${before.status} → ${after.status}; counts ${JSON.stringify(after.counts)}`,
      );
      if (after.status !== 'in-progress') console.log(`    !! the campaign was no longer dispatching at the end of this phase: measure with more recipients`);
      return r;
    };
    /** Another gateway on the same stack, with `extra` in its environment; answers its base URL once it serves. */
    const secondGateway = async (label: string, extra: Record<string, string>) => {
      const port = await freePort();
      const gw = watch(label, stack.spawnProcess('gateway', { ...env, ...extra, PORT: String(port) }, { quiet: true }));
      procs.push(gw);
      await stack.waitForOutput(gw.child, 'gateway started');
      return `http://127.0.0.1:${port}`;
    };
    const fresh = await phase('read model', base);
    if (uncached) {
      // The same read model with its view cache off (GATEWAY_VIEW_CACHE_MS=0: every GET reads
      // Postgres), on a second gateway; the two take turns, so both see the same dispatch load.
      const uncachedBase = await secondGateway('gateway (uncached)', { GATEWAY_VIEW_CACHE_MS: '0' });
      const a = await phase('uncached', uncachedBase);
      const b = await phase('read model', base);
      const c = await phase('uncached', uncachedBase);
      console.log(`  p99 cached / uncached, interleaved: ${fmt(fresh.p99, 1)}, ${fmt(b.p99, 1)} / ${fmt(a.p99, 1)}, ${fmt(c.p99, 1)} ms`);
    }
    if (old) {
      // A second gateway on the former path: every read is a Kafka request-reply to campaign-svc.
      const former = await phase('request-reply', await secondGateway('gateway (request-reply)', { GATEWAY_CAMPAIGN_READS: 'request-reply' }));
      console.log(`  p99 read model / request-reply: ${fmt(fresh.p99, 1)} / ${fmt(former.p99, 1)} ms`);
    }
  } catch (err) {
    for (const p of procs.filter((x) => x.exited !== null || /error|BUG/i.test(x.tail))) console.error(`  --- last output of ${p.name}:\n${p.tail.replace(/^/gm, '    ')}`);
    throw err;
  } finally {
    await cleanup();
  }
}

if (process.argv[2] === '--load') {
  runLoad(JSON.parse(process.argv[3]) as LoadJob).then(
    (r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err instanceof Error ? `\nbenchmark failed: ${err.message}` : err);
      process.exit(1);
    },
  );
}
