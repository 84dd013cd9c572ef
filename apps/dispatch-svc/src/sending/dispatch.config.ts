import { intFromEnv } from '@clarion/platform';
import { BINDS_MAX, parseSmppUrl } from '@clarion/smpp';
import type { VoiceSettings } from '@clarion/voice';

/** Dispatch limits and timings, each overridable by an environment variable of the same name. */
export interface DispatchConfig {
  smppUrl: string;
  /** Names the carrier account whose rate the instances share: system_id@host:port of SMPP_URL. */
  carrierKey: string;
  /** Sessions that carry submits, each with its own window. */
  binds: number;
  bindType: 'transceiver' | 'transmitter';
  /** bind_receiver sessions for receipts, when the binds are transmitters. */
  receiverBinds: number;
  claimBatchSize: number;
  batchesInFlight: number;
  windowSize: number;
  maxAttempts: number;
  /** Messages (PDUs) per second to this carrier from every instance together; 0: no cap. */
  ratePerSecondMax: number;
  /** How low a throttling carrier can push this instance's rate. */
  ratePerSecondMin: number;
  /** What each second of clean sending adds back to a rate the carrier throttled. */
  rateStepPerSecond: number;
  responseTimeoutMs: number;
  reconcileTimeoutMs: number;
  /** A claim whose holder has not beaten for this long is held by nobody: its unanswered sends are in doubt. */
  leaseMs: number;
  /** Batches of answers being recorded behind the sender at once. */
  recordingsMax: number;
  /** Receipts are stored (and acknowledged) in batches gathered for at most this long. */
  receiptFlushMs: number;
  /** A receipt whose send never gets its message id is dropped after this long. */
  pendingReceiptKeepMs: number;
  /** Sends of a finished campaign are kept this long (late receipts, reports), then pruned. */
  sendsRetentionMs: number;
  /** How the parts of a long SMS are tied together: a UDH in each part, or SAR TLVs. */
  concatenation: 'udh' | 'sar';
  /** The carrier answers query_sm by our own submit reference (the bundled simulator does). */
  referenceQueries: boolean;
  tickMs: number;
}

export function readDispatchConfig(env: NodeJS.ProcessEnv = process.env): DispatchConfig {
  const smppUrl = env.SMPP_URL ?? 'smpp://clarion:clarion@127.0.0.1:2775';
  const endpoint = parseSmppUrl(smppUrl);
  if (env.SMPP_BIND_TYPE && !['transceiver', 'transmitter'].includes(env.SMPP_BIND_TYPE)) throw new Error(`SMPP_BIND_TYPE must be transceiver or transmitter, not ${env.SMPP_BIND_TYPE}`);
  const config: DispatchConfig = {
    smppUrl,
    carrierKey: `${endpoint.systemId}@${endpoint.host}:${endpoint.port}`,
    binds: intFromEnv('SMPP_BINDS', 1, env),
    bindType: env.SMPP_BIND_TYPE === 'transmitter' ? 'transmitter' : 'transceiver',
    receiverBinds: intFromEnv('SMPP_RECEIVER_BINDS', 1, env),
    claimBatchSize: intFromEnv('DISPATCH_CLAIM_BATCH_SIZE', 100, env),
    batchesInFlight: intFromEnv('DISPATCH_BATCHES_IN_FLIGHT', 3, env),
    windowSize: intFromEnv('DISPATCH_WINDOW_SIZE', 300, env),
    maxAttempts: intFromEnv('DISPATCH_MAX_ATTEMPTS', 5, env),
    ratePerSecondMax: intFromEnv('DISPATCH_RATE_PER_SECOND_MAX', 0, env),
    ratePerSecondMin: intFromEnv('DISPATCH_RATE_PER_SECOND_MIN', 10, env),
    rateStepPerSecond: intFromEnv('DISPATCH_RATE_STEP_PER_SECOND', 50, env),
    responseTimeoutMs: intFromEnv('DISPATCH_RESPONSE_TIMEOUT_MS', 10000, env),
    // How long an in-doubt send waits for a delivery receipt before it is final as 'unknown'.
    reconcileTimeoutMs: intFromEnv('DISPATCH_RECONCILE_TIMEOUT_MS', 60000, env),
    tickMs: intFromEnv('DISPATCH_TICK_MS', 250, env),
    leaseMs: intFromEnv('DISPATCH_LEASE_MS', 10000, env),
    recordingsMax: intFromEnv('DISPATCH_RECORDINGS_MAX', 8, env),
    receiptFlushMs: intFromEnv('DISPATCH_RECEIPT_FLUSH_MS', 20, env),
    pendingReceiptKeepMs: intFromEnv('DISPATCH_PENDING_RECEIPT_KEEP_MS', 10 * 60_000, env),
    sendsRetentionMs: intFromEnv('DISPATCH_SENDS_RETENTION_MS', 3 * 24 * 3600_000, env),
    referenceQueries: env.SMPP_REFERENCE_QUERY === '1',
    concatenation: env.SMPP_CONCATENATION === 'sar' ? 'sar' : 'udh',
  };
  if (env.SMPP_CONCATENATION && !['udh', 'sar'].includes(env.SMPP_CONCATENATION)) throw new Error(`SMPP_CONCATENATION must be udh or sar, not ${env.SMPP_CONCATENATION}`);
  if (config.binds < 1 || config.binds > BINDS_MAX || config.receiverBinds < 1 || config.receiverBinds > BINDS_MAX)
    throw new Error(`SMPP_BINDS and SMPP_RECEIVER_BINDS must be from 1 to ${BINDS_MAX}`);
  if (config.ratePerSecondMax < 0 || config.ratePerSecondMin < 1 || config.rateStepPerSecond < 1)
    throw new Error('DISPATCH_RATE_PER_SECOND_MAX must be at least 0, DISPATCH_RATE_PER_SECOND_MIN and DISPATCH_RATE_STEP_PER_SECOND at least 1');
  // Every claimed send must be written to the carrier at once: a send recorded as 'sending' but
  // still waiting for a window slot would be lost by a crash (never written, never re-sent). So
  // what the sender loops can claim together never exceeds the window of all the binds together
  // (and the sender claims no more than the bound ones have free, see Sender).
  if (config.claimBatchSize < 1 || config.windowSize < 1) throw new Error('DISPATCH_CLAIM_BATCH_SIZE and DISPATCH_WINDOW_SIZE must be at least 1');
  const window = config.binds * config.windowSize;
  config.claimBatchSize = Math.min(config.claimBatchSize, window);
  config.batchesInFlight = Math.max(1, Math.min(config.batchesInFlight, Math.floor(window / config.claimBatchSize)));
  return config;
}

