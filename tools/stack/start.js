// `npm start`: brings up everything Clarion needs on this machine and the five services, and
// stops all of it on Ctrl-C. What is already configured (KAFKA_BROKERS, DATABASE_URL, SMPP_URL,
// VOICE_API_URL) is used instead of being started.
const { randomBytes } = require('node:crypto');
const { ensureKafka } = require('./kafka');
const { ensurePostgres, databaseUrl } = require('./postgres');
const { SERVICES } = require('./processes');
const { Supervised } = require('./supervisor');

// Where each service answers GET /health and GET /ready (the gateway on its API port).
const HEALTH_PORTS = { 'credit-svc': 3001, 'dnd-svc': 3002, 'campaign-svc': 3003, 'dispatch-svc': 3004 };

async function main() {
  const started = [];
  const services = [];
  let sim = null;
  let voiceSim = null;
  let stopping = false;
  const stopAll = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log('stopping Clarion…');
    // Services first, so that nothing they do while stopping meets a carrier that is already gone.
    await Promise.all(services.map((s) => s.stop()));
    if (sim) await sim.stop();
    if (voiceSim) await voiceSim.stop();
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  const env = {};
  if (!process.env.CLARION_OPERATOR_TOKEN) {
    env.CLARION_OPERATOR_TOKEN = randomBytes(24).toString('hex');
    console.log(`CLARION_OPERATOR_TOKEN was not set; this run's operator password is: ${env.CLARION_OPERATOR_TOKEN}`);
  }
  const kafka = await ensureKafka();
  started.push(kafka);
  env.KAFKA_BROKERS = kafka.brokers;
  const pg = await ensurePostgres();
  started.push(pg);
  env.DATABASE_URL = pg.fromEnv ? pg.serverUrl : databaseUrl(pg.serverUrl, 'clarion');

  if (!process.env.SMPP_URL) {
    sim = new Supervised('smsc-sim', { SMSC_PORT: '2775', SMSC_HTTP_PORT: '2776' }, { lowPriority: true });
    await sim.start();
    env.SMPP_URL = 'smpp://clarion:clarion@127.0.0.1:2775';
    // The simulator answers query_sm by Clarion's own submit reference, which settles sends a crash left in doubt.
    env.SMPP_REFERENCE_QUERY = '1';
    console.log('SMPP_URL is not set: using the bundled SMSC simulator (stats on http://127.0.0.1:2776/stats)');
  }

  if (!process.env.VOICE_API_URL) {
    // Its account and token are this run's own: only Clarion's services are told them.
    const token = randomBytes(16).toString('hex');
    voiceSim = new Supervised('voice-sim', { VOICE_SIM_PORT: '2780', VOICE_SIM_ACCOUNT_SID: 'ACclarion', VOICE_SIM_AUTH_TOKEN: token }, { lowPriority: true });
    await voiceSim.start();
    Object.assign(env, { VOICE_API_URL: 'http://127.0.0.1:2780/2010-04-01', VOICE_ACCOUNT_SID: 'ACclarion', VOICE_AUTH_TOKEN: token, VOICE_CALLS_PER_SECOND: '20' });
    console.log('VOICE_API_URL is not set: using the bundled voice carrier simulator (calls on http://127.0.0.1:2780/sim/calls)');
  }

  // Each service is supervised: one that exits or is killed is started again (with backoff), the rest go on.
  // Dispatch and the simulators yield the CPU to the API (processes.js, LOW_PRIORITY).
  for (const name of SERVICES) services.push(new Supervised(name, { ...env, HEALTH_PORT: String(HEALTH_PORTS[name] ?? 0) }, { lowPriority: true }));
  await Promise.all(services.map((s) => s.start()));
  console.log(`Clarion is up: http://127.0.0.1:${process.env.PORT || 3000} (Ctrl-C stops it)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
