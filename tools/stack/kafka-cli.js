// Kafka's own command-line tools, run from the same Maven jars as the local broker, so nobody needs a
// Kafka download to look at a topic:
//   npm run kafka -- console-consumer --topic campaign.status.v1 --from-beginning --property print.key=true
//   npm run kafka -- topics --list
//   npm run kafka -- consumer-groups --describe --all-groups
//   npm run kafka -- dead-letters list | replay --partition P --offset O [--value-file F]
// --bootstrap-server defaults to KAFKA_BROKERS, else the local broker on 127.0.0.1:9092.
const path = require('node:path');
const os = require('node:os');
const { spawn } = require('node:child_process');
const { resolveJars, classpath, javaBin, kafkaFiles, requireTool } = require('./kafka');

// Class names as of Kafka 4.x (the Scala tools under kafka.admin moved to org.apache.kafka.tools).
const TOOLS = {
  'console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  topics: 'org.apache.kafka.tools.TopicCommand',
  'consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
};

const [tool, ...args] = process.argv.slice(2);
if (tool === 'dead-letters') {
  // Listing and replaying dead letters needs no JVM: it runs on kafkajs.
  require('./dead-letters')
    .cli(args)
    .then((code) => process.exit(code))
    .catch((err) => {
      console.error(err.message);
      process.exit(1);
    });
  return;
}
// A fully qualified class name runs any other tool in the jars.
const mainClass = TOOLS[tool] ?? (/^[a-z][\w]*(\.[\w$]+)+$/.test(tool ?? '') ? tool : null);
if (!mainClass) {
  console.error(`usage: npm run kafka -- <${Object.keys(TOOLS).join('|')}|fully.qualified.Class> [options]`);
  process.exit(2);
}
if (!args.some((a) => a === '--bootstrap-server' || a.startsWith('--bootstrap-server='))) {
  args.unshift('--bootstrap-server', process.env.KAFKA_BROKERS || '127.0.0.1:9092');
}

const root = path.resolve(__dirname, '..', '..');
try {
  requireTool(javaBin(), ['-version'], 'a JDK (17 or newer)');
  // Progress goes to stderr: stdout is the tool's, e.g. records piped somewhere.
  resolveJars(root, (line) => console.error(line));
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

const child = spawn(
  javaBin(),
  // Small heap, as Kafka's own scripts give their tools; log lines to stderr so they never mix with
  // the records a console consumer prints.
  ['-Xmx256m', `-Dlog4j2.configurationFile=${kafkaFiles(root).log4j}`, '-Dclarion.log.target=SYSTEM_ERR', '-cp', classpath(kafkaFiles(root).libDir), mainClass, ...args],
  { stdio: 'inherit' },
);
// Ctrl-C reaches the JVM directly (same process group); waiting for it lets a console consumer
// print its "Processed a total of N messages" line and exit with its own code.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => child.kill(sig));
}
child.on('error', (err) => {
  console.error(`could not run ${javaBin()}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 1)));
