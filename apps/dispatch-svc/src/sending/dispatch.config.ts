import { intFromEnv } from '@clarion/platform';

/** Dispatch limits and timings, each overridable by an environment variable of the same name. */
export interface DispatchConfig {
  smppUrl: string;
  claimBatchSize: number;
  batchesInFlight: number;
  windowSize: number;
  maxAttempts: number;
  ratePerSecondMax: number;
  responseTimeoutMs: number;
  reconcileTimeoutMs: number;
  tickMs: number;
}

export function readDispatchConfig(env: NodeJS.ProcessEnv = process.env): DispatchConfig {
  return {
    smppUrl: env.SMPP_URL ?? 'smpp://clarion:clarion@127.0.0.1:2775',
    claimBatchSize: intFromEnv('DISPATCH_CLAIM_BATCH_SIZE', 200, env),
    batchesInFlight: intFromEnv('DISPATCH_BATCHES_IN_FLIGHT', 3, env),
    windowSize: intFromEnv('DISPATCH_WINDOW_SIZE', 200, env),
    maxAttempts: intFromEnv('DISPATCH_MAX_ATTEMPTS', 5, env),
    ratePerSecondMax: intFromEnv('DISPATCH_RATE_PER_SECOND_MAX', 0, env),
    responseTimeoutMs: intFromEnv('DISPATCH_RESPONSE_TIMEOUT_MS', 10000, env),
    // How long an in-doubt send waits for a delivery receipt before it is final as 'unknown'.
    reconcileTimeoutMs: intFromEnv('DISPATCH_RECONCILE_TIMEOUT_MS', 60000, env),
    tickMs: intFromEnv('DISPATCH_TICK_MS', 250, env),
  };
}
