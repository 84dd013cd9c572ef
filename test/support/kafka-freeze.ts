/* Freezes the Kafka broker process (SIGSTOP, then SIGCONT), as a long GC pause or a hung host would. */
import { readdirSync, readFileSync } from 'node:fs';

/** The broker's pid: exported by the test setup when it started the broker, else found among the processes. */
export function kafkaBrokerPid(): number {
  const fromSetup = Number(process.env.CLARION_TEST_KAFKA_PID);
  if (Number.isInteger(fromSetup) && fromSetup > 0) return fromSetup;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('kafka.Kafka') && cmdline.includes('java')) return Number(entry);
    } catch {
      /* the process ended while we looked */
    }
  }
  throw new Error('no Kafka broker process found to freeze (is KAFKA_BROKERS a remote broker?)');
}

/** Stops the broker for `ms` and always lets it go on afterwards, even if the wait is interrupted. */
export async function freezeKafka(ms: number, pid = kafkaBrokerPid()): Promise<void> {
  const thaw = () => {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', thaw);
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    thaw();
    process.off('exit', thaw);
  }
}
