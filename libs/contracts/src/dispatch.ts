import type { Message } from './envelope';

// ---- Events of dispatch-svc (topic dispatch.events.v1, key: campaign sid) ----
/** Every recipient of the campaign has reached a final state of its send. */
export type DispatchCompleted = Message<
  'DispatchCompleted',
  { campaignSid: string; enterpriseSid: string; sent: number; failed: number; unknown: number; optedOut: number; usedCredits: number; completedAt: string }
>;
/** dispatch-svc's answer to DispatchStatusRequested while the campaign still has recipients to settle. */
export type DispatchProgressed = Message<'DispatchProgressed', { campaignSid: string; enterpriseSid: string; remaining: number; at: string }>;
