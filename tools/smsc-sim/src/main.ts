import { SmscSimulator } from './smsc-simulator';

/** The bundled SMSC simulator as a process, for `npm start` and benchmarks. */
async function main(): Promise<void> {
  const env = process.env;
  const sim = new SmscSimulator({
    port: Number(env.SMSC_PORT ?? 2775),
    httpPort: Number(env.SMSC_HTTP_PORT ?? 2776),
    systemId: env.SMSC_SYSTEM_ID ?? 'clarion',
    password: env.SMSC_PASSWORD ?? 'clarion',
    throttlePerSecond: Number(env.SMSC_THROTTLE_PER_SECOND ?? 0),
    receiptDelayMs: Number(env.SMSC_RECEIPT_DELAY_MS ?? 20),
  });
  const { port, httpPort } = await sim.start();
  console.log(`smsc simulator listening on 127.0.0.1:${port} (stats http://127.0.0.1:${httpPort}/stats)`);
  const stop = () => sim.stop().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
