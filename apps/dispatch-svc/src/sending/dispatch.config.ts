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
  /** A 'sending' row this old is not in flight in any live process: its outcome is in doubt. */
  inDoubtAfterMs: number;
  /** The carrier answers query_sm by our own submit reference (the bundled simulator does). */
  referenceQueries: boolean;
  tickMs: number;
}

export function readDispatchConfig(env: NodeJS.ProcessEnv = process.env): DispatchConfig {
  const config: DispatchConfig = {
    smppUrl: env.SMPP_URL ?? 'smpp://clarion:clarion@127.0.0.1:2775',
    claimBatchSize: intFromEnv('DISPATCH_CLAIM_BATCH_SIZE', 100, env),
    batchesInFlight: intFromEnv('DISPATCH_BATCHES_IN_FLIGHT', 3, env),
    windowSize: intFromEnv('DISPATCH_WINDOW_SIZE', 300, env),
    maxAttempts: intFromEnv('DISPATCH_MAX_ATTEMPTS', 5, env),
    ratePerSecondMax: intFromEnv('DISPATCH_RATE_PER_SECOND_MAX', 0, env),
    responseTimeoutMs: intFromEnv('DISPATCH_RESPONSE_TIMEOUT_MS', 10000, env),
    // How long an in-doubt send waits for a delivery receipt before it is final as 'unknown'.
    reconcileTimeoutMs: intFromEnv('DISPATCH_RECONCILE_TIMEOUT_MS', 60000, env),
    tickMs: intFromEnv('DISPATCH_TICK_MS', 250, env),
    inDoubtAfterMs: 0,
    referenceQueries: env.SMPP_REFERENCE_QUERY === '1',
  };
  config.inDoubtAfterMs = config.responseTimeoutMs + 2000;
  // Every claimed send must be written to the carrier at once: a send recorded as 'sending' but
  // still waiting for a window slot would be lost by a crash (never written, never re-sent). So
  // what the sender loops can claim together never exceeds the window.
  if (config.claimBatchSize < 1 || config.windowSize < 1) throw new Error('DISPATCH_CLAIM_BATCH_SIZE and DISPATCH_WINDOW_SIZE must be at least 1');
  config.claimBatchSize = Math.min(config.claimBatchSize, config.windowSize);
  config.batchesInFlight = Math.max(1, Math.min(config.batchesInFlight, Math.floor(config.windowSize / config.claimBatchSize)));
  return config;
}
