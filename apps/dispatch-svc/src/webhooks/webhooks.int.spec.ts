/**
 * Webhook delivery against the real Postgres and a real HTTP receiver on 127.0.0.1: a webhook
 * arrives once, signed over its exact bytes; a failing receiver gets it again by the retry rule
 * until it answers 2xx, and then never again; a URL inside the network is given up without a
 * request; a redirect or a silent receiver is a failure; two instances ticking at once deliver
 * each webhook exactly once.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { DataSource } from 'typeorm';
import { openDatabase, queryRows, runInTx } from '@clarion/platform';
import { freshNamespace } from '../../../../test/support/stack';
import { DispatchWebhooks14 } from './webhooks.migrations';
import { WEBHOOK_RETENTION_MS, WebhookDelivery, enqueueWebhook, enqueueWebhooks, type Webhook } from './webhooks';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A receiver whose answer per path the test decides (a status, or null to never answer). */
async function startReceiver(answer: (path: string, count: number) => number | null): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
      const status = answer(path, received.filter((r) => r.path === path).length);
      if (status === null) return; // silent: the client's timeout has to end it
      res.writeHead(status, status >= 300 && status < 400 ? { location: `http://127.0.0.1:${port}/redirect-target` } : {});
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('webhook delivery', () => {
  let ds: DataSource;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  // The receiver's script: how many answers of 500 before a 200, per path.
  const failuresBefore200: Record<string, number> = { '/flaky': 2 };
  const platform = { query: <T = any>(sql: string, params: unknown[] = []) => queryRows<T>(ds, sql, params) };
  const rows = (sql = 'SELECT * FROM webhook_outbox ORDER BY id') => queryRows(ds, sql);
  const webhook = (path: string, overrides: Partial<Webhook> = {}): Webhook => ({
    campaignSid: 'CP00000000000000000000000000000001',
    kind: 'status',
    url: receiver.url + path,
    body: { campaign_sid: 'CP00000000000000000000000000000001', status: 'started', note: 'déjà vu ✓' },
    signingKey: 'the-account-token',
    ...overrides,
  });

  beforeAll(async () => {
    const ns = await freshNamespace();
    // Only this use case's table (and the platform's own, which openDatabase always adds): it stands alone.
    ds = await openDatabase({ url: ns.databaseUrl, schema: 'dispatch', migrations: [DispatchWebhooks14] });
    receiver = await startReceiver((path, count) => {
      if (path === '/silent') return null;
      if (path === '/redirect') return 302;
      return count <= (failuresBefore200[path] ?? 0) ? 500 : 200;
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await ds?.destroy();
  });
  beforeEach(async () => {
    await ds.query('DELETE FROM webhook_outbox');
    receiver.received.length = 0;
  });

  it('delivers a webhook once, signed over its exact body bytes, with its id and kind; and prunes it after the retention', async () => {
    const w = webhook('/once', { kind: 'call-status' });
    await runInTx(ds, (tx) => enqueueWebhook(tx, w));
    const delivery = new WebhookDelivery(platform, { allowPrivate: true });
    expect(await delivery.tick()).toBe(1);
    expect(await delivery.tick()).toBe(0);

    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    const [row] = await rows();
    expect(got.body.equals(Buffer.from(JSON.stringify(w.body), 'utf8'))).toBe(true);
    expect(got.headers['x-clarion-signature']).toBe('sha256=' + createHmac('sha256', 'the-account-token').update(got.body).digest('hex'));
    expect(got.headers['x-clarion-webhook-id']).toBe(String(row.id));
    expect(got.headers['x-clarion-webhook-kind']).toBe('call-status');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('Clarion-Webhooks/1');
    expect(row).toMatchObject({ attempts: 1, last_status: 200, last_error: null, given_up_at: null });
    expect(row.delivered_at).not.toBeNull();

    // Kept for the retention, then pruned by a tick.
    const later = (ms: number) => new WebhookDelivery(platform, { allowPrivate: true, now: () => Date.now() + ms });
    await later(WEBHOOK_RETENTION_MS - 60_000).tick();
    expect(await rows()).toHaveLength(1);
    await later(WEBHOOK_RETENTION_MS + 60_000).tick();
    expect(await rows()).toHaveLength(0);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a receiver that answers 500 by the retry rule, delivers on the third try, and then never again', async () => {
    await runInTx(ds, (tx) => enqueueWebhook(tx, webhook('/flaky')));
    // The clock is the test's: the backoff (1 s, then 2 s) passes without waiting for it.
    let t = Date.now() + 1000;
    const delivery = new WebhookDelivery(platform, { allowPrivate: true, now: () => t });

    expect(await delivery.tick()).toBe(1);
    expect((await rows())[0]).toMatchObject({ attempts: 1, last_status: 500, last_error: 'HTTP 500', delivered_at: null, given_up_at: null });
    t += 999;
    expect(await delivery.tick()).toBe(0); // not yet due
    t += 1;
    expect(await delivery.tick()).toBe(1);
    expect((await rows())[0]).toMatchObject({ attempts: 2, last_status: 500 });
    t += 1999;
    expect(await delivery.tick()).toBe(0);
    t += 1;
    expect(await delivery.tick()).toBe(1);
    const [row] = await rows();
    expect(row).toMatchObject({ attempts: 3, last_status: 200, last_error: null, given_up_at: null });
    expect(row.delivered_at).not.toBeNull();

    t += 3600_000;
    expect(await delivery.tick()).toBe(0);
    expect(receiver.received.map((r) => r.path)).toEqual(['/flaky', '/flaky', '/flaky']);
    // The same webhook each time: one id, so a receiver can tell a repeat.
    expect(new Set(receiver.received.map((r) => r.headers['x-clarion-webhook-id']))).toEqual(new Set([String(row.id)]));
  });

  it('gives up at the end of the retry rule, with one log line', async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await runInTx(ds, (tx) => enqueueWebhook(tx, webhook('/silent')));
    const delivery = new WebhookDelivery(platform, { allowPrivate: true, timeoutMs: 200, delayMs: (attempts) => (attempts < 2 ? 1 : null) });
    expect(await delivery.tick()).toBe(1);
    expect((await rows())[0]).toMatchObject({ attempts: 1, last_status: null, last_error: 'no answer within 200 ms', given_up_at: null });
    await new Promise((r) => setTimeout(r, 20));
    expect(await delivery.tick()).toBe(1);
    const [row] = await rows();
    expect(row).toMatchObject({ attempts: 2, last_error: 'no answer within 200 ms', delivered_at: null });
    expect(row.given_up_at).not.toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    expect(await delivery.tick()).toBe(0);
    expect(receiver.received).toHaveLength(2);
    expect(log.mock.calls).toEqual([[`[dispatch-svc] webhook ${row.id} (status, campaign CP00000000000000000000000000000001) given up after 2 deliveries: no answer within 200 ms`]]);
    log.mockRestore();
  });

  it('gives up a URL inside the network at once, without any request reaching it', async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await runInTx(ds, (tx) => enqueueWebhook(tx, webhook('/private')));
    const delivery = new WebhookDelivery(platform, { allowPrivate: false, now: () => Date.now() + 1000 });
    expect(await delivery.tick()).toBe(1);
    const [row] = await rows();
    expect(row).toMatchObject({ attempts: 1, delivered_at: null, last_status: null });
    expect(row.given_up_at).not.toBeNull();
    expect(row.last_error).toMatch(/^refused: the host 127\.0\.0\.1 resolves to 127\.0\.0\.1, an address inside the network/);
    expect(await new WebhookDelivery(platform, { allowPrivate: true, now: () => Date.now() + 3600_000 }).tick()).toBe(0);
    expect(receiver.received).toHaveLength(0);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatch(/given up after 1 delivery: refused: /);
    log.mockRestore();
  });

  it('does not follow a redirect: it is a failure, retried later', async () => {
    await runInTx(ds, (tx) => enqueueWebhook(tx, webhook('/redirect')));
    expect(await new WebhookDelivery(platform, { allowPrivate: true }).tick()).toBe(1);
    expect(receiver.received.map((r) => r.path)).toEqual(['/redirect']);
    expect((await rows())[0]).toMatchObject({ attempts: 1, last_status: 302, last_error: 'HTTP 302: redirects are not followed', delivered_at: null, given_up_at: null });
  });

  it('delivers each webhook exactly once when two instances tick at the same time', async () => {
    const count = 50;
    await runInTx(ds, (tx) =>
      enqueueWebhooks(
        tx,
        Array.from({ length: count }, (_, i) => webhook(`/many/${i}`, { kind: 'call-schedule', body: { i } })),
      ),
    );
    const instances = [0, 1].map(() => new WebhookDelivery(platform, { allowPrivate: true, concurrency: 4, batchMax: 6 }));
    const drain = async (d: WebhookDelivery) => {
      let total = 0;
      for (let n = await d.tick(); n > 0; n = await d.tick()) total += n;
      return total;
    };
    const totals = await Promise.all(instances.map(drain));

    expect(totals[0] + totals[1]).toBe(count);
    expect(totals.every((n) => n > 0)).toBe(true); // both took part
    expect(receiver.received).toHaveLength(count);
    expect(new Set(receiver.received.map((r) => r.path)).size).toBe(count);
    expect(new Set(receiver.received.map((r) => r.headers['x-clarion-webhook-id'])).size).toBe(count);
    // Each request carries its own row's body.
    for (const r of receiver.received) expect(JSON.parse(r.body.toString())).toEqual({ i: Number(r.path.split('/')[2]) });
    const settled = await rows(`SELECT count(*)::int AS n FROM webhook_outbox WHERE delivered_at IS NOT NULL AND attempts = 1`);
    expect(settled[0].n).toBe(count);
  });
});
