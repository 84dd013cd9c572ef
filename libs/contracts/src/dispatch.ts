import type { Message } from './envelope';

// ---- Events of dispatch-svc (topic dispatch.events.v1, key: campaign sid) ----
/** Every recipient of the campaign has reached a final state of its send. */
export type DispatchCompleted = Message<
  'DispatchCompleted',
  { campaignSid: string; enterpriseSid: string; sent: number; failed: number; unknown: number; optedOut: number; usedCredits: number; completedAt: string }
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
