import http from 'node:http';
import https from 'node:https';
import type { Platform } from '@clarion/platform';
import { CALLBACK_LOOKUP_TIMEOUT_MS, bodySignature, checkCallbackUrl, publicOnlyLookup } from '@clarion/voice';

/**
 * Campaign webhooks (seed 002's status_callback, call_status_callback and call_schedule_callback),
 * delivery side: a durable queue in Postgres (webhook_outbox, see webhooks.migrations.ts), a pure
 * retry rule, and a small timer that POSTs what is due.
 *
 * Delivery is at least once. A row is claimed with a lease, so two dispatch-svc instances never
 * deliver it at the same time; but a deliverer that dies between the receiver's answer and the
 * recording of it leaves the row to be delivered again when its lease ends. Receivers drop such
 * repeats by X-Clarion-Webhook-Id.
 */

export type WebhookKind = 'status' | 'call-status' | 'call-schedule';
export const WEBHOOK_KINDS: readonly WebhookKind[] = ['status', 'call-status', 'call-schedule'];

/** Deliveries made of one webhook before it is given up. */
export const WEBHOOK_TRIES_MAX = 12;
/** The wait after the first failed delivery; it doubles after each further one, up to WEBHOOK_RETRY_DELAY_MS_MAX. */
export const WEBHOOK_RETRY_DELAY_MS_FIRST = 1000;
export const WEBHOOK_RETRY_DELAY_MS_MAX = 5 * 60_000;
/** A body above this is a bug of the caller (the seed's callbacks are a few hundred bytes). */
export const WEBHOOK_BODY_BYTES_MAX = 64 * 1024;
/** Delivered and given-up rows are kept this long (for support questions), then pruned. */
export const WEBHOOK_RETENTION_MS = 7 * 24 * 3600_000;
export const WEBHOOK_TIMEOUT_MS_DEFAULT = 5000;
export const WEBHOOK_CONCURRENCY_DEFAULT = 8;
/** POSTs in flight per instance at most, and how long one may take: bounds on the options. */
const WEBHOOK_CONCURRENCY_MAX = 64;
const WEBHOOK_TIMEOUT_MS_MAX = 60_000;
/** Rows per INSERT of enqueueWebhooks: a statement's parameters stay a few hundred kilobytes. */
const ENQUEUE_ROWS_PER_STATEMENT_MAX = 1000;
/** Finished rows deleted per tick: pruning never holds up delivery for long. */
const PRUNE_ROWS_PER_TICK_MAX = 1000;
/** A receiver's error text is cut to this length before it is stored. */
const ERROR_CHARS_MAX = 500;
/** Extra time on a claim's lease, for the database round trips around the POSTs and a slow event loop. */
const LEASE_MARGIN_MS = 30_000;

export interface Webhook {
  campaignSid: string;
  kind: WebhookKind;
  url: string;
  body: Record<string, unknown>;
  signingKey: string;
}

/** What enqueueing needs of a transaction: Tx of @clarion/platform fits. */
export interface WebhookTx {
  query: (sql: string, params?: unknown[]) => Promise<any[]>;
}

// ---- The pure core ----

/**
 * How long to wait after the `attempts`-th failed delivery before the next one: 1 s, 2 s, 4 s, …
 * capped at WEBHOOK_RETRY_DELAY_MS_MAX; null once WEBHOOK_TRIES_MAX deliveries were made (give up).
 */
export function nextAttemptDelayMs(attempts: number): number | null {
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`nextAttemptDelayMs: attempts must be a positive integer, not ${attempts}`);
  if (attempts >= WEBHOOK_TRIES_MAX) return null;
  // The exponent is bounded before the power, so a large count cannot overflow to Infinity.
  return Math.min(WEBHOOK_RETRY_DELAY_MS_MAX, WEBHOOK_RETRY_DELAY_MS_FIRST * 2 ** Math.min(attempts - 1, 30));
}

/** What one delivery came to: the receiver answered, the request failed, or the URL was refused before any request. */
export type DeliveryResult = { type: 'answered'; status: number } | { type: 'failed'; error: string } | { type: 'refused'; reason: string };

export type DeliveryOutcome =
  | { type: 'delivered'; status: number }
  | { type: 'retry'; delayMs: number; status: number | null; error: string }
  | { type: 'given-up'; status: number | null; error: string };

