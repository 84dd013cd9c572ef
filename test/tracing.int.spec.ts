/**
 * One trace follows a campaign from the REST call through Kafka to the carrier submit. The five
 * services run in this process so one in-memory exporter sees every span.
 */
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { stopTelemetry } from '@clarion/platform';
import { SmscSimulator } from '../tools/smsc-sim/src/smsc-simulator';
import { startCampaignService } from '../apps/campaign-svc/src/main';
import { startCreditService } from '../apps/credit-svc/src/main';
import { startDndService } from '../apps/dnd-svc/src/main';
import { startDispatchService } from '../apps/dispatch-svc/src/main';
import { startGateway } from '../apps/gateway/src/main';
import { OPERATOR_TOKEN, api, campaignForm, freePort, freshNamespace, provisionTenant, waitFor, waitForStatus } from './support/stack';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const spanProcessors = [new SimpleSpanProcessor(exporter)];
  const running: { close(): Promise<void> }[] = [];
  let smsc: SmscSimulator;
  let url = '';

  beforeAll(async () => {
    const ns = await freshNamespace();
    smsc = new SmscSimulator({ port: 0, systemId: 'clarion', password: 'clarion' });
    const { port } = await smsc.start();
    Object.assign(process.env, {
      DATABASE_URL: ns.databaseUrl,
      KAFKA_TOPIC_PREFIX: ns.prefix,
      SMPP_URL: `smpp://clarion:clarion@127.0.0.1:${port}`,
      CLARION_OPERATOR_TOKEN: OPERATOR_TOKEN,
      DISPATCH_TICK_MS: '100',
      // As in the test stack: the campaign must not wait for its recipients' quiet hours to end, whatever hour the test runs at.
      QUIET_HOURS_DEFAULT: 'off',
    });
    const options = { spanProcessors };
    running.push(...(await Promise.all([startCreditService(options), startDndService(options), startCampaignService(options), startDispatchService(options)])));
    const gw = await startGateway({ ...options, port: await freePort() });
    running.push(gw);
    url = gw.url;
  });

  afterAll(async () => {
    for (const r of running.reverse()) await r.close();
    await smsc?.stop();
    await stopTelemetry();
  });

  it('puts the gateway request and the carrier submit in one trace', async () => {
    const tenant = await provisionTenant(url, 10);
    exporter.reset();
    const created = await api(url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form: campaignForm({ name: 'traced', body: 'hi', fromPrefix: '1' }, ['+14155550001', '+14155550002']) });
    expect(created.status).toBe(201);
    await waitForStatus({ url }, tenant, created.body.data.sid, 'completed', 60_000);
    const spans = await waitFor(
      'the submit span',
      async () => {
        const all = exporter.getFinishedSpans();
        return all.some((s) => s.name === 'carrier.submit_sm') ? all : null;
      },
      10_000,
    );
    const request = spans.find((s) => s.name === 'HTTP POST /campaignmanager/campaigns');
    const submit = spans.find((s) => s.name === 'carrier.submit_sm');
    expect(request).toBeDefined();
    expect(submit).toBeDefined();
    expect(submit!.spanContext().traceId).toBe(request!.spanContext().traceId);
    // The trace passes through the services' consumers on its way.
    const consumers = new Set(spans.filter((s) => s.spanContext().traceId === request!.spanContext().traceId).map((s) => s.name));
    expect([...consumers]).toEqual(expect.arrayContaining(['consume CreateCampaign', 'consume CampaignStarted', 'carrier.submit_sm']));
  });
});
