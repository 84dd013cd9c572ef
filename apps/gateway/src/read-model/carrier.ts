import type { CampaignView } from '@clarion/contracts';

export interface CarrierReport {
  carrier: string;
  state: 'connected' | 'connecting' | 'unreachable';
  since: string;
  detail?: string | null;
  /** When the gateway received it. */
  reportedAt: string;
}

const TROUBLE_RANK = { unreachable: 2, connecting: 1, connected: 0 } as const;

/**
 * The carrier state a running campaign shows, from the dispatch instances' latest reports (pure;
 * the same rule as campaign-svc's carrier-status.ts, which answers the request-reply path). Stale
 * reports are from instances that stopped. Any instance bound means messages flow: connected,
 * since the earliest of those; otherwise the worst trouble, since when it began.
 */
export function carrierOf(reports: CarrierReport[], now: number, staleMs: number): CampaignView['carrier'] | undefined {
  const fresh = reports.filter((r) => now - Date.parse(r.reportedAt) <= staleMs);
  if (fresh.length === 0) return undefined;
  const connected = fresh.filter((r) => r.state === 'connected');
  const worst = Math.max(...fresh.map((f) => TROUBLE_RANK[f.state]));
  const pool = connected.length > 0 ? connected : fresh.filter((r) => TROUBLE_RANK[r.state] === worst);
  const first = pool.reduce((a, b) => (Date.parse(b.since) < Date.parse(a.since) ? b : a));
  return { name: first.carrier, state: first.state, since: first.since, ...(first.detail && first.state !== 'connected' ? { detail: first.detail } : {}) };
}
