/**
 * Throughput benchmark: one SMS campaign of BENCH_RECIPIENTS numbers through the whole system
 * (REST upload → Kafka → five services → SMPP simulator), BENCH_RUNS times per configuration on
 * fresh topics and a fresh database. The configurations run interleaved in one invocation, so
 * they are compared side by side on the same machine state; it prints each run and the medians.
 *
 *   npm run bench                     (50,000 recipients, 3 runs of each configuration)
 *   BENCH_RECIPIENTS=200000 BENCH_RUNS=5 npm run bench
 *   BENCH_CONFIGS='a:DISPATCH_WINDOW_SIZE=50;b:DISPATCH_WINDOW_SIZE=500' npm run bench
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { TOPIC_SPECS } from '@clarion/contracts';
import { SmscSimulator } from '../smsc-sim/src/smsc-simulator';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require(path.join(__dirname, '..', '..', '..', 'tools', 'stack', 'processes.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureKafka } = require(path.join(__dirname, '..', '..', '..', 'tools', 'stack', 'kafka.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensurePostgres, databaseUrl } = require(path.join(__dirname, '..', '..', '..', 'tools', 'stack', 'postgres.js'));

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OPERATOR = 'bench-operator';
/** label:VAR=value,VAR=value;label:… — the dispatch settings compared. */
const CONFIGS = (process.env.BENCH_CONFIGS ?? 'default:;window-1000:DISPATCH_WINDOW_SIZE=1000,DISPATCH_CLAIM_BATCH_SIZE=250,DISPATCH_BATCHES_IN_FLIGHT=4')
  .split(';')
  .filter(Boolean)
  .map((c) => {
    const [label, vars = ''] = c.split(':');
    return { label, env: Object.fromEntries(vars.split(',').filter(Boolean).map((kv) => kv.split('='))) as Record<string, string> };
  });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function call(base: string, method: string, p: string, auth: string, body?: unknown, form?: FormData) {
  const headers: Record<string, string> = { authorization: 'Basic ' + Buffer.from(auth).toString('base64') };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + p, { method, headers, body: form ?? (body === undefined ? undefined : JSON.stringify(body)) });
  return { status: res.status, body: (await res.json()) as any };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function oneRun(serverUrl: string, brokers: string, extraEnv: Record<string, string>) {
  const id = randomBytes(4).toString('hex');
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "clarion_bench_${id}"`);
  await admin.end();
  const prefix = `bench${id}.`;
  const kafka = new Kafka({ clientId: 'bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const ka = kafka.admin();
  await ka.connect();
  await ka.createTopics({ waitForLeaders: true, topics: TOPIC_SPECS.map((s) => ({ topic: prefix + s.name, numPartitions: s.partitions })) });
  await ka.disconnect();
  const sim = new SmscSimulator({ port: 0, systemId: 'clarion', password: 'clarion' });
  const { port: smscPort } = await sim.start();
  const port = await freePort();
  const env = {
    DATABASE_URL: databaseUrl(serverUrl, `clarion_bench_${id}`),
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    SMPP_URL: `smpp://clarion:clarion@127.0.0.1:${smscPort}`,
    SMPP_REFERENCE_QUERY: '1',
    CLARION_OPERATOR_TOKEN: OPERATOR,
    PORT: String(port),
    DISPATCH_TICK_MS: '100',
    ...extraEnv,
  };
  const children = stack.SERVICES.map((name: string) => stack.spawnProcess(name, env, { quiet: true }));
  try {
    await Promise.all(children.map((c: unknown, i: number) => stack.waitForOutput(c, `${stack.SERVICES[i]} started`)));
    const base = `http://127.0.0.1:${port}`;
    const op = `operator:${OPERATOR}`;
    const ent = (await call(base, 'POST', '/campaignmanager/enterprises', op, { name: 'bench' })).body.data.sid;
    const acc = (await call(base, 'POST', `/campaignmanager/enterprises/${ent}/accounts`, op, { email: 'bench@example.com' })).body.data;
    await call(base, 'POST', '/campaignmanager/credits', op, { enterpriseSid: ent, credit: RECIPIENTS, description: 'bench', idempotencyKey: `bench-${ent}` });
    const me = `${acc.sid}:${acc.authToken}`;
    const lines = Array.from({ length: RECIPIENTS }, (_, i) => `1${String(3_000_000_000 + i)}`);
    const form = new FormData();
    form.append('name', 'bench');
    form.append('body', 'Benchmark message');
    form.append('fromPrefix', '1');
    form.append('toFile', new Blob([lines.join('\n')]), 'to.csv');
    const t0 = Date.now();
    const created = await call(base, 'POST', '/campaignmanager/campaigns', me, undefined, form);
    if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
    const uploadMs = Date.now() - t0;
    const sid = created.body.data.sid;
    let scheduledMs = 0;
    for (;;) {
      const c = (await call(base, 'GET', `/campaignmanager/campaigns/search/${sid}`, me)).body.data;
      if (!scheduledMs && c.status !== 'initiating') scheduledMs = Date.now() - t0;
      if (c.status === 'completed') break;
      if (c.status === 'failed') throw new Error(`campaign failed: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const totalMs = Date.now() - t0;
    const times = sim.submits().map((s) => s.receivedAt);
    const sendSeconds = (Math.max(...times) - Math.min(...times)) / 1000;
    if (sim.countByNumber().size !== RECIPIENTS || sim.submits().length !== RECIPIENTS) throw new Error(`simulator got ${sim.submits().length} submits for ${sim.countByNumber().size} numbers`);
    return { uploadMs, scheduledMs, totalMs, perSecond: RECIPIENTS / sendSeconds };
  } finally {
    await Promise.all(children.map((c: unknown) => stack.stopProcess(c)));
    await sim.stop();
  }
}

async function main(): Promise<void> {
  const k = await ensureKafka({ log: () => undefined });
  const pg = await ensurePostgres({ log: () => undefined });
  console.log(`campaign throughput: ${RECIPIENTS} recipients, ${RUNS} runs of each of ${CONFIGS.map((c) => c.label).join(', ')}`);
  const runs = new Map<string, Awaited<ReturnType<typeof oneRun>>[]>(CONFIGS.map((c) => [c.label, []]));
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const c of CONFIGS) {
        const r = await oneRun(pg.serverUrl, k.brokers, c.env);
        runs.get(c.label)!.push(r);
        console.log(`${c.label} run ${i + 1}: upload→201 ${r.uploadMs} ms, →scheduled ${r.scheduledMs} ms, →completed ${r.totalMs} ms, sending ${Math.round(r.perSecond)} msg/s`);
      }
    }
  } finally {
    await k.stop();
    await pg.stop();
  }
  for (const c of CONFIGS) {
    const rs = runs.get(c.label)!;
    console.log(
      `median ${c.label.padEnd(12)} upload→201 ${median(rs.map((r) => r.uploadMs))} ms, →scheduled ${median(rs.map((r) => r.scheduledMs))} ms, →completed ${median(rs.map((r) => r.totalMs))} ms, sending ${Math.round(median(rs.map((r) => r.perSecond)))} msg/s`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