/**
 * The voice sender's limits: the SMS ones, with the pace and the requests in flight of the call
 * carrier. Calls per second are a carrier account's limit (Twilio starts accounts at 1), shared by
 * every instance through the same cap the SMS rate uses, keyed by the voice account.
 */
export function readVoiceDispatchConfig(base: DispatchConfig, voice: VoiceSettings, env: NodeJS.ProcessEnv = process.env): DispatchConfig {
  const callsPerSecond = intFromEnv('VOICE_CALLS_PER_SECOND', 1, env);
  const inFlight = intFromEnv('VOICE_REQUESTS_IN_FLIGHT', 10, env);
  if (callsPerSecond < 1 || inFlight < 1) throw new Error('VOICE_CALLS_PER_SECOND and VOICE_REQUESTS_IN_FLIGHT must be at least 1');
  const claim = Math.min(inFlight, Math.max(1, callsPerSecond));
  return {
    ...base,
    carrierKey: `voice:${voice.accountSid}@${new URL(voice.apiUrl).host}`,
    windowSize: inFlight,
    binds: 1,
    claimBatchSize: claim,
    batchesInFlight: Math.max(1, Math.min(2, Math.floor(inFlight / claim))),
    ratePerSecondMax: callsPerSecond,
    ratePerSecondMin: 1,
    rateStepPerSecond: Math.max(1, Math.ceil(callsPerSecond / 10)),
    responseTimeoutMs: intFromEnv('VOICE_RESPONSE_TIMEOUT_MS', 10000, env),
  };
}

/** The voice campaigns' own timings and limits. */
export interface VoiceCallConfig {
  /** Calls under way at once with the account, every instance together; 0: the carrier's own limit only. */
  maxConcurrentCalls: number;
  /** How long one minute of a retry interval lasts: 60,000, shortened only by tests. */
  retryMinuteMs: number;
  /** A call whose outcome never came ends its number 'unknown' after this long. */
  outcomeTimeoutMs: number;
}

export function readVoiceCallConfig(env: NodeJS.ProcessEnv = process.env): VoiceCallConfig {
  const config = {
    maxConcurrentCalls: intFromEnv('VOICE_MAX_CONCURRENT_CALLS', 0, env),
    retryMinuteMs: intFromEnv('VOICE_RETRY_MINUTE_MS', 60_000, env),
    outcomeTimeoutMs: intFromEnv('VOICE_OUTCOME_TIMEOUT_MS', 2 * 3600_000, env),
  };
  if (config.maxConcurrentCalls < 0 || config.retryMinuteMs < 1 || config.outcomeTimeoutMs < 60_000)
    throw new Error('VOICE_MAX_CONCURRENT_CALLS must be at least 0, VOICE_RETRY_MINUTE_MS at least 1, VOICE_OUTCOME_TIMEOUT_MS at least 60000');
  return config;
}
