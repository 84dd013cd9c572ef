// Drops every database and topic this test run created (they carry its run id), even when tests
// failed, then stops what the setup started.
const { Client } = require('pg');
const { Kafka, logLevel } = require('kafkajs');

async function dropRunData(runId) {
  if (!runId || !/^[0-9a-f]+$/.test(runId)) return;
  const server = process.env.CLARION_TEST_PG_SERVER;
  if (server) {
    const admin = new Client({ connectionString: server });
    try {
      await admin.connect();
      const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`clarion_t_${runId}_%`]);
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      process.stdout.write(`[teardown] dropped ${rows.length} test databases\n`);
    } catch (err) {
      process.stdout.write(`[teardown] could not drop the test databases: ${err.message}\n`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
  if (process.env.KAFKA_BROKERS) {
    const admin = new Kafka({ clientId: 'teardown', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    try {
      await admin.connect();
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`t${runId}_`));
      // Deleting in slices keeps each request small; the broker removes the files in the background.
      for (let i = 0; i < topics.length; i += 100) await admin.deleteTopics({ topics: topics.slice(i, i + 100), timeout: 30000 });
      process.stdout.write(`[teardown] deleted ${topics.length} test topics\n`);
    } catch (err) {
      process.stdout.write(`[teardown] could not delete the test topics: ${err.message}\n`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

module.exports = async function globalTeardown() {
  // CLARION_TEST_KEEP=1 keeps them for a post-mortem (drop them by hand afterwards).
  if (!process.env.CLARION_TEST_KEEP) await dropRunData(process.env.CLARION_TEST_RUN_ID);
  for (const s of (globalThis.__clarionInfra ?? []).reverse()) await s.stop().catch(() => undefined);
};
