/**
 * Campaign throughput benchmark: whole SMS campaigns through REST → Kafka → the five services →
 * SMPP → the bundled SMSC simulator, compared with a bare SMPP client against the same simulator.
 *
 * How to run it (starts Kafka and Postgres when none answers, as `npm start` does):
 *
 *   npm run bench                                        1,000,000 recipients, 3 runs
 *   npm run bench -- --recipients 20000 --runs 1         a quick check
 *   BENCH_RECIPIENTS=200000 BENCH_RUNS=5 npm run bench   the same through env (the flags win)
 *   BENCH_CONFIGS='a:DISPATCH_WINDOW_SIZE=300;b:DISPATCH_WINDOW_SIZE=1000,DISPATCH_CLAIM_BATCH_SIZE=250' npm run bench
 *   npm run bench -- --opt-out-list 1000000              with dispatch's send-time opt-out list of 1M numbers
 *
 * --opt-out-list N (or BENCH_OPT_OUT_LIST=N inside one configuration of BENCH_CONFIGS, so runs with
 * and without the list interleave) loads an N-number opt-out list into dispatch-svc before the
 * campaign: ConsentChanged records produced to consent.changes.v1 in batches (as dnd-svc publishes
 * them), waited for until dispatch-svc's opt_outs table holds them all. 1 % of the campaign's
 * recipients (i mod 100 = 5) are among them, so the claim's marking path runs; they pass the
 * creation's filtering (dnd-svc never heard of them) and are skipped at send time, which the run
 * checks (no submit) and reports.
 *
 * BENCH_CONFIGS is `label:VAR=value,VAR=value;label:…`: the env given to every service of that
 * configuration (default: one configuration, "window-1000": dispatch-svc with the bare client's window of
 * 1,000 submits in flight, claims of 250 × 4). Configurations run
 * interleaved (run 1 of each, then run 2 of each, …) so they are compared on the same machine state.
 *
 * Every run has its own database, its own topics (a fresh KAFKA_TOPIC_PREFIX), its own simulator
 * and its own five service processes; the database, topics and consumer groups are dropped at
 * the end of the run. A run:
 *   1. tops up N credits (with an idempotency key) and uploads an opt-out list of N numbers, of
 *      which N/10 are recipients (every tenth) and the rest other numbers, through
 *      POST /campaignmanager/dnd/optout (several files if N exceeds the per-upload limit);
 *   2. uploads a campaign of N distinct recipients (POST /campaignmanager/campaigns) and polls it
 *      until `completed` (the run gives up after 60 s + 2 ms per recipient, BENCH_TIMEOUT_MS overrides);
 *   3. checks that the simulator got exactly one submit per recipient not opted out and none for
 *      the opted-out ones (the run fails otherwise);
 *   4. stops the services, prints the dispatch schema's tables (rows, dead rows, size), resets the
 *      simulator and times a bare SMPP client (tools/bench/bare-smpp-client.ts: the `smpp`
 *      package alone, window of 1,000 submit_sm, a receipt asked for and answered for every one)
 *      sending as many messages as the campaign did (at most 200,000) to the same simulator.
 *
 * It prints per run:
 *   opt-out      the opt-out upload's time
 *   intake       upload start → 201, in ms and recipients/s; upload start → no longer `initiating`
 *   dispatch     msg/s from the first to the last submit the simulator received
 *   first/last   msg/s of the first 10 % and of the last 10 % of submits (by arrival), and last/first
 *   end to end   upload start → `completed`, and when the first and the last submit arrived
 *   peak RSS     of each service process: the highest VmRSS sampled every 500 ms (and the
 *                kernel's VmHWM high-water mark as a cross-check)
 *   bare SMPP    the bare client's submits/s (first submit_sm → last submit_sm_resp) and Clarion's
 *                dispatch rate as a fraction of it
 *   correctness  submits per recipient, opted-out recipients reached
 *   dispatch schema  rows, dead rows and total relation size of each table (is anything growing?)
 * and at the end the median of every figure per configuration, and the drift: the third run's
 * dispatch rate relative to the first of the same configuration.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { LIMITS, TOPIC, TOPIC_SPECS, message } from '@clarion/contracts';
import { wireValue } from '@clarion/platform';
import { SmscSimulator } from '../smsc-sim/src/smsc-simulator';
import { testNumber, testNumberIndex } from './numbers';

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
const BODY = 'Benchmark message';
const BARE_WINDOW = 1000;
const BARE_SUBMITS_MAX = 200_000;
const RSS_SAMPLE_MS = 500;
const POLL_MS = 100;
/** Recipient i is testNumber(i, RECIPIENTS_BLOCK); opt-out line j that is no recipient is testNumber(j, OTHERS_BLOCK). */
const RECIPIENTS_BLOCK = 0;
const OTHERS_BLOCK = 1;
/** The send-time opt-out list's numbers that are no recipient: testNumber(j, SEND_TIME_BLOCK). */
const SEND_TIME_BLOCK = 2;
/** ConsentChanged records per produce request (about 400 bytes each: a request stays under the broker's 1 MB), and requests in flight. */
const CONSENT_BATCH = 1000;
const CONSENT_SENDS_IN_FLIGHT = 16;

