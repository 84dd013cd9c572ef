import { TOPIC, message, type DispatchCompleted, type Message } from '@clarion/contracts';
import type { Tx } from '@clarion/platform';
import { CHARGED_STATES } from './send-rules';

/**
 * The campaign's final count, from its sends: what DispatchCompleted reports and what is charged.
 * Published when the last recipient is final, and again whenever the campaign's watchdog asks.
 */
export async function publishDispatchCompleted(tx: Tx, c: { campaign_sid: string; enterprise_sid: string; credits_per_recipient: number }, causedBy?: Message): Promise<void> {
  const counts: Record<string, number> = {};
  for (const r of await tx.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM sends WHERE campaign_sid = $1 GROUP BY state', [c.campaign_sid])) counts[r.state] = r.n;
  const charged = CHARGED_STATES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  const data: DispatchCompleted['data'] = {
    campaignSid: c.campaign_sid,
    enterpriseSid: c.enterprise_sid,
    sent: charged,
    failed: counts.failed ?? 0,
    unknown: counts.unknown ?? 0,
    optedOut: counts['opted-out'] ?? 0,
    usedCredits: charged * c.credits_per_recipient,
    completedAt: new Date().toISOString(),
  };
  tx.publish(TOPIC.dispatchEvents, c.campaign_sid, message('DispatchCompleted', data, causedBy ? { causedBy } : {}));
}
