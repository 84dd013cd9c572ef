import { intFromEnv } from '@clarion/platform';

/** A token bucket's state: tokens left and when they were counted. Pure: time comes in. */
export interface Bucket {
  tokens: number;
  atMs: number;
}

export type Taken = { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAfterSeconds: number };

/** Takes one token from a bucket refilled at `ratePerSecond` up to `burst`. */
export function takeToken(bucket: Bucket | undefined, nowMs: number, ratePerSecond: number, burst: number): Taken {
  const start = bucket ?? { tokens: burst, atMs: nowMs };
  const tokens = Math.min(burst, start.tokens + (Math.max(0, nowMs - start.atMs) / 1000) * ratePerSecond);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, atMs: nowMs } };
  return { ok: false, bucket: { tokens, atMs: nowMs }, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)) };
}

export interface AccountLimitSettings {
  requestsPerSecond: number;
  requestsBurst: number;
  uploadsConcurrentMax: number;
  /** Accounts remembered at most; the least recently seen are forgotten first. */
  accountsMax: number;
}

export function readAccountLimitSettings(env: NodeJS.ProcessEnv = process.env): AccountLimitSettings {
  return {
    requestsPerSecond: Math.max(1, intFromEnv('GATEWAY_REQUESTS_PER_SECOND', 50, env)),
    requestsBurst: Math.max(1, intFromEnv('GATEWAY_REQUESTS_BURST', 100, env)),
    uploadsConcurrentMax: Math.max(1, intFromEnv('GATEWAY_UPLOADS_CONCURRENT_MAX', 10, env)),
    accountsMax: 100_000,
  };
}

/**
 * Per-account request rate and concurrent uploads. State lives in this gateway instance's memory:
 * with N instances behind a balancer an account gets up to N times the rate, which bounds abuse
 * without a shared store on every request.
 */
export class AccountLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly uploads = new Map<string, number>();

  constructor(readonly settings: AccountLimitSettings = readAccountLimitSettings()) {}

  /** null when the request may go on, else the seconds to wait. */
  request(accountSid: string, nowMs = Date.now()): number | null {
    const taken = takeToken(this.buckets.get(accountSid), nowMs, this.settings.requestsPerSecond, this.settings.requestsBurst);
    // Re-inserting keeps the map in least-recently-seen order, so eviction takes the idlest account.
    this.buckets.delete(accountSid);
    this.buckets.set(accountSid, taken.bucket);
    if (this.buckets.size > this.settings.accountsMax) this.buckets.delete(this.buckets.keys().next().value!);
    return taken.ok ? null : taken.retryAfterSeconds;
  }

  /** A release function when an upload slot was free, else null. */
  startUpload(accountSid: string): (() => void) | null {
    const running = this.uploads.get(accountSid) ?? 0;
    if (running >= this.settings.uploadsConcurrentMax) return null;
    this.uploads.set(accountSid, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.uploads.get(accountSid) ?? 1) - 1;
      if (left <= 0) this.uploads.delete(accountSid);
      else this.uploads.set(accountSid, left);
    };
  }
}
