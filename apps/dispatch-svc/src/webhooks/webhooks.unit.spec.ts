import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  WEBHOOK_BODY_BYTES_MAX,
  WEBHOOK_RETRY_DELAY_MS_FIRST,
  WEBHOOK_RETRY_DELAY_MS_MAX,
  WEBHOOK_TRIES_MAX,
  decideDelivery,
  enqueueWebhook,
  enqueueWebhooks,
  nextAttemptDelayMs,
  webhookHeaders,
  type Webhook,
} from './webhooks';

describe('the webhook retry rule', () => {
  it('waits 1 s, 2 s, 4 s, … (at most 5 min) after each failed delivery and gives up after the last allowed one', () => {
    const delays = Array.from({ length: WEBHOOK_TRIES_MAX }, (_, i) => nextAttemptDelayMs(i + 1));
    // Twelve deliveries ride out a receiver down for about 18 minutes.
    expect(WEBHOOK_TRIES_MAX).toBe(12);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000, null]);
  });

  it('is 1 s × 2^(attempts − 1) capped at 5 min before the last try, and null from the last try on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (attempts) => {
        const delay = nextAttemptDelayMs(attempts);
        if (attempts >= WEBHOOK_TRIES_MAX) expect(delay).toBeNull();
        else expect(delay).toBe(Math.min(WEBHOOK_RETRY_DELAY_MS_MAX, WEBHOOK_RETRY_DELAY_MS_FIRST * 2 ** (attempts - 1)));
      }),
    );
  });

  it('never shortens from one attempt to the next, and never exceeds the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: WEBHOOK_TRIES_MAX - 2 }), (attempts) => {
        const a = nextAttemptDelayMs(attempts)!;
        const b = nextAttemptDelayMs(attempts + 1)!;
        expect(b).toBeGreaterThanOrEqual(a);
        expect(b).toBeLessThanOrEqual(WEBHOOK_RETRY_DELAY_MS_MAX);
      }),
    );
  });

  it('refuses an attempt count that cannot come from the queue (a delivery is counted when it is claimed)', () => {
    for (const attempts of [0, -1, 1.5, NaN]) expect(() => nextAttemptDelayMs(attempts)).toThrow(/positive integer/);
  });
});

describe('the decision after a delivery', () => {
  it('marks any 2xx delivered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 299 }), fc.integer({ min: 1, max: 100 }), (status, attempts) =>
        expect(decideDelivery({ type: 'answered', status }, attempts)).toEqual({ type: 'delivered', status }),
      ),
    );
  });

  it('retries any other answer or a failed request by the retry rule, and gives up when it says so', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 100, max: 199 }), fc.integer({ min: 300, max: 599 })), fc.integer({ min: 1, max: 12 }), (status, attempts) => {
        const outcome = decideDelivery({ type: 'answered', status }, attempts);
        const delayMs = nextAttemptDelayMs(attempts);
        if (delayMs === null) expect(outcome).toEqual({ type: 'given-up', status, error: expect.stringContaining(`HTTP ${status}`) });
        else expect(outcome).toEqual({ type: 'retry', delayMs, status, error: expect.stringContaining(`HTTP ${status}`) });
      }),
    );
    expect(decideDelivery({ type: 'failed', error: 'fetch failed: ECONNREFUSED' }, 1)).toEqual({ type: 'retry', delayMs: 1000, status: null, error: 'fetch failed: ECONNREFUSED' });
    expect(decideDelivery({ type: 'failed', error: 'no answer within 5000 ms' }, WEBHOOK_TRIES_MAX)).toEqual({ type: 'given-up', status: null, error: 'no answer within 5000 ms' });
  });

  it('counts a redirect as a failure, saying why', () => {
    expect(decideDelivery({ type: 'answered', status: 302 }, 1)).toEqual({ type: 'retry', delayMs: 1000, status: 302, error: 'HTTP 302: redirects are not followed' });
  });

  it('gives up a refused URL at once, whatever the count', () => {
    expect(decideDelivery({ type: 'refused', reason: 'the host x resolves to 10.0.0.1, an address inside the network' }, 1)).toEqual({
      type: 'given-up',
      status: null,
      error: 'refused: the host x resolves to 10.0.0.1, an address inside the network',
    });
  });

  it('takes the retry rule it is given', () => {
    expect(decideDelivery({ type: 'answered', status: 500 }, 3, () => 5)).toEqual({ type: 'retry', delayMs: 5, status: 500, error: 'HTTP 500' });
    expect(decideDelivery({ type: 'answered', status: 500 }, 3, () => null)).toEqual({ type: 'given-up', status: 500, error: 'HTTP 500' });
  });
});

