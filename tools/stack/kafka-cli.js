// Kafka's own command-line tools, from the same jars as the local broker:
//   npm run kafka -- console-consumer --topic campaign.status.v1 --from-beginning --property print.key=true
const path = require('node:path');
const { spawn } = require('node:child_process');
const { resolveJars, classpath, javaBin } = require('./kafka');

const TOOLS = {
  'console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  topics: 'org.apache.kafka.tools.TopicCommand',
  'consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
};

const [tool, ...args] = process.argv.slice(2);
if (!TOOLS[tool]) {
  console.error(`usage: npm run kafka -- <${Object.keys(TOOLS).join('|')}> [options]`);
  process.exit(2);
}
if (!args.includes('--bootstrap-server')) args.unshift('--bootstrap-server', (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',')[0]);
const libDir = resolveJars(path.resolve(__dirname, '..', '..'), (line) => console.error(line));
const log4j = path.resolve(__dirname, '..', '..', 'infra', 'kafka', 'log4j2.properties');
const child = spawn(javaBin(), [`-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath(libDir), TOOLS[tool], ...args], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
