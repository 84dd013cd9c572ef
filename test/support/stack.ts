/* Test harness: a whole Clarion (five services and an SMSC simulator) on the real broker and database. */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { TOPIC, TOPIC_SPECS } from '@clarion/contracts';
import { SmscSimulator } from '../../tools/smsc-sim/src/smsc-simulator';
import { VoiceSimulator, type VoiceSimulatorOptions } from '../../tools/voice-sim/src/voice-simulator';
import { FaultProxy } from './fault-proxy';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVICES } = require('../../tools/stack/processes');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Supervised } = require('../../tools/stack/supervisor');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { databaseUrl } = require('../../tools/stack/postgres');

export const OPERATOR_TOKEN = 'test-operator-token';
export type ServiceName = 'credit-svc' | 'dnd-svc' | 'campaign-svc' | 'dispatch-svc' | 'gateway';

export interface Stack {
  url: string;
  env: Record<string, string>;
  smsc: SmscSimulator;
  /** With `voice`: the voice carrier simulator dispatch-svc places calls with (else no voice carrier is configured). */
  voice: VoiceSimulator | null;
  prefix: string;
  databaseUrl: string;
  kafka: Kafka;
  /** With `pgProxy: true`: the proxy every service reaches Postgres through. */
  pgProxy: FaultProxy | null;
  /** With `smppProxy: true`: the proxy dispatch-svc reaches the SMSC through. */
  smppProxy: FaultProxy | null;
  /** Signals instance 0 of a service; its supervisor starts it again, as `npm start` does. */
  kill(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Resolves once the supervisor's next start of the service is ready. */
  waitForRestart(name: ServiceName, instance?: number): Promise<void>;
  /** How often the supervisor restarted the service. */
  restarts(name: ServiceName, instance?: number): number;
  /** The process id of a running service instance (for RSS readings and signals). */
  pid(name: ServiceName, instance?: number): number | undefined;
  /** Starts a (supervised) service; a second instance of one already running joins its consumer group. */
  start(name: ServiceName, instance?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A fresh database and topic prefix for one test file. */
export async function freshNamespace(): Promise<{ prefix: string; databaseUrl: string; kafka: Kafka }> {
  // The run id lets the global teardown drop everything this run created, even after a failed test.
  const run = process.env.CLARION_TEST_RUN_ID ?? 'adhoc';
  const id = randomBytes(4).toString('hex');
  const server = process.env.CLARION_TEST_PG_SERVER ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `clarion_t_${run}_${id}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const prefix = `t${run}_${id}.`;
  const kafka = new Kafka({ clientId: 'test', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.ERROR });
  const a = kafka.admin();
  await a.connect();
  await a.createTopics({ waitForLeaders: true, topics: TOPIC_SPECS.map((s) => ({ topic: prefix + s.name, numPartitions: s.partitions, replicationFactor: 1 })) });
  await a.disconnect();
  return { prefix, databaseUrl: databaseUrl(server, dbName), kafka };
}

/** The voice simulator's account in test stacks. */
export const VOICE_ACCOUNT = { accountSid: 'ACtest', authToken: 'test-voice-auth-token' };

export async function startStack(
  options: { smsc?: ConstructorParameters<typeof SmscSimulator>[0]; env?: Record<string, string>; pgProxy?: boolean; smppProxy?: boolean; voice?: Partial<VoiceSimulatorOptions> } = {},
): Promise<Stack> {
  const ns = await freshNamespace();
  let pgProxy: FaultProxy | null = null;
  let databaseUrl = ns.databaseUrl;
  if (options.pgProxy) {
    const target = new URL(ns.databaseUrl);
    pgProxy = new FaultProxy({ targetHost: target.hostname, targetPort: Number(target.port || 5432) });
    target.port = String(await pgProxy.start());
    databaseUrl = target.toString();
  }
  const smsc = new SmscSimulator({ port: 0, systemId: 'clarion', password: 'clarion', ...options.smsc });
  let { port: smscPort } = await smsc.start();
  const smppProxy = options.smppProxy ? new FaultProxy({ targetHost: '127.0.0.1', targetPort: smscPort }) : null;
  if (smppProxy) smscPort = await smppProxy.start();
  const port = await freePort();
  const voice = options.voice ? new VoiceSimulator({ port: 0, ...VOICE_ACCOUNT, ringMs: 30, callMs: 50, ...options.voice }) : null;
  const voiceEnv: Record<string, string> = voice
    ? {
        VOICE_API_URL: `http://127.0.0.1:${(await voice.start()).port}/2010-04-01`,
        VOICE_ACCOUNT_SID: VOICE_ACCOUNT.accountSid,
        VOICE_AUTH_TOKEN: VOICE_ACCOUNT.authToken,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        VOICE_CALLS_PER_SECOND: '50',
      }
    : {};
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_TOPIC_PREFIX: ns.prefix,
    SMPP_URL: `smpp://clarion:clarion@127.0.0.1:${smscPort}`,
    CLARION_OPERATOR_TOKEN: OPERATOR_TOKEN,
    PORT: String(port),
    DISPATCH_TICK_MS: '100',
    DISPATCH_RESPONSE_TIMEOUT_MS: '3000',
    DISPATCH_RECONCILE_TIMEOUT_MS: '20000',
    SMPP_REFERENCE_QUERY: '1',
    // Tests run at whatever hour CI does: no quiet hours unless the enterprise sets them (or a test turns the default on).
    QUIET_HOURS_DEFAULT: 'off',
    ...voiceEnv,
    ...options.env,
  };
  const supervised = new Map<string, InstanceType<typeof Supervised>>();
  const start = async (name: ServiceName, instance = 0) => {
    const s = new Supervised(name, env, { quiet: !process.env.CLARION_TEST_VERBOSE, label: `${name}#${instance}` });
    supervised.set(`${name}#${instance}`, s);
    await s.start();
  };
  const instance = (name: ServiceName, i = 0) => {
    const s = supervised.get(`${name}#${i}`);
    if (!s) throw new Error(`${name}#${i} was never started`);
    return s;
  };
  await Promise.all((SERVICES as ServiceName[]).map((name) => start(name)));
  return {
    url: `http://127.0.0.1:${port}`,
    env,
    smsc,
    voice,
    prefix: ns.prefix,
    databaseUrl: ns.databaseUrl,
    kafka: ns.kafka,
    pgProxy,
    smppProxy,
    start,
    pid: (name, i = 0) => supervised.get(`${name}#${i}`)?.pid(),
    kill: (name, signal = 'SIGKILL') => instance(name).kill(signal),
    waitForRestart: (name, i = 0) => instance(name, i).restarted(),
    restarts: (name, i = 0) => instance(name, i).restarts,
    stop: async () => {
      await Promise.all([...supervised.values()].map((s) => s.stop()));
      await smsc.stop();
      await voice?.stop();
      await pgProxy?.stop();
      await smppProxy?.stop();
    },
  };
}

// ---- REST helpers ----

export interface ApiAnswer {
  status: number;
  body: any;
}

export async function api(
  base: string,
  method: string,
  path: string,
  options: { auth?: [string, string]; json?: unknown; form?: FormData; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.auth) headers.authorization = 'Basic ' + Buffer.from(`${options.auth[0]}:${options.auth[1]}`).toString('base64');
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) body = options.form;
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

export interface Tenant {
  enterpriseSid: string;
  accountSid: string;
  authToken: string;
  auth: [string, string];
}

/** An enterprise with one account and, optionally, a credit top-up. */
export async function provisionTenant(base: string, credits: number): Promise<Tenant> {
  const op: [string, string] = ['operator', OPERATOR_TOKEN];
  const ent = await api(base, 'POST', '/campaignmanager/enterprises', { auth: op, json: { name: `Acme ${randomBytes(3).toString('hex')}` } });
  if (ent.status !== 201) throw new Error(`enterprise: ${ent.status} ${JSON.stringify(ent.body)}`);
  const enterpriseSid = ent.body.data.sid;
  const acc = await api(base, 'POST', `/campaignmanager/enterprises/${enterpriseSid}/accounts`, { auth: op, json: { email: 'ops@acme.test' } });
  if (acc.status !== 201) throw new Error(`account: ${acc.status} ${JSON.stringify(acc.body)}`);
  if (credits !== 0) {
    const c = await api(base, 'POST', '/campaignmanager/credits', { auth: op, json: { enterpriseSid, credit: credits, description: 'test top-up', idempotencyKey: `initial-${enterpriseSid}` } });
    if (c.status !== 201) throw new Error(`credit: ${c.status} ${JSON.stringify(c.body)}`);
  }
  return { enterpriseSid, accountSid: acc.body.data.sid, authToken: acc.body.data.authToken, auth: [acc.body.data.sid, acc.body.data.authToken] };
}

export function campaignForm(fields: Record<string, string>, toLines: string[], fromLines?: string[]): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('toFile', new Blob([toLines.join('\n') + '\n'], { type: 'text/csv' }), 'to.csv');
  if (fromLines) form.append('fromFile', new Blob([fromLines.join('\n') + '\n'], { type: 'text/csv' }), 'from.csv');
  return form;
}

