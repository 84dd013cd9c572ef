// Starts what the integration and end-to-end tests need, once per `jest` run: a Kafka broker
// (from Apache Kafka's jars, unless KAFKA_BROKERS names one) and a Postgres server. Each test file
// then makes its own database and topic prefix, so runs never see each other's data.
const { ensureKafka } = require('../tools/stack/kafka');
const { ensurePostgres } = require('../tools/stack/postgres');

module.exports = async function globalSetup() {
  // Every database and topic this run creates carries the run id, so the teardown can drop them all.
  process.env.CLARION_TEST_RUN_ID = require('node:crypto').randomBytes(3).toString('hex');
  if (process.env.CLARION_SKIP_INFRA) return;
  const t0 = Date.now();
  const kafka = await ensureKafka({ log: (line) => process.stdout.write(`[kafka] ${line}\n`) });
  const pg = await ensurePostgres({ log: (line) => process.stdout.write(`[postgres] ${line}\n`) });
  process.env.KAFKA_BROKERS = kafka.brokers;
  process.env.CLARION_TEST_PG_SERVER = pg.serverUrl;
  // Fault tests freeze the broker with SIGSTOP / SIGCONT.
  if (kafka.pid) process.env.CLARION_TEST_KAFKA_PID = String(kafka.pid);
  globalThis.__clarionInfra = [kafka, pg];
  process.stdout.write(`\n[infra] Kafka ${kafka.brokers} and Postgres ready in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
};
