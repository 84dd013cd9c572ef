import { ConcurrencyError } from './event-store';

/**
 * The platform's error taxonomy (DESIGN, "Three kinds of errors"). Business outcomes never get
 * here: they are values. What a handler throws is one of:
 * - retriable: the infrastructure is away or busy (connection lost, timeout, deadlock, serialization
 *   failure, broker unavailable, concurrency conflict). Retried for as long as it lasts.
 * - poison: the message can never succeed (undecodable, invalid, unknown version). Dead-lettered.
 * - bug: a broken assumption (an assertion, a TypeError). Dead-lettered and logged loudly.
 */
export type ErrorKind = 'retriable' | 'poison' | 'bug';

/** Thrown by a handler (or the transport) for a message that can never be handled. */
export class PoisonMessageError extends Error {
  readonly kind = 'poison';
  constructor(reason: string) {
    super(reason);
    this.name = 'PoisonMessageError';
  }
}

/** Thrown for an infrastructure condition the code detected itself; always retried. */
export class RetriableError extends Error {
  readonly kind = 'retriable';
  constructor(
    reason: string,
    override readonly cause?: unknown,
  ) {
    super(reason);
    this.name = 'RetriableError';
  }
}

/** SQLSTATE classes and codes that say "the database is away, busy or in conflict", not "your data is wrong". */
const RETRIABLE_SQLSTATE_CLASSES = ['08', '40', '53', '57', '58', 'XX'];
const RETRIABLE_SQLSTATES = new Set([
  '55P03', // lock_not_available
  '55006', // object_in_use
  '23505', // unique_violation: two writers raced for one key; reading again decides again
  '25P02', // in_failed_sql_transaction: the transaction died under us
  '3D000', // invalid_catalog_name: the database is being created by another instance
]);

const RETRIABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * Messages of node-postgres and TypeORM errors that carry no code when the socket goes away, and of
 * kafkajs errors that wrap broker unavailability.
 */
const RETRIABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Connection is not established|Query read timeout|server closed the connection|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Cannot use a pool after calling end|Client was closed|socket hang up|write after end|Broker|KafkaJS.*(Connection|Timeout|not available|Retries exceeded)|Request timed out|Closed connection|This server is not the leader|There is no leader|Not coordinator|coordinator is (loading|not available)/i;

interface ErrorLike {
  name?: string;
  code?: unknown;
  message?: string;
  retriable?: boolean;
  kind?: string;
  driverError?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

/** Which kind an error thrown by a handler is; anything unrecognised counts as a bug. */
export function classifyError(err: unknown, depth = 0): ErrorKind {
  if (!err || typeof err !== 'object' || depth > 5) return 'bug';
  const e = err as ErrorLike;
  if (e.kind === 'retriable' || e.kind === 'poison' || e.kind === 'bug') return e.kind as ErrorKind;
  if (err instanceof ConcurrencyError) return 'retriable';
  // kafkajs marks its own errors; `retriable` true means the broker asked us to try again.
  if (typeof e.name === 'string' && e.name.startsWith('KafkaJS')) {
    if (e.retriable || RETRIABLE_MESSAGES.test(e.message ?? '') || /Connection|Timeout|NumberOfRetriesExceeded|Lock/.test(e.name)) return 'retriable';
  }
  if (typeof e.code === 'string') {
    if (RETRIABLE_NODE_CODES.has(e.code)) return 'retriable';
    if (/^[0-9A-Z]{5}$/.test(e.code) && (RETRIABLE_SQLSTATES.has(e.code) || RETRIABLE_SQLSTATE_CLASSES.includes(e.code.slice(0, 2)))) return 'retriable';
  }
  if (RETRIABLE_MESSAGES.test(e.message ?? '')) return 'retriable';
  for (const inner of [e.driverError, e.cause, e.originalError]) {
    if (inner && classifyError(inner, depth + 1) === 'retriable') return 'retriable';
  }
  return 'bug';
}

export function isRetriable(err: unknown): boolean {
  return classifyError(err) === 'retriable';
}

/**
 * Runs `step` again while it fails with an infrastructure error, with capped backoff, for as long
 * as that lasts (or until `live()` turns false). Used where a result already obtained from the
 * outside world (a carrier's answer) must be recorded and dropping it would lose it.
 */
export async function retryWhileRetriable<T>(what: string, step: () => Promise<T>, options: { live?: () => boolean; delayMsMax?: number } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!isRetriable(err) || (options.live && !options.live())) throw err;
      if (attempt === 1 || attempt % 20 === 0) console.error(`${what}: waiting for the infrastructure (attempt ${attempt}): ${(err as Error).message}`);
      const delayMs = Math.min(options.delayMsMax ?? 2000, 50 * 2 ** Math.min(attempt, 10));
      await new Promise((r) => setTimeout(r, delayMs * (0.5 + Math.random())));
    }
  }
}
