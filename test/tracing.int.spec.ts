/**
 * One trace follows a campaign from the REST call through Kafka to the carrier submit. The five
 * services run in this process so one in-memory exporter sees every span.
 */
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { api, campaignForm, freshNamespace, provisionTenant, waitFor, waitForStatus } from './support/stack';
import { startInProcess } from './support/in-process';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const spanProcessors = [new SimpleSpanProcessor(exporter)];
  let stack: Awaited<ReturnType<typeof startInProcess>> | undefined;
  let url = '';

  beforeAll(async () => {
    stack = await startInProcess(await freshNamespace(), spanProcessors);
    url = stack.url;
  });

  afterAll(async () => stack?.close());

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