// ---------------------------------------------------------------------------------------------
// Arguments

function usage(): never {
  console.error('usage: npm run bench -- [--recipients N] [--runs K] [--opt-out-list L]   (env: BENCH_RECIPIENTS, BENCH_RUNS, BENCH_CONFIGS, BENCH_TIMEOUT_MS, BENCH_OPT_OUT_LIST)');
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
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') usage();
    const m = /^--(recipients|runs|opt-out-list)(?:=(.*))?$/.exec(a);
    if (!m) {
      console.error(`unknown argument "${a}"`);
      usage();
    }
    flags[m[1]] = m[2] ?? argv[++i];
  }
  const recipients = parseCount('--recipients', flags.recipients ?? process.env.BENCH_RECIPIENTS, 1_000_000);
  const runs = parseCount('--runs', flags.runs ?? process.env.BENCH_RUNS, 3);
  const optOutListRaw = flags['opt-out-list'] ?? process.env.BENCH_OPT_OUT_LIST;
  const optOutList = optOutListRaw === undefined || optOutListRaw === '0' ? 0 : parseCount('--opt-out-list', optOutListRaw, 0);
  if (recipients < 10) {
    console.error('--recipients must be at least 10 (a tenth of them opt out)');
    usage();
  }
  if (recipients > LIMITS.recipientsPerCampaignMax) {
    console.error(`--recipients is at most ${LIMITS.recipientsPerCampaignMax.toLocaleString('en-US')} (LIMITS.recipientsPerCampaignMax): the gateway refuses a larger campaign`);
    usage();
  }
  // The default gives dispatch-svc the same window as the bare client it is compared with.
  const configs = (process.env.BENCH_CONFIGS || `window-${BARE_WINDOW}:DISPATCH_WINDOW_SIZE=${BARE_WINDOW},DISPATCH_CLAIM_BATCH_SIZE=250,DISPATCH_BATCHES_IN_FLIGHT=4`)
    .split(';')
    .filter(Boolean)
    .map((c) => {
      const colon = c.indexOf(':');
      const label = (colon < 0 ? c : c.slice(0, colon)).trim();
      const vars = colon < 0 ? '' : c.slice(colon + 1);
      const env: Record<string, string> = {};
      for (const kv of vars.split(',').filter(Boolean)) {
        const eq = kv.indexOf('=');
        if (eq < 1) throw new Error(`BENCH_CONFIGS: "${kv}" in "${c}" is not VAR=value`);
        env[kv.slice(0, eq).trim()] = kv.slice(eq + 1);
      }
      // BENCH_OPT_OUT_LIST inside a configuration is the bench's, not the services': that configuration's list size.
      const list = env.BENCH_OPT_OUT_LIST;
      delete env.BENCH_OPT_OUT_LIST;
      return { label, env, optOutList: list === undefined ? optOutList : list === '0' ? 0 : parseCount('BENCH_OPT_OUT_LIST', list, 0) };
    });
  const timeoutMs = process.env.BENCH_TIMEOUT_MS ? parseCount('BENCH_TIMEOUT_MS', process.env.BENCH_TIMEOUT_MS, 0) : 60_000 + 2 * recipients;
  return { recipients, runs, configs, timeoutMs };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const ms = (n: number) => `${fmt(n)} ms`;
const secs = (n: number) => `${fmt(n / 1000, 1)} s`;
const mib = (kb: number) => (Number.isFinite(kb) ? `${fmt(kb / 1024)} MiB` : 'n/a');
const bytes = (b: number) => (b >= 1024 * 1024 ? `${fmt(b / 1024 / 1024, 1)} MiB` : `${fmt(b / 1024)} KiB`);

function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

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
  const res = await fetch(base + p, {
    method,
    headers,
    body: opts.form ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json)),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
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
function linesBlob(count: number, line: (i: number) => string, from = 0): Blob {
  const chunks: string[] = [];
  const CHUNK = 10_000;
  for (let start = from; start < from + count; start += CHUNK) {
    const end = Math.min(start + CHUNK, from + count);
    let s = '';
    for (let i = start; i < end; i++) s += line(i) + '\n';
    chunks.push(s);
  }
  return new Blob(chunks, { type: 'text/plain' });
}