describe('the webhook headers', () => {
  const body = JSON.stringify({ campaign_sid: 'CP0123', status: 'completed', note: 'näive ✓' });

  it('sign the exact body bytes: X-Clarion-Signature is sha256=<hex HMAC-SHA256>, keyed with the signing key', () => {
    const headers = webhookHeaders({ id: '42', kind: 'call-status', body, signingKey: 'token-1' });
    expect(headers['X-Clarion-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(headers['X-Clarion-Signature']).toBe('sha256=' + createHmac('sha256', 'token-1').update(Buffer.from(body, 'utf8')).digest('hex'));
    // A known vector, so the format cannot drift unnoticed (e.g. to base64, or to signing a re-serialization).
    expect(webhookHeaders({ id: '1', kind: 'status', body: '{"a":1}', signingKey: 'key' })['X-Clarion-Signature']).toBe('sha256=' + createHmac('sha256', 'key').update('{"a":1}').digest('hex'));
  });

  it('change with any byte of the body or the key', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (key, a, b) => {
        fc.pre(a !== b);
        const sign = (k: string, s: string) => webhookHeaders({ id: '1', kind: 'status', body: s, signingKey: k })['X-Clarion-Signature'];
        expect(sign(key, a)).not.toBe(sign(key, b));
        expect(sign(key, a)).not.toBe(sign(key + 'x', a));
      }),
    );
  });

  it('carry the content type, the user agent, the id and the kind', () => {
    expect(webhookHeaders({ id: '42', kind: 'call-schedule', body, signingKey: 'k' })).toEqual({
      'content-type': 'application/json',
      'user-agent': 'Clarion-Webhooks/1',
      'X-Clarion-Signature': expect.stringMatching(/^sha256=/),
      'X-Clarion-Webhook-Id': '42',
      'X-Clarion-Webhook-Kind': 'call-schedule',
    });
  });
});

describe('enqueueing', () => {
  const webhook: Webhook = { campaignSid: 'CP1', kind: 'status', url: 'https://hooks.example.com/cb', body: { status: 'started' }, signingKey: 'k' };
  const recorder = () => {
    const statements: { sql: string; params: unknown[] }[] = [];
    return { statements, tx: { query: async (sql: string, params: unknown[] = []) => (statements.push({ sql, params }), []) } };
  };

  it('serializes the body once, in one INSERT', async () => {
    const { statements, tx } = recorder();
    await enqueueWebhook(tx, webhook);
    expect(statements).toHaveLength(1);
    expect(statements[0].params).toEqual(['CP1', 'status', 'https://hooks.example.com/cb', '{"status":"started"}', 'k']);
  });

  it('queues a batch in one statement per thousand rows', async () => {
    const { statements, tx } = recorder();
    await enqueueWebhooks(tx, []);
    expect(statements).toHaveLength(0);
    await enqueueWebhooks(
      tx,
      Array.from({ length: 2500 }, (_, i) => ({ ...webhook, body: { i } })),
    );
    expect(statements.map((s) => (s.params[3] as string[]).length)).toEqual([1000, 1000, 500]);
    expect(statements.every((s) => /unnest/.test(s.sql))).toBe(true);
    expect((statements[2].params[3] as string[])[499]).toBe('{"i":2499}');
  });

  it('refuses what breaks the queue: an unknown kind, an empty key or sid, a body over the limit', async () => {
    const { statements, tx } = recorder();
    await expect(enqueueWebhook(tx, { ...webhook, kind: 'other' as never })).rejects.toThrow(/unknown kind/);
    await expect(enqueueWebhook(tx, { ...webhook, signingKey: '' })).rejects.toThrow(/signingKey/);
    await expect(enqueueWebhook(tx, { ...webhook, campaignSid: '' })).rejects.toThrow(/campaignSid/);
    await expect(enqueueWebhook(tx, { ...webhook, body: { x: 'a'.repeat(WEBHOOK_BODY_BYTES_MAX) } })).rejects.toThrow(/over/);
    expect(statements).toHaveLength(0);
  });
});
