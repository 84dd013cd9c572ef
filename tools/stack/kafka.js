// Runs a real Apache Kafka broker (KRaft, combined broker + controller) from Apache Kafka's jars on
// Maven Central, on the local JDK — no Docker. KAFKA_BROKERS set: that broker is used, none started.
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');
const { Kafka, logLevel } = require('kafkajs');

const ROOT = path.resolve(__dirname, '..', '..');

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function hasTool(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function requireTool(cmd, args, hint) {
  if (!hasTool(cmd, args)) throw new Error(`${cmd} is needed to run Kafka without Docker (${hint}); or set KAFKA_BROKERS to an existing broker`);
}

/** Resolves the broker and tool jars once; a changed pom.xml resolves them again. */
function resolveJars(root = ROOT, log = console.log) {
  const pom = path.join(root, 'infra', 'kafka', 'pom.xml');
  const libDir = path.join(root, '.cache', 'kafka', 'lib');
  const marker = path.join(libDir, '.pom-sha256');
  const hash = crypto.createHash('sha256').update(fs.readFileSync(pom)).digest('hex');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === hash) return libDir;
  requireTool('mvn', ['-v'], 'Apache Maven');
  fs.rmSync(libDir, { recursive: true, force: true });
  fs.mkdirSync(libDir, { recursive: true });
  const t0 = Date.now();
  log('resolving Kafka jars with Maven (first run only)…');
  const r = spawnSync('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libDir}`, '-DincludeScope=runtime'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`Maven could not resolve Kafka (exit ${r.status})`);
  fs.writeFileSync(marker, hash);
  log(`kafka jars resolved in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return libDir;
}

function classpath(libDir) {
  return `${libDir}${path.sep}*`;
}

async function brokerAnswers(brokers, timeoutMs = 3000) {
  const kafka = new Kafka({ clientId: 'clarion-probe', brokers: [brokers], logLevel: logLevel.NOTHING, connectionTimeout: timeoutMs, retry: { retries: 0 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Ready means the controller answers too: a probe topic can be created and deleted. */
async function controllerReady(brokers) {
  const kafka = new Kafka({ clientId: 'clarion-probe', brokers: [brokers], logLevel: logLevel.NOTHING, connectionTimeout: 2000, retry: { retries: 0 } });
  const admin = kafka.admin();
  const topic = `__clarion-probe-${process.pid}-${Date.now()}`;
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true, timeout: 5000 });
    await admin.deleteTopics({ topics: [topic], timeout: 5000 });
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function serverProperties({ port, controllerPort, logDir }) {
  return [
    'node.id=1',
    'process.roles=broker,controller',
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `log.dirs=${logDir}`,
    // The project creates its topics with explicit partitions; a typo must not create a stray topic.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    // One broker: every internal topic has one replica. Fewer offsets partitions start faster.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'min.insync.replicas=1',
    // Consumers join at once instead of waiting for more members: tests and restarts are quicker.
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=168',
    'delete.topic.enable=true',
    '',
  ].join('\n');
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function ensureKafka({ root = ROOT, port = 9092, controllerPort = 9093, dataDir = path.join(root, '.data', 'kafka'), log = console.log } = {}) {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, startedByUs: false, stop: async () => undefined };
  const brokers = `127.0.0.1:${port}`;
  if (await brokerAnswers(brokers)) {
    log(`using the Kafka broker already on ${brokers}`);
    return { brokers, startedByUs: false, stop: async () => undefined };
  }
  if (!hasTool(javaBin(), ['-version']) || !hasTool('mvn', ['-v'])) {
    const { dockerAnswers, startKafkaContainer } = require('./containers');
    if (dockerAnswers()) {
      log('no JDK or Maven here, but a Docker engine answers: running Kafka in a container');
      const c = await startKafkaContainer(port);
      return { brokers, startedByUs: true, stop: c.stop };
    }
  }
  requireTool(javaBin(), ['-version'], 'a JDK 17+');
  const libDir = resolveJars(root, log);
  const logDir = path.join(dataDir, 'logs');
  fs.mkdirSync(dataDir, { recursive: true });
  const props = path.join(dataDir, 'server.properties');
  fs.writeFileSync(props, serverProperties({ port, controllerPort, logDir }));
  const logFile = path.join(dataDir, 'kafka.log');
  const log4j = path.join(root, 'infra', 'kafka', 'log4j2.properties');
  const jvm = [`-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath(libDir)];
  if (!fs.existsSync(path.join(logDir, 'meta.properties'))) {
    // The storage directory is formatted once, with a new cluster id, as a standalone controller.
    const clusterId = crypto.randomBytes(16).toString('base64url').slice(0, 22);
    const r = spawnSync(javaBin(), [...jvm, 'kafka.tools.StorageTool', 'format', '--standalone', '-t', clusterId, '-c', props], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`formatting Kafka storage failed:\n${r.stdout}\n${r.stderr}`);
  }
  const t0 = Date.now();
  const out = fs.openSync(logFile, 'a');
  const child = spawn(javaBin(), ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', ...jvm, 'kafka.Kafka', props], { stdio: ['ignore', out, out], detached: false });
  fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = code ?? signal;
  });
  const stop = async () => {
    if (exited !== null) return;
    await new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };
  const deadline = Date.now() + 90000;
  for (;;) {
    if (exited !== null) throw new Error(`Kafka exited (${exited}) while starting; ${logFile}:\n${tail(logFile)}`);
    if ((await brokerAnswers(brokers, 1000)) && (await controllerReady(brokers))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Kafka did not become ready within 90 s; ${logFile}:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  log(`kafka ready in ${((Date.now() - t0) / 1000).toFixed(1)}s on ${brokers} (data in ${path.relative(root, dataDir)})`);
  return { brokers, startedByUs: true, stop, pid: child.pid };
}

module.exports = { ensureKafka, resolveJars, classpath, javaBin };

if (require.main === module) {
  ensureKafka()
    .then((k) => {
      console.log(`Kafka bootstrap server: ${k.brokers}${k.startedByUs ? ' (Ctrl-C stops it)' : ''}`);
      if (!k.startedByUs) return;
      const stop = () => k.stop().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((err) => {
      console.error(err.message);
      process.exit(1);
    });
}