/**
 * The decision after a delivery, the `attempts`-th of its webhook: delivered on a 2xx; given up at
 * once when the URL was refused (retrying cannot make an address public again in time to matter,
 * and every try would be one more request towards the network it points into); otherwise retried
 * after `delayMs(attempts)`, or given up when that is null.
 */
export function decideDelivery(result: DeliveryResult, attempts: number, delayMs: (attempts: number) => number | null = nextAttemptDelayMs): DeliveryOutcome {
  let status: number | null = null;
  let error: string;
  switch (result.type) {
    case 'answered':
      if (result.status >= 200 && result.status < 300) return { type: 'delivered', status: result.status };
      status = result.status;
      // A redirect is not followed: it could point inside the network, past the URL check.
      error = result.status >= 300 && result.status < 400 ? `HTTP ${result.status}: redirects are not followed` : `HTTP ${result.status}`;
      break;
    case 'failed':
      error = result.error;
      break;
    case 'refused':
      return { type: 'given-up', status: null, error: `refused: ${result.reason}` };
    default: {
      const never: never = result;
      throw new Error(`unknown delivery result ${JSON.stringify(never)}`);
    }
  }
  const wait = delayMs(attempts);
  return wait === null ? { type: 'given-up', status, error } : { type: 'retry', delayMs: wait, status, error };
}

/** The headers of a webhook's POST; the signature is over the exact body bytes that are sent. */
export function webhookHeaders(w: { id: string; kind: WebhookKind; body: string; signingKey: string }): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Clarion-Webhooks/1',
    'X-Clarion-Signature': bodySignature(w.signingKey, w.body),
    // Delivery is at least once: the id lets a receiver drop a repeat.
    'X-Clarion-Webhook-Id': w.id,
    'X-Clarion-Webhook-Kind': w.kind,
  };
}

// ---- Enqueueing (inside the caller's transaction) ----

/**
 * Queues one webhook in the caller's transaction, so that it exists exactly when the change it
 * reports commits. The body is serialized here, once: those bytes are what is signed and sent.
 */
export async function enqueueWebhook(tx: WebhookTx, w: Webhook): Promise<void> {
  const row = toRow(w);
  await tx.query('INSERT INTO webhook_outbox (campaign_sid, kind, url, body, signing_key) VALUES ($1, $2, $3, $4, $5)', row);
}

