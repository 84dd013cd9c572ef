import type { CampaignView } from './campaign';

/** A dispatch instance's latest CarrierStatusReported, as the reader (campaign-svc, the gateway) keeps it. */
export interface CarrierReport {
  carrier: string;
  state: 'connected' | 'connecting' | 'unreachable';
  since: string;
  detail?: string | null;
  /** When the reader received it. */
  reportedAt: string;
}

const TROUBLE_RANK = { unreachable: 2, connecting: 1, connected: 0 } as const;

/**
 * The carrier state a running campaign shows, from the dispatch instances' latest reports (pure;
 * one rule for campaign-svc's request-reply answers and the gateway's read model). Reports older
 * than `staleMs` are from instances that stopped and count for nothing. Any instance bound means
 * messages flow: connected, since the earliest of those. Otherwise the worst trouble (unreachable
 * over connecting), since when it began (the earliest `since` of that state).
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

/** A reader's stored report, as both readers' carrier_reports tables hold it (timestamps as Date). */
export interface CarrierReportRow {
  carrier: string;
  state: CarrierReport['state'];
  since: Date;
  detail: string | null;
  reported_at: Date;
}

/** The reports a reader still counts, fresher than `staleMs`; $1 is staleMs. */
export const FRESH_CARRIER_REPORTS_SQL = `SELECT carrier, state, since, detail, reported_at FROM carrier_reports WHERE reported_at > now() - ($1::int * interval '1 millisecond')`;

/** carrierOf over stored rows. */
export function carrierOfRows(rows: CarrierReportRow[], now: number, staleMs: number): CampaignView['carrier'] | undefined {
  return carrierOf(
    rows.map((r) => ({ carrier: r.carrier, state: r.state, since: r.since.toISOString(), detail: r.detail, reportedAt: r.reported_at.toISOString() })),
    now,
    staleMs,
  );
}
