/**
 * The five services in the test's own process, with an SMSC simulator, for tests that need to see
 * every service's spans in one in-memory exporter (tracing). Every other test runs the services as
 * processes (stack.ts).
 */
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { stopTelemetry } from '@clarion/platform';
import { SmscSimulator } from '../../tools/smsc-sim/src/smsc-simulator';
import { startCampaignService } from '../../apps/campaign-svc/src/main';
import { startCreditService } from '../../apps/credit-svc/src/main';
import { startDndService } from '../../apps/dnd-svc/src/main';
import { startDispatchService } from '../../apps/dispatch-svc/src/main';
import { startGateway } from '../../apps/gateway/src/main';
import { OPERATOR_TOKEN, freePort } from './stack';

export async function startInProcess(ns: { prefix: string; databaseUrl: string }, spanProcessors: SpanProcessor[]): Promise<{ url: string; close(): Promise<void> }> {
  const smsc = new SmscSimulator({ port: 0, systemId: 'clarion', password: 'clarion' });
  const { port } = await smsc.start();
  Object.assign(process.env, {
    DATABASE_URL: ns.databaseUrl,
    KAFKA_TOPIC_PREFIX: ns.prefix,
    SMPP_URL: `smpp://clarion:clarion@127.0.0.1:${port}`,
    CLARION_OPERATOR_TOKEN: OPERATOR_TOKEN,
    DISPATCH_TICK_MS: '100',
    // As in the test stack: a campaign must not wait for its recipients' quiet hours to end, whatever hour the test runs at.
    QUIET_HOURS_DEFAULT: 'off',
  });
  const options = { spanProcessors };
  const running: { close(): Promise<void> }[] = [];
  try {
    running.push(...(await Promise.all([startCreditService(options), startDndService(options), startCampaignService(options), startDispatchService(options)])));
    const gw = await startGateway({ ...options, port: await freePort() });
    running.push(gw);
    return {
      url: gw.url,
      close: async () => {
        for (const r of running.reverse()) await r.close();
        await smsc.stop();
        await stopTelemetry();
      },
    };
  } catch (err) {
    for (const r of running.reverse()) await r.close().catch(() => undefined);
    await smsc.stop();
    throw err;
  }
}
