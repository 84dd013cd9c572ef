// Runs a real Apache Kafka broker (KRaft, one node that is both broker and controller) from Apache
// Kafka's own jars on Maven Central, on the local JDK: no Docker, no Kafka download outside Maven.
//
//   node tools/stack/kafka.js     start one (or reuse the one already on :9092) until Ctrl-C
//   require('./kafka').ensureKafka()  the same from the test setup and `npm start`
//
// KAFKA_BROKERS set: that broker is used and none is started.
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');
const { Kafka, logLevel } = require('kafkajs');

const ROOT = path.resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;

function kafkaFiles(root = ROOT) {
  return {
    pom: path.join(root, 'infra', 'kafka', 'pom.xml'),
    log4j: path.join(root, 'infra', 'kafka', 'log4j2.properties'),
    libDir: path.join(root, '.cache', 'kafka', 'lib'),
  };
}

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function hasTool(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function requireTool(cmd, args, what) {
  if (!hasTool(cmd, args)) {
    throw new Error(
      `Kafka runs here from Apache Kafka's jars, which needs ${what}, but \`${cmd}\` was not found or failed` +
        (cmd === javaBin() && process.env.JAVA_HOME ? ` (JAVA_HOME=${process.env.JAVA_HOME})` : '') +
        '. Install it, or set KAFKA_BROKERS to a broker that is already running.',
    );
  }
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Copies the broker and tool jars into .cache/kafka/lib once. The marker beside them holds a hash
 * of pom.xml, so editing the pom (a Kafka upgrade) resolves again and nothing else does.
 */
function resolveJars(root = ROOT, log = console.log) {
  const { pom, libDir } = kafkaFiles(root);
  const hash = crypto.createHash('sha256').update(fs.readFileSync(pom)).digest('hex');
  const resolved = (dir) => {
    try {
      return fs.readFileSync(path.join(dir, '.pom-sha256'), 'utf8') === hash;
    } catch {
      return false;
    }
  };
  if (resolved(libDir)) return libDir;
  requireTool('mvn', ['-v'], 'Apache Maven (to fetch the jars once)');
  // Maven copies into a directory of its own and it is swapped in whole, so a run that is
  // interrupted, or two first runs at once (test setup and `npm start`), never leave a half-copied
  // or mixed-version classpath behind.
  const partial = `${libDir}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  const t0 = Date.now();
  log('resolving Kafka jars with Maven (first run, or infra/kafka/pom.xml changed)…');
  const r = spawnSync(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${partial}`, '-DincludeScope=runtime'],
    // Captured rather than inherited: with -q Maven still prints stray ANSI resets, and its output
    // only matters when it fails.
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) {
    fs.rmSync(partial, { recursive: true, force: true });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '').trim();
    throw new Error(`Maven could not resolve Kafka's jars from ${path.relative(root, pom)} (exit ${r.status ?? r.signal}):\n${output.split('\n').slice(-30).join('\n')}`);
  }
  fs.writeFileSync(path.join(partial, '.pom-sha256'), hash);
  if (resolved(libDir)) {
    fs.rmSync(partial, { recursive: true, force: true }); // another process finished first
  } else {
    fs.rmSync(libDir, { recursive: true, force: true });
    try {
      fs.renameSync(partial, libDir);
    } catch (err) {
      fs.rmSync(partial, { recursive: true, force: true });
      if (!resolved(libDir)) throw err;
    }
  }
  log(`kafka jars resolved in ${seconds(Date.now() - t0)} (${fs.readdirSync(libDir).filter((f) => f.endsWith('.jar')).length} jars)`);
  return libDir;
}

function classpath(libDir) {
  // The JVM expands `dir/*` itself; no need to list ~70 jars on the command line.
  return `${libDir}${path.sep}*`;
}