export function numberFile(lines: string[]): FormData {
  const form = new FormData();
  form.append('file', new Blob([lines.join('\n') + '\n'], { type: 'text/plain' }), 'numbers.txt');
  return form;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function campaignStatus(stack: { url: string }, tenant: Tenant, sid: string): Promise<any> {
  const r = await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${sid}`, { auth: tenant.auth });
  return r.body.data;
}

export async function waitForStatus(stack: { url: string }, tenant: Tenant, sid: string, status: string, timeoutMs = 120000): Promise<any> {
  return waitFor(
    `campaign ${sid} to be ${status}`,
    async () => {
      const c = await campaignStatus(stack, tenant, sid);
      if (c && ['failed', 'completed', 'cancelled'].includes(c.status) && c.status !== status) throw new Error(`campaign ended ${c.status}: ${JSON.stringify(c)}`);
      return c?.status === status ? c : null;
    },
    timeoutMs,
  );
}

/** Records everything published on a public topic (the status topic by default) from the start. */
export async function watchStatusTopic(kafka: Kafka, prefix: string, topic: string = TOPIC.campaignStatus): Promise<{ records: { key: string; value: any }[]; stop(): Promise<void> }> {
  const records: { key: string; value: any }[] = [];
  const consumer: Consumer = kafka.consumer({ groupId: `${prefix}test-watch-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [prefix + topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      records.push({ key: message.key?.toString() ?? '', value: JSON.parse(message.value!.toString()) });
    },
  });
  return { records, stop: () => consumer.disconnect() };
}