/** Queues many webhooks in one statement per ENQUEUE_ROWS_PER_STATEMENT_MAX (a campaign's batch of calls settling at once). */
export async function enqueueWebhooks(tx: WebhookTx, ws: readonly Webhook[]): Promise<void> {
  const rows = ws.map(toRow);
  for (let i = 0; i < rows.length; i += ENQUEUE_ROWS_PER_STATEMENT_MAX) {
    const chunk = rows.slice(i, i + ENQUEUE_ROWS_PER_STATEMENT_MAX);
    await tx.query(
      `INSERT INTO webhook_outbox (campaign_sid, kind, url, body, signing_key)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [0, 1, 2, 3, 4].map((column) => chunk.map((row) => row[column])),
    );
  }
}

/** A webhook as its row's values; what breaks the queue's assumptions is refused as the caller's bug. */
function toRow(w: Webhook): [string, WebhookKind, string, string, string] {
  if (!WEBHOOK_KINDS.includes(w.kind)) throw new Error(`enqueueWebhook: unknown kind ${String(w.kind)}`);
  if (!w.campaignSid) throw new Error('enqueueWebhook: campaignSid is empty');
  // With an empty key anyone could compute the signature: a receiver would be told a forgery is ours.
  if (!w.signingKey) throw new Error('enqueueWebhook: signingKey is empty');
  const body = JSON.stringify(w.body);
  const bytes = Buffer.byteLength(body);
  if (bytes > WEBHOOK_BODY_BYTES_MAX) throw new Error(`enqueueWebhook: body of ${bytes} bytes is over ${WEBHOOK_BODY_BYTES_MAX}`);
  return [w.campaignSid, w.kind, w.url, body, w.signingKey];
}

// ---- Delivery (a timer of dispatch-svc) ----

export interface WebhookDeliveryOptions {
  /** Whether URLs may point inside the network (webhooksAllowPrivate(): development and tests only). */
  allowPrivate: boolean;
  /** How long one POST may take, answer included. */
  timeoutMs?: number;
  /** POSTs in flight at most, per instance. */
  concurrency?: number;
  /** Rows claimed per tick; by default four rounds of `concurrency`. */
  batchMax?: number;
  /** The clock, in epoch milliseconds; by default the database's, which every instance shares. */
  now?: () => number;
  /** The retry rule; tests shorten it. */
  delayMs?: (attempts: number) => number | null;
}

interface ClaimedWebhook {
  id: string;
  campaign_sid: string;
  kind: WebhookKind;
  url: string;
  body: string;
  signing_key: string;
  attempts: number;
}

/**
 * `$1` of every statement: the injected clock (epoch ms) or, when null, the database's own.
 * One clock for the due check, the leases and the retries, so instances whose clocks differ
 * still agree on when a lease ends.
 */
const NOW = 'COALESCE(to_timestamp($1::float8 / 1000), now())';

/**
 * Each tick claims the webhooks that are due, POSTs them, and records each answer; then prunes
 * finished rows past WEBHOOK_RETENTION_MS. A receiver's failure never escapes tick(): it is
 * recorded on its row. Only the database's errors do (the timer logs them and ticks again).
 */
export class WebhookDelivery {
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly batchMax: number;
  private readonly leaseMs: number;
  private readonly delayMs: (attempts: number) => number | null;

  constructor(
    private readonly platform: Pick<Platform, 'query'>,
    private readonly options: WebhookDeliveryOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS_DEFAULT;
    this.concurrency = options.concurrency ?? WEBHOOK_CONCURRENCY_DEFAULT;
    this.batchMax = options.batchMax ?? this.concurrency * 4;
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs < 1 || this.timeoutMs > WEBHOOK_TIMEOUT_MS_MAX) throw new Error(`WebhookDelivery: timeoutMs must be 1..${WEBHOOK_TIMEOUT_MS_MAX}`);
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1 || this.concurrency > WEBHOOK_CONCURRENCY_MAX)
      throw new Error(`WebhookDelivery: concurrency must be 1..${WEBHOOK_CONCURRENCY_MAX}`);
    if (!Number.isInteger(this.batchMax) || this.batchMax < 1 || this.batchMax > WEBHOOK_CONCURRENCY_MAX * 16) throw new Error(`WebhookDelivery: batchMax must be 1..${WEBHOOK_CONCURRENCY_MAX * 16}`);
    // The lease outlasts the slowest possible tick (every round of POSTs waiting for the resolver
    // and then the timeout), so a row is never delivered by two instances at once.
    this.leaseMs = Math.ceil(this.batchMax / this.concurrency) * (CALLBACK_LOOKUP_TIMEOUT_MS + this.timeoutMs) + LEASE_MARGIN_MS;
    this.delayMs = options.delayMs ?? nextAttemptDelayMs;
  }

  /** Delivers what is due; answers how many deliveries it made (refusals included). */
  async tick(): Promise<number> {
    const claimed = await this.claim();
    await inParallel(claimed, this.concurrency, (row) => this.deliver(row));
    await this.prune();
    return claimed.length;
  }

  /**
   * Takes up to batchMax due rows for this instance: their next_at moves to the end of a lease
   * (so nobody else finds them due), and the delivery counts as made. SKIP LOCKED lets concurrent
   * claimers pass each other's rows instead of waiting for them; a row committed by another claimer
   * meanwhile is re-checked and, no longer due, skipped.
   */
  private claim(): Promise<ClaimedWebhook[]> {
    return this.platform.query<ClaimedWebhook>(
      `UPDATE webhook_outbox SET next_at = ${NOW} + make_interval(secs => $2::float8 / 1000), attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM webhook_outbox
         WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_at <= ${NOW}
         ORDER BY next_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING id::text AS id, campaign_sid, kind, url, body, signing_key, attempts`,
      [this.clock(), this.leaseMs, this.batchMax],
    );
  }

  private async deliver(row: ClaimedWebhook): Promise<void> {
    // Again before each delivery: what the host resolves to may have changed since the campaign was made.
    const check = await checkCallbackUrl(row.url, { allowPrivate: this.options.allowPrivate });
    const result: DeliveryResult = check.ok ? await this.post(row) : { type: 'refused', reason: check.reason };
    await this.record(row, decideDelivery(result, row.attempts, this.delayMs));
  }

  /** One POST; every way it can go wrong is a result, never an exception. */
  private async post(row: ClaimedWebhook): Promise<DeliveryResult> {
    try {
      const status = await postOnce(row.url, webhookHeaders({ id: row.id, kind: row.kind, body: row.body, signingKey: row.signing_key }), row.body, this.timeoutMs, this.options.allowPrivate);
      return { type: 'answered', status };
    } catch (err) {
      return { type: 'failed', error: describePostError(err, this.timeoutMs) };
    }
  }

  /**
   * Writes the outcome, fenced by the delivery count of the claim: should this instance have
   * outlived its lease and another have claimed the row since, the newer delivery's outcome wins.
   */
  private async record(row: ClaimedWebhook, outcome: DeliveryOutcome): Promise<void> {
    const still = 'id = $2 AND attempts = $3 AND delivered_at IS NULL AND given_up_at IS NULL';
    switch (outcome.type) {
      case 'delivered':
        await this.platform.query(`UPDATE webhook_outbox SET delivered_at = ${NOW}, last_status = $4, last_error = NULL WHERE ${still}`, [this.clock(), row.id, row.attempts, outcome.status]);
        return;
      case 'retry':
        await this.platform.query(`UPDATE webhook_outbox SET next_at = ${NOW} + make_interval(secs => $6::float8 / 1000), last_status = $4, last_error = $5 WHERE ${still}`, [
          this.clock(),
          row.id,
          row.attempts,
          outcome.status,
          outcome.error.slice(0, ERROR_CHARS_MAX),
          outcome.delayMs,
        ]);
        return;
      case 'given-up':
        await this.platform.query(`UPDATE webhook_outbox SET given_up_at = ${NOW}, last_status = $4, last_error = $5 WHERE ${still}`, [
          this.clock(),
          row.id,
          row.attempts,
          outcome.status,
          outcome.error.slice(0, ERROR_CHARS_MAX),
        ]);
        // Rare, and what an operator is asked about: one line each. The URL is left out, it may carry a customer's secret.
        console.error(
          `[dispatch-svc] webhook ${row.id} (${row.kind}, campaign ${row.campaign_sid}) given up after ${row.attempts} ${row.attempts === 1 ? 'delivery' : 'deliveries'}: ${outcome.error.slice(0, ERROR_CHARS_MAX)}`,
        );
        return;
      default: {
        const never: never = outcome;
        throw new Error(`unknown delivery outcome ${JSON.stringify(never)}`);
      }
    }
  }

  /** Deletes up to PRUNE_ROWS_PER_TICK_MAX rows finished more than WEBHOOK_RETENTION_MS ago (an index range, see the migration). */
  private async prune(): Promise<void> {
    await this.platform.query(
      `DELETE FROM webhook_outbox WHERE id IN (
         SELECT id FROM webhook_outbox
         WHERE (delivered_at IS NOT NULL OR given_up_at IS NOT NULL) AND COALESCE(delivered_at, given_up_at) < ${NOW} - make_interval(secs => $2::float8 / 1000)
         LIMIT $3)`,
      [this.clock(), WEBHOOK_RETENTION_MS, PRUNE_ROWS_PER_TICK_MAX],
    );
  }

  private clock(): number | null {
    return this.options.now ? this.options.now() : null;
  }
}

/**
 * Runs `work` over the items with at most `limit` at a time, and waits for all of them even when
 * one fails (so nothing of this tick is still running when the next starts); then throws the first error.
 */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  const failed = (await Promise.allSettled(workers)).find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** fetch's errors say "fetch failed"; the reason (ECONNREFUSED, a certificate, a timeout) is in their cause. */
function describePostError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; code?: string } | undefined;
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return e?.code && !e.message?.includes(e.code) ? `${e.message}: ${e.code}` : (e?.message ?? String(err));
}

/**
 * One POST over node:http(s), answered by its status. It connects through publicOnlyLookup (the
 * addresses checked are the ones connected to), on a connection of its own (no pooled socket
 * outlives a check), follows no redirect (a 3xx is an answer, and not a 2xx), and gives up after
 * `timeoutMs`, answer included. The answer's body is drained and dropped.
 */
function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number, allowPrivate: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = target.protocol === 'https:' ? https.request : http.request;
    const req = request(target, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: publicOnlyLookup(allowPrivate), agent: false }, (res) => {
      clearTimeout(timer);
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