function probeClient(brokers, connectionTimeout) {
  return new Kafka({
    clientId: 'clarion-kafka-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
}

/** Something answers as a Kafka broker: a metadata request succeeds. */
async function brokerAnswers(brokers, timeoutMs = 2000) {
  const admin = probeClient(brokers, timeoutMs).admin();
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

/**
 * The broker answers metadata requests before the controller has settled; ready means a topic can
 * be created and deleted, which is the first thing every service and test does.
 */
async function controllerReady(brokers) {
  const admin = probeClient(brokers, 2000).admin();
  // One name per process: an attempt that timed out after creating it is cleaned up by the next.
  const topic = `__clarion-probe-${process.pid}`;
  try {
    await admin.connect();
    // kafkajs answers false, not an error, when the topic is left over from such an attempt.
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true, timeout: 5000 });
    await admin.deleteTopics({ topics: [topic], timeout: 5000 });
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function waitUntil(check, timeoutMs, isDead = () => false) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (isDead()) return false;
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function serverProperties({ port, controllerPort, logDir }) {
  return [
    '# Written by tools/stack/kafka.js on every start: edit that file, not this one.',
    'node.id=1',
    'process.roles=broker,controller',
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    // A dynamic quorum (KIP-853) of one, as `format --standalone` sets it up: the controller finds
    // itself through the bootstrap servers instead of a fixed controller.quorum.voters list.
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `log.dirs=${logDir}`,
    // Services create their topics with explicit partition counts; a misspelt topic must fail
    // loudly rather than appear with one partition.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'delete.topic.enable=true',
    // One broker, so every internal topic has one replica.
    'offsets.topic.replication.factor=1',
    // Fewer __consumer_offsets partitions: the group coordinator loads faster on start.
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    // Same reason: the first transactional producer waits for all of these to be created and loaded.
    'transaction.state.log.num.partitions=6',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'min.insync.replicas=1',
    // A group's first member starts at once instead of waiting 3 s for others: tests and restarts
    // of a single consumer are that much quicker.
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Kafka's Uuid: 16 random bytes, base64url without padding; Kafka never starts one with '-'. */
function newClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

const noop = async () => undefined;

async function ensureKafka({ root = ROOT, port = 9092, controllerPort = 9093, dataDir = path.join(root, '.data', 'kafka'), log = console.log } = {}) {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, startedByUs: false, stop: noop };
  const brokers = `127.0.0.1:${port}`;
  if (await brokerAnswers(brokers)) {
    // It may have been started a moment ago by another process: wait for its controller too.
    if (!(await waitUntil(() => controllerReady(brokers), READY_TIMEOUT_MS))) {
      throw new Error(`a Kafka broker answers on ${brokers} but cannot create topics; stop it or set KAFKA_BROKERS`);
    }
    log(`using the Kafka broker already running on ${brokers}`);
    return { brokers, startedByUs: false, stop: noop };
  }
  if (!hasTool(javaBin(), ['-version']) || !hasTool('mvn', ['-v'])) {
    // Machines with a Docker engine but no JDK or Maven still get a broker.
    const { dockerAnswers, startKafkaContainer } = require('./containers');
    if (dockerAnswers()) {
      log('no JDK or Maven here, but a Docker engine answers: running Kafka in a container');
      const c = await startKafkaContainer(port);
      return { brokers, startedByUs: true, stop: c.stop };
    }
  }
  requireTool(javaBin(), ['-version'], 'a JDK (17 or newer)');
  const { log4j } = kafkaFiles(root);
  const libDir = resolveJars(root, log);

  const logDir = path.join(dataDir, 'logs');
  fs.mkdirSync(dataDir, { recursive: true });
  const props = path.join(dataDir, 'server.properties');
  // Rewritten each start so a changed port or setting here takes effect; the data stays.
  fs.writeFileSync(props, serverProperties({ port, controllerPort, logDir }));
  const logFile = path.join(dataDir, 'kafka.log');
  const jvm = [
    `-Dlog4j2.configurationFile=${log4j}`,
    // JVM shutdown hooks run concurrently: log4j's own hook would stop logging while Kafka's hook is
    // still shutting the broker down, and its last lines would go to a fallback logger.
    '-Dlog4j2.shutdownHookEnabled=false',
    '-Djava.awt.headless=true',
    '-cp',
    classpath(libDir),
  ];

  if (!fs.existsSync(path.join(logDir, 'meta.properties'))) {
    // Once per data directory: a new cluster id, and this node as the only controller voter.
    const t0 = Date.now();
    const r = spawnSync(javaBin(), [...jvm, 'kafka.tools.StorageTool', 'format', '--standalone', '-t', newClusterId(), '-c', props], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`formatting Kafka storage in ${logDir} failed:\n${r.stdout}\n${r.stderr}`);
    log(`kafka storage formatted in ${seconds(Date.now() - t0)} (${path.relative(root, logDir)})`);
  }

  const t0 = Date.now();
  fs.appendFileSync(logFile, `\n=== ${new Date().toISOString()} tools/stack/kafka.js starts Kafka on ${brokers}\n`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    javaBin(),
    // Kafka's own start script uses G1 with short pauses; the heap is capped so a laptop running
    // the whole stack and the tests keeps room for Postgres and the services.
    ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', ...jvm, 'kafka.Kafka', props],
    { stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  let exited = null;
  const exitedPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? code;
      resolve();
    });
    child.once('error', (err) => {
      exited = err.message;
      resolve();
    });
  });

  const stop = async () => {
    if (exited !== null) return;
    const t = Date.now();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.kill('SIGTERM');
    await exitedPromise;
    clearTimeout(timer);
    log(`kafka stopped in ${seconds(Date.now() - t)}${exited === 'SIGKILL' ? ' (killed after 20 s)' : ''}`);
  };

  const ready = await waitUntil(
    async () => (await brokerAnswers(brokers, 1000)) && (await controllerReady(brokers)),
    READY_TIMEOUT_MS,
    () => exited !== null,
  );
  if (!ready) {
    if (exited !== null) {
      // Two first runs at once: the other one got the port and the data directory.
      if (await brokerAnswers(brokers)) {
        log(`another process started Kafka on ${brokers} first; using it`);
        return { brokers, startedByUs: false, stop: noop };
      }
      throw new Error(`Kafka exited (${exited}) while starting; the end of ${logFile}:\n${tail(logFile)}`);
    }
    await stop();
    throw new Error(`Kafka did not become ready within ${READY_TIMEOUT_MS / 1000} s; the end of ${logFile}:\n${tail(logFile)}`);
  }
  log(`kafka ready in ${seconds(Date.now() - t0)} on ${brokers} (data in ${path.relative(root, dataDir) || dataDir}, log ${path.relative(root, logFile)})`);
  return { brokers, startedByUs: true, stop, pid: child.pid };
}

module.exports = { ensureKafka, resolveJars, classpath, javaBin, kafkaFiles, requireTool };

if (require.main === module) {
  ensureKafka()
    .then((k) => {
      console.log(`Kafka bootstrap server: ${k.brokers}${k.startedByUs ? ' (Ctrl-C stops it)' : ' (not started here; nothing to stop)'}`);
      if (!k.startedByUs) return;
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        k.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((err) => {
      console.error(err.message);
      process.exit(1);
    });
}
