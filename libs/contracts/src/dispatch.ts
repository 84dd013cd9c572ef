import type { Message } from './envelope';
import type { DeferredSends, DispatchCounts } from './campaign';

// ---- Events of dispatch-svc (topic dispatch.events.v1, key: campaign sid) ----
/** Every recipient of the campaign has reached a final state of its send. */
export type DispatchCompleted = Message<
  'DispatchCompleted',
  {
    campaignSid: string;
    enterpriseSid: string;
    sent: number;
    failed: number;
    unknown: number;
    optedOut: number;
    usedCredits: number;
    completedAt: string;
    /** The final count per state (from the sends themselves), and when it was read (the database's clock). */
    counts?: DispatchCounts;
    countsAsOf?: string;
  }
>;
/**
 * How a dispatch-svc instance's connection to its carrier is doing (topic dispatch.events.v1, key:
 * the carrier's name). Sent on every change and every CARRIER_REPORT_MS while unchanged, so a
 * reader can tell a stale report (an instance that stopped) from a current one.
 */
export const CARRIER_REPORT_MS = 30_000;
export type CarrierStatusReported = Message<
  'CarrierStatusReported',
  { carrier: string; instanceId: string; state: 'connected' | 'connecting' | 'unreachable'; since: string; detail?: string; at: string }
>;
/** dispatch-svc's answer to DispatchStatusRequested while the campaign still has recipients to settle. */
export type DispatchProgressed = Message<'DispatchProgressed', { campaignSid: string; enterpriseSid: string; remaining: number; at: string }>;

/**
 * How many of a running campaign's recipients are in each state (dispatch-svc's progress timer,
 * about every second while the counts change; never per message). `asOf` is when the counters
 * were read, on the database's clock: a reader keeps the latest report and ignores older ones.
 */
export type DispatchCountsReported = Message<
  'DispatchCountsReported',
  /** deferred: the sends held back by quiet hours, null when none is (absent from reporters before quiet hours). */
  { campaignSid: string; enterpriseSid: string; counts: DispatchCounts; asOf: string; deferred?: DeferredSends | null }
>;

/** Why dispatch-svc paused a campaign by itself (see apps/dispatch-svc/src/sending/health.ts). */
export type PauseReason = 'failure-rate' | 'stop-rate';

/**
 * dispatch-svc stopped claiming a campaign's sends because too many of its last carrier answers
 * failed, or too many of its recipients replied STOP. Sends in flight still settle. `detail` says
 * it in words ("62 of the last 200 submits failed").
 */
export type DispatchPaused = Message<'DispatchPaused', { campaignSid: string; enterpriseSid: string; reason: PauseReason; detail: string; at: string }>;