/** A rate over a span of arrival times (ms): intervals per second between the first and the last. */
function rateOf(times: number[], from: number, to: number): number {
  const n = to - from;
  if (n < 2) return NaN;
  const span = (times[to - 1] - times[from]) / 1000;
  return span > 0 ? (n - 1) / span : NaN;
}

function procStatusKb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (!pid) return NaN;
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN; // not Linux, or the process is gone
  }
}

/**
 * Samples VmRSS of each child every 500 ms. processes.js spawns `node -r register.js main.js`
 * directly (no shell, no wrapper), so child.pid is the service's own node process.
 */
class RssSampler {
  readonly peakKb = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly procs: { name: string; pid?: number }[]) {
    for (const p of procs) this.peakKb.set(p.name, NaN);
    this.sample();
    this.timer = setInterval(() => this.sample(), RSS_SAMPLE_MS);
    this.timer.unref();
  }

  private sample(): void {
    for (const p of this.procs) {
      const kb = procStatusKb(p.pid, 'VmRSS');
      const prev = this.peakKb.get(p.name)!;
      if (Number.isFinite(kb) && !(kb <= prev)) this.peakKb.set(p.name, kb);
    }
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
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

async function runBareClient(job: Record<string, unknown>, timeoutMs: number) {
  const child = spawn(process.execPath, [path.join(__dirname, 'bare-smpp-client.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-3000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  child.stdin.end(JSON.stringify(job));
  const code = await new Promise<number | string>((resolve) => child.once('exit', (c, s) => resolve(s ?? c ?? -1)));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`bare SMPP client exited (${code}${code === 'SIGKILL' ? `, killed after ${timeoutMs} ms` : ''}):\n${err}`);
  return JSON.parse(out.trim().split('\n').pop()!) as {
    submits: number;
    accepted: number;
    rejected: number;
    seconds: number;
    perSecond: number;
    receipts: number;
    receiptsStale: number;
    firstSubmitAt: number;
    lastResponseAt: number;
    lastReceiptAt: number;
  };
}

// ---------------------------------------------------------------------------------------------
// One run

interface TableStat {
  table: string;
  live: number;
  dead: number;
  rows: number;
  bytes: number;
}

interface RunResult {
  optOutMs: number;
  /** Loading the send-time opt-out list into dispatch-svc (0 without --opt-out-list). */
  sendTimeListMs: number;
  skippedAtSend: number;
  intakeMs: number;
  intakePerSecond: number;
  scheduledMs: number;
  dispatchPerSecond: number;
  first10PerSecond: number;
  last10PerSecond: number;
  lastOverFirst: number;
  endToEndMs: number;
  peakRssKb: Record<string, number>;
  bareSimPerSecond: number;
  barePerSecond: number;
  fractionOfBare: number;
}

type Cleanup = () => Promise<void>;
let currentCleanup: Cleanup | null = null;

async function oneRun(
  label: string,
  runNo: number,
  opts: { serverUrl: string; brokers: string; recipients: number; timeoutMs: number; env: Record<string, string>; optOutList: number },
): Promise<RunResult> {
  const N = opts.recipients;
  const optedOutRecipients = Math.floor(N / 10); // recipients 0, 10, 20, … below 10 × this
  const L = opts.optOutList;
  // The send-time list holds recipients 5, 105, 205, … (1 % of them), as many as it has room for, and other numbers.
  const listedRecipients = L > 0 ? Math.min(L, Math.floor((N + 94) / 100)) : 0;
  const isListed = (i: number) => i % 100 === 5 && (i - 5) / 100 < listedRecipients;
  const kept = N - optedOutRecipients - listedRecipients;
  const onUploadedList = (i: number) => i % 10 === 0 && i < optedOutRecipients * 10;
  // Not to be sent to: filtered out at creation, or skipped at send time.
  const isOptedOut = (i: number) => onUploadedList(i) || isListed(i);
  // Written without '+', as seed 000 writes numbers.
  const recipient = (i: number) => testNumber(i, RECIPIENTS_BLOCK).slice(1);
  const optOutLine = (j: number) => (onUploadedList(j) ? recipient(j) : testNumber(j, OTHERS_BLOCK).slice(1));

  const id = randomBytes(4).toString('hex');
  const dbName = `clarion_bench_${id}`;
  const prefix = `bench${id}.`;
  const kafka = new Kafka({ clientId: 'bench', brokers: opts.brokers.split(','), logLevel: logLevel.NOTHING });
  const sim = new SmscSimulator({ port: 0, systemId: SMPP_USER, password: SMPP_PASSWORD });
  let procs: ServiceProc[] = [];
  let sampler: RssSampler | null = null;
  let dbCreated = false;
  let topicsCreated = false;
  let simStarted = false;
  let servicesStopped = false;

  const stopServices = async () => {
    servicesStopped = true;
    sampler?.stop();
    await Promise.all(procs.map((p) => stack.stopProcess(p.child)));
  };
  const cleanup: Cleanup = async () => {
    await stopServices().catch((e) => console.error(`  could not stop the services: ${e.message}`));
    if (simStarted) await sim.stop().catch(() => undefined);
    if (dbCreated) {
      const admin = new Client({ connectionString: opts.serverUrl });
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
  };
  currentCleanup = cleanup;

  const log = (s: string) => console.log(`  ${s}`);
  console.log(`${label} run ${runNo}: ${fmt(N)} recipients, ${fmt(optedOutRecipients)} of them opted out → ${fmt(kept)} to send (database ${dbName}, topics ${prefix}*)`);
  try {
    // --- the stack of this run
    const admin = new Client({ connectionString: opts.serverUrl });
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
    const env = {
      DATABASE_URL: databaseUrl(opts.serverUrl, dbName),
      KAFKA_BROKERS: opts.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      SMPP_URL: `smpp://${SMPP_USER}:${SMPP_PASSWORD}@127.0.0.1:${smscPort}`,
      SMPP_REFERENCE_QUERY: '1',
      CLARION_OPERATOR_TOKEN: OPERATOR,
      PORT: String(port),
      DISPATCH_TICK_MS: '100',
      ...opts.env,
    };
    procs = stack.SERVICES.map((name: string) => watch(name, stack.spawnProcess(name, env, { quiet: true })));
    sampler = new RssSampler(procs.map((p) => ({ name: p.name, pid: p.child.pid })));
    await Promise.all(procs.map((p) => stack.waitForOutput(p.child, `${p.name} started`)));
    const died = () => {
      const p = procs.find((x) => x.exited !== null);
      if (p) throw new Error(`${p.name} exited (${p.exited}) during the run; its last output:\n${p.tail}`);
    };

    // --- enterprise, account, credits
    const base = `http://127.0.0.1:${port}`;
    const op = `operator:${OPERATOR}`;
    const ent = await call(base, 'POST', '/campaignmanager/enterprises', op, { json: { name: 'bench' } });
    expectStatus('create enterprise', ent, 201);
    const entSid = ent.body.data.sid;
    const acc = await call(base, 'POST', `/campaignmanager/enterprises/${entSid}/accounts`, op, { json: { email: 'bench@example.com' } });
    expectStatus('create account', acc, 201);
    const me = `${acc.body.data.sid}:${acc.body.data.authToken}`;
    const topUp = await call(base, 'POST', '/campaignmanager/credits', op, { json: { enterpriseSid: entSid, credit: N, description: 'bench', idempotencyKey: `bench-${id}-${entSid}` } });
    expectStatus('credit top-up', topUp, 201);

    // --- the opt-out list: N numbers, every tenth recipient among them
    const perUpload = LIMITS.optOutNumbersPerUploadMax;
    const tOpt = Date.now();
    let files = 0;
    for (let from = 0; from < N; from += perUpload) {
      const count = Math.min(perUpload, N - from);
      const form = new FormData();
      form.append('file', linesBlob(count, optOutLine, from), `optout-${files}.txt`);
      const r = await call(base, 'POST', '/campaignmanager/dnd/optout', me, { form, timeoutMs: opts.timeoutMs });
      expectStatus(`opt-out upload ${files + 1}`, r, 200);
      if (r.body.data?.numbers !== count) throw new Error(`opt-out upload ${files + 1}: the gateway took ${r.body.data?.numbers} numbers of ${count}: ${JSON.stringify(r.body)}`);
      files++;
    }
    const optOutMs = Date.now() - tOpt;
    log(`opt-out       ${fmt(N)} numbers in ${files} file${files > 1 ? 's' : ''}: ${ms(optOutMs)}`);
    died();

    /**
     * Waits until every reader of consent.changes.v1 has taken in the enterprise's `total` opt-outs
     * (dispatch-svc's copy, and the gateway's consent record), then vacuums, analyses and checkpoints
     * those tables, as a list built over days would be: every configuration's campaign then starts
     * on a settled database, and what runs compare is the send path, not the list still loading.
     */
    const settle = async (total: number, since: number) => {
      const db = new Client({ connectionString: databaseUrl(opts.serverUrl, dbName) });
      await db.connect();
      try {
        for (const [who, count] of [
          ['dispatch-svc', 'SELECT count(*)::int AS n FROM dispatch.opt_outs WHERE enterprise_sid = $1'],
          ['the gateway', 'SELECT count(*)::int AS n FROM gateway.consent_changes WHERE enterprise_sid = $1'],
        ] as const) {
          for (;;) {
            died();
            const { rows } = await db.query(count, [entSid]);
            if (rows[0].n >= total) break;
            if (Date.now() - since > opts.timeoutMs) throw new Error(`${who} holds ${fmt(rows[0].n)} of the ${fmt(total)} opt-outs after ${secs(opts.timeoutMs)}`);
            await new Promise((r) => setTimeout(r, 500));
          }
        }
        await db.query('VACUUM (ANALYZE) dispatch.opt_outs');
        await db.query('VACUUM (ANALYZE) gateway.consent_changes');
        // Loading the list leaves dirty pages that Postgres would otherwise write out during the
        // campaign, slowing every statement alike.
        await db.query('CHECKPOINT').catch((err: Error) => log(`(no CHECKPOINT: ${err.message})`));
      } finally {
        await db.end();
      }
    };

    // --- the send-time opt-out list: L numbers straight onto consent.changes.v1, until dispatch-svc holds them all
    let sendTimeListMs = 0;
    if (L > 0) {
      const tList = Date.now();
      const listNumber = (j: number) => (j < listedRecipients ? testNumber(j * 100 + 5, RECIPIENTS_BLOCK) : testNumber(j, SEND_TIME_BLOCK));
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        const at = new Date().toISOString();
        const batchOf = (from: number) =>
          Array.from({ length: Math.min(CONSENT_BATCH, L - from) }, (_, k) => ({
            key: entSid,
            value: wireValue(
              TOPIC.consentChanges,
              message('ConsentChanged', {
                enterpriseSid: entSid,
                phoneNumber: listNumber(from + k),
                consent: 'opted-out',
                optInList: null,
                source: 'upload',
                campaignSid: null,
                uploadId: `bench-${id}`,
                text: null,
                at,
              }),
            ),
          }));
        for (let from = 0; from < L; from += CONSENT_BATCH * CONSENT_SENDS_IN_FLIGHT) {
          const sends = [];
          for (let b = from; b < Math.min(L, from + CONSENT_BATCH * CONSENT_SENDS_IN_FLIGHT); b += CONSENT_BATCH)
            sends.push(producer.send({ topic: prefix + TOPIC.consentChanges, acks: -1, messages: batchOf(b) }));
          await Promise.all(sends);
        }
      } finally {
        await producer.disconnect();
      }
      const producedMs = Date.now() - tList;
      await settle(N + L, tList);
      sendTimeListMs = Date.now() - tList;
      log(`send-time list ${fmt(L)} numbers (${fmt(listedRecipients)} of them recipients) produced in ${ms(producedMs)}, all in dispatch-svc and the gateway and settled after ${ms(sendTimeListMs)}`);
    } else await settle(N, Date.now());

    // --- the campaign
    const form = new FormData();
    form.append('name', 'bench');
    form.append('body', BODY);
    form.append('fromPrefix', '1');
    form.append('toFile', linesBlob(N, recipient), 'to.csv');
    const t0 = Date.now();
    const deadline = t0 + opts.timeoutMs;
    const created = await call(base, 'POST', '/campaignmanager/campaigns', me, { form, timeoutMs: opts.timeoutMs }).catch((e: Error) => {
      throw new Error(`campaign upload: ${e.name === 'TimeoutError' ? `no answer within ${ms(opts.timeoutMs)}` : e.message}`);
    });
    const intakeMs = Date.now() - t0;
    expectStatus('campaign upload', created, 201);
    const sid = created.body.data.sid;
    let scheduledMs = NaN;
    const seen: string[] = [];
    let view: any;
    for (;;) {
      died();
      const r = await call(base, 'GET', `/campaignmanager/campaigns/search/${sid}`, me);
      expectStatus('campaign status', r, 200);
      view = r.body.data;
      const now = Date.now();
      if (seen[seen.length - 1]?.split(' ')[0] !== view.status) seen.push(`${view.status} ${secs(now - t0)}`);
      if (Number.isNaN(scheduledMs) && view.status !== 'initiating') scheduledMs = now - t0;
      if (view.status === 'completed') break;
      if (view.status === 'failed' || view.status === 'cancelled') throw new Error(`campaign ${sid} ${view.status}: ${JSON.stringify(view)}`);
      if (now > deadline) {
        throw new Error(
          `campaign ${sid} not completed within ${secs(opts.timeoutMs)} (60 s + 2 ms per recipient; BENCH_TIMEOUT_MS overrides): ` +
            `status ${view.status}, simulator got ${fmt(sim.submits().length)} of ${fmt(kept)} submits; statuses seen: ${seen.join(', ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const endToEndMs = Date.now() - t0;
    let skippedAtSend = 0;
    if (L > 0) {
      const db = new Client({ connectionString: databaseUrl(opts.serverUrl, dbName) });
      await db.connect();
      try {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM dispatch.sends WHERE campaign_sid = $1 AND state = 'opted-out' AND seq >= 0`, [sid]);
        skippedAtSend = rows[0].n;
      } finally {
        await db.end();
      }
      log(`send-time     ${fmt(skippedAtSend)} recipients skipped at send time (opted-out), of ${fmt(listedRecipients)} on the list; campaign counts ${JSON.stringify(view.counts)}`);
      if (skippedAtSend !== listedRecipients) throw new Error(`CORRECTNESS FAILED: ${skippedAtSend} sends skipped at send time, ${listedRecipients} expected`);
    }

    // --- what the simulator saw (copied: reset() empties the array submits() returns)
    const submits = sim.submits();
    const times = submits.map((s) => s.receivedAt).sort((a, b) => a - b);
    const simStats = sim.stats();
    const total = times.length;
    const tenth = Math.max(2, Math.floor(total / 10));
    const dispatchPerSecond = rateOf(times, 0, total);
    const first10PerSecond = rateOf(times, 0, tenth);
    const last10PerSecond = rateOf(times, total - tenth, total);

    // --- correctness: one submit per kept recipient, none to an opted-out one
    const counts = new Uint8Array(N);
    let unknown = 0;
    const unknownExamples: string[] = [];
    for (const s of submits) {
      const i = testNumberIndex(s.to, RECIPIENTS_BLOCK);
      if (i >= 0 && i < N) counts[i] = Math.min(255, counts[i] + 1);
      else if (unknown++ < 5) unknownExamples.push(s.to);
    }
    let toOptedOut = 0;
    let duplicated = 0;
    let missing = 0;
    const examples: string[] = [];
    for (let i = 0; i < N; i++) {
      const c = counts[i];
      if (isOptedOut(i)) {
        if (c > 0 && toOptedOut++ < 5) examples.push(`opted-out +${recipient(i)} got ${c}`);
      } else if (c === 0) {
        if (missing++ < 5) examples.push(`+${recipient(i)} got none`);
      } else if (c > 1 && duplicated++ < 5) examples.push(`+${recipient(i)} got ${c}`);
    }
    const violations = toOptedOut + duplicated + missing + unknown;

    const bareCount = Math.min(total, BARE_SUBMITS_MAX);
    const bareNumbers = submits.slice(0, bareCount).map((s) => s.to);
    const from = submits[0]?.from ?? '1';

    log(`intake        upload→201 ${ms(intakeMs)} (${fmt((N / intakeMs) * 1000)} recipients/s), →scheduled ${ms(scheduledMs)}`);
    log(`dispatch      ${fmt(dispatchPerSecond)} msg/s (${fmt(total)} submits from the first to the last in ${secs(times[total - 1] - times[0])})`);
    log(`first/last    first 10 % ${fmt(first10PerSecond)} msg/s, last 10 % ${fmt(last10PerSecond)} msg/s, last/first ${fmt(last10PerSecond / first10PerSecond, 2)}`);
    log(`end to end    upload→completed ${secs(endToEndMs)}  (statuses: ${seen.join(', ')}; first submit ${secs(times[0] - t0)}, last ${secs(times[total - 1] - t0)})`);
    log(
      `campaign      recipients ${JSON.stringify(view.recipients)}, total ${view.total}; simulator sent ${fmt(simStats.receiptsSent)} receipts` +
        (simStats.receiptsQueued ? `, ${fmt(simStats.receiptsQueued)} still queued` : ''),
    );

    // --- peak RSS (the kernel's high-water mark must be read before the process exits)
    const hwm = Object.fromEntries(procs.map((p) => [p.name, procStatusKb(p.child.pid, 'VmHWM')]));
    await stopServices();
    const peakRssKb = Object.fromEntries(sampler.peakKb);
    log(`peak RSS      ${procs.map((p) => `${p.name} ${mib(peakRssKb[p.name])}`).join(', ')}`);
    log(`  (VmHWM)     ${procs.map((p) => `${p.name} ${mib(hwm[p.name])}`).join(', ')}; bench process (simulator) ${mib(process.memoryUsage().rss / 1024)} now`);

    if (violations > 0) {
      throw new Error(
        `CORRECTNESS FAILED in ${label} run ${runNo}: ${fmt(total)} submits for ${fmt(kept)} recipients not opted out: ` +
          `${missing} recipients got none, ${duplicated} got more than one, ${toOptedOut} opted-out recipients got one, ${unknown} submits to numbers not in the campaign` +
          ` (${[...examples, ...unknownExamples.map((u) => `unknown ${u}`)].join('; ')})`,
      );
    }
    log(`correctness   ok: exactly one submit to each of the ${fmt(kept)} recipients not opted out, none to the ${fmt(optedOutRecipients + listedRecipients)} opted out`);

    // --- the dispatch schema of this run, before it is dropped (after the services stopped, so their statistics are flushed)
    const db = new Client({ connectionString: databaseUrl(opts.serverUrl, dbName) });
    await db.connect();
    let tables: TableStat[] = [];
    let dbBytes = 0;
    try {
      const { rows } = await db.query(`SELECT relname, n_live_tup, n_dead_tup, pg_total_relation_size(relid) AS bytes FROM pg_stat_user_tables WHERE schemaname = 'dispatch' ORDER BY relname`);
      for (const r of rows) {
        const c = await db.query(`SELECT count(*)::bigint AS n FROM dispatch."${r.relname}"`);
        tables.push({ table: r.relname, live: Number(r.n_live_tup), dead: Number(r.n_dead_tup), rows: Number(c.rows[0].n), bytes: Number(r.bytes) });
      }
      dbBytes = Number((await db.query(`SELECT pg_database_size(current_database()) AS b`)).rows[0].b);
    } finally {
      await db.end();
    }
    tables = tables.sort((a, b) => b.bytes - a.bytes);
    const w = Math.max(5, ...tables.map((t) => t.table.length));
    log(`dispatch schema (database ${bytes(dbBytes)} in all):`);
    log(`  ${'table'.padEnd(w)}  ${'n_live_tup'.padStart(11)}  ${'n_dead_tup'.padStart(11)}  ${'count(*)'.padStart(11)}  ${'total size'.padStart(11)}`);
    for (const t of tables) log(`  ${t.table.padEnd(w)}  ${fmt(t.live).padStart(11)}  ${fmt(t.dead).padStart(11)}  ${fmt(t.rows).padStart(11)}  ${bytes(t.bytes).padStart(11)}`);

    // --- the bare SMPP client against the same simulator, counts reset, Clarion's services stopped
    sim.reset();
    const bare = await runBareClient(
      { host: '127.0.0.1', port: smscPort, systemId: SMPP_USER, password: SMPP_PASSWORD, from, text: BODY, numbers: bareNumbers, window: BARE_WINDOW, receiptWaitMs: 30_000 },
      120_000 + bareCount,
    );
    const bareTimes = sim.submits().map((s) => s.receivedAt);
    const bareSimPerSecond = rateOf(bareTimes, 0, bareTimes.length);
    if (bare.rejected > 0 || sim.submits().length !== bareCount) {
      log(`!! bare client: ${bare.rejected} submits rejected, the simulator recorded ${sim.submits().length} of ${bareCount}`);
    }
    const fractionOfBare = dispatchPerSecond / bare.perSecond;
    log(
      `bare SMPP     ${fmt(bare.submits)} submits, window ${BARE_WINDOW}: ${fmt(bare.perSecond)} submits/s (first submit_sm → last resp, ${secs(bare.seconds * 1000)}; ` +
        `${fmt(bareSimPerSecond)} msg/s as the simulator saw them), receipts ${fmt(bare.receipts)}/${fmt(bare.accepted)}` +
        (bare.receiptsStale ? ` (+${bare.receiptsStale} stale)` : ''),
    );
    log(`vs bare       Clarion dispatches at ${fmt(fractionOfBare, 2)} of the bare client's rate`);
    return {
      optOutMs,
      sendTimeListMs,
      skippedAtSend,
      intakeMs,
      intakePerSecond: (N / intakeMs) * 1000,
      scheduledMs,
      dispatchPerSecond,
      first10PerSecond,
      last10PerSecond,
      lastOverFirst: last10PerSecond / first10PerSecond,
      endToEndMs,
      peakRssKb,
      bareSimPerSecond,
      barePerSecond: bare.perSecond,
      fractionOfBare,
    };
  } catch (err) {
    // A service that died, or (when none did) those whose recent output mentions an error or a bug.
    const dead = servicesStopped ? [] : procs.filter((p) => p.exited !== null);
    const tails = dead.length > 0 ? dead : procs.filter((p) => /error|BUG/i.test(p.tail));
    for (const p of tails) console.error(`  --- last output of ${p.name}${dead.includes(p) ? ` (exited ${p.exited})` : ''}:\n${p.tail.replace(/^/gm, '    ')}`);
    throw err;
  } finally {
    await cleanup();
    currentCleanup = null;
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { recipients, runs, configs, timeoutMs } = parseArgs(process.argv.slice(2));
  const k = await ensureKafka({ log: () => undefined });
  const pg = await ensurePostgres({ log: () => undefined });
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up the current run`);
    void (currentCleanup ?? (async () => undefined))()
      .finally(() => Promise.all([k.stop(), pg.stop()]))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log(
    `campaign throughput: ${fmt(recipients)} recipients (opt-out list of ${fmt(recipients)}, ${fmt(Math.floor(recipients / 10))} of them recipients), ` +
      `${runs} run${runs > 1 ? 's' : ''} of ${configs
        .map(
          (c) =>
            `${c.label}${c.optOutList > 0 ? ` [send-time opt-out list ${fmt(c.optOutList)}]` : ''}${
              Object.keys(c.env).length
                ? ` (${Object.entries(c.env)
                    .map(([a, b]) => `${a}=${b}`)
                    .join(' ')})`
                : ''
            }`,
        )
        .join(', ')}; ` +
      `a run gives up after ${secs(timeoutMs)}`,
  );
  const results = new Map<string, RunResult[]>(configs.map((c) => [c.label, []]));
  try {
    for (let i = 0; i < runs; i++) {
      for (const c of configs) {
        results.get(c.label)!.push(await oneRun(c.label, i + 1, { serverUrl: pg.serverUrl, brokers: k.brokers, recipients, timeoutMs, env: c.env, optOutList: c.optOutList }));
      }
    }
  } finally {
    await k.stop();
    await pg.stop();
  }
  console.log('');
  for (const c of configs) {
    const rs = results.get(c.label)!;
    const m = (f: (r: RunResult) => number) => median(rs.map(f));
    console.log(`median of ${rs.length} run${rs.length > 1 ? 's' : ''} of ${c.label}:`);
    console.log(`  opt-out       ${ms(m((r) => r.optOutMs))}`);
    if (c.optOutList > 0) console.log(`  send-time     list of ${fmt(c.optOutList)} loaded in ${ms(m((r) => r.sendTimeListMs))}; ${fmt(m((r) => r.skippedAtSend))} recipients skipped at send time`);
    console.log(`  intake        upload→201 ${ms(m((r) => r.intakeMs))} (${fmt(m((r) => r.intakePerSecond))} recipients/s), →scheduled ${ms(m((r) => r.scheduledMs))}`);
    console.log(`  dispatch      ${fmt(m((r) => r.dispatchPerSecond))} msg/s`);
    console.log(
      `  first/last    first 10 % ${fmt(m((r) => r.first10PerSecond))} msg/s, last 10 % ${fmt(m((r) => r.last10PerSecond))} msg/s, last/first ${fmt(
        m((r) => r.lastOverFirst),
        2,
      )}`,
    );
    console.log(`  end to end    ${secs(m((r) => r.endToEndMs))}`);
    console.log(`  peak RSS      ${stack.SERVICES.map((s: string) => `${s} ${mib(m((r) => r.peakRssKb[s]))}`).join(', ')}`);
    console.log(
      `  bare SMPP     ${fmt(m((r) => r.barePerSecond))} submits/s (${fmt(m((r) => r.bareSimPerSecond))} msg/s as the simulator saw them); Clarion at ${fmt(
        m((r) => r.fractionOfBare),
        2,
      )} of it`,
    );
    if (rs.length >= 3) console.log(`  drift         run 3 dispatch / run 1: ${fmt(rs[2].dispatchPerSecond / rs[0].dispatchPerSecond, 2)}`);
    else if (rs.length === 2) console.log(`  drift         run 2 dispatch / run 1: ${fmt(rs[1].dispatchPerSecond / rs[0].dispatchPerSecond, 2)} (fewer than 3 runs)`);
    else console.log(`  drift         n/a (one run; needs --runs 3)`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? `\nbenchmark failed: ${err.message}` : err);
    process.exit(1);
  },
);
