import { Injectable } from '@nestjs/common';
import { CARRIER_REPORT_MS, FRESH_CARRIER_REPORTS_SQL, carrierOfRows, type CampaignStatus, type CampaignView, type CarrierReportRow, type Channel } from '@clarion/contracts';
import { Platform, intFromEnv } from '@clarion/platform';
import { ViewCache } from './view-cache';

/** Anything that runs SQL: a message's transaction, or the pool. */
interface Sql {
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
}

export type StoredCampaign = { kind: 'view'; view: CampaignView } | { kind: 'removed' } | { kind: 'missing' };

export interface CampaignSearch {
  enterpriseSid: string;
  page: number;
  pageSize: number;
  name: string | null;
  /** One status, or any of several. */
  status: CampaignStatus | CampaignStatus[] | null;
  channel: Channel | null;
  /** Created at or after / at or before (ISO-8601). */
  createdFrom: string | null;
  createdTo: string | null;
  sortBy: 'startTime' | 'name' | 'status' | 'dateCreated';
  sortDirection: 'asc' | 'desc';
  /** Rows skipped, when not a whole number of pages (the voice API pages by offset and limit). */
  offset?: number;
}

/** A report not renewed for three rounds is from an instance that stopped. */
const CARRIER_REPORT_STALE_MS = 3 * CARRIER_REPORT_MS;
/** Reports kept at most this long (instances come and go with every restart). */
const CARRIER_REPORT_KEEP_MS = 24 * 3600_000;
/** The carrier's state is read at most this often per gateway instance, however many GETs come. */
const CARRIER_CACHE_MS = 1000;

/** A campaign's row as GET reads it. */
interface ViewRow {
  enterprise_sid: string;
  removed: boolean;
  view: CampaignView | null;
  version: number;
}

/** Campaigns whose rows are kept at once per gateway instance. */
const VIEW_CACHE_MAX = 10_000;

/** The sort columns, from a closed list: never from the request's text. */
const SORT_COLUMN: Record<CampaignSearch['sortBy'], string> = { startTime: 'start_time', name: 'name', status: 'status', dateCreated: 'date_created' };

/**
 * The gateway's campaign read model (schema gateway, tables of read-model.migrations.ts). Every
 * write applies the version rule of version.ts in SQL: a row changes only for a higher version.
 */
@Injectable()
export class CampaignReadModel {
  private readonly carrierState = new ViewCache<{ version: number; value: CampaignView['carrier'] | undefined }>(CARRIER_CACHE_MS, 1);
  /** The rows GETs read, briefly kept (view-cache.ts): a campaign polled by many clients costs one query per VIEW_CACHE_MS. */
  private readonly rows = new ViewCache<ViewRow>(intFromEnv('GATEWAY_VIEW_CACHE_MS', 250), VIEW_CACHE_MAX);

  constructor(private readonly platform: Platform) {}

  /** Stores a view unless a newer one (or the campaign's removal) is stored already. */
  async upsert(view: CampaignView & { version: number }, sql: Sql = this.platform): Promise<void> {
    await sql.query(
      `INSERT INTO campaign_views (sid, enterprise_sid, version, removed, name, status, channel, start_time, date_created, view)
       VALUES ($1, $2, $3, false, $4, $5, $6, $7, $8, $9::jsonb)
       ON CONFLICT (sid) DO UPDATE SET version = EXCLUDED.version, removed = false, name = EXCLUDED.name, status = EXCLUDED.status,
         channel = EXCLUDED.channel, start_time = EXCLUDED.start_time, date_created = EXCLUDED.date_created, view = EXCLUDED.view
       WHERE campaign_views.version < EXCLUDED.version`,
      [view.sid, view.enterpriseSid, view.version, view.name, view.status, view.channel, view.startTime, view.dateCreated, JSON.stringify(view)],
    );
    this.rows.put(view.sid, { enterprise_sid: view.enterpriseSid, removed: false, view, version: view.version });
  }

  /** Marks a campaign removed (deleted) as of `version`; a removal that arrives first leaves a row of its own. */
  async remove(campaignSid: string, enterpriseSid: string, version: number, sql: Sql = this.platform): Promise<void> {
    await sql.query(
      `INSERT INTO campaign_views (sid, enterprise_sid, version, removed) VALUES ($1, $2, $3, true)
       ON CONFLICT (sid) DO UPDATE SET version = EXCLUDED.version, removed = true, view = NULL, name = NULL, status = NULL, channel = NULL, start_time = NULL, date_created = NULL
       WHERE campaign_views.version < EXCLUDED.version`,
      [campaignSid, enterpriseSid, version],
    );
    this.rows.put(campaignSid, { enterprise_sid: enterpriseSid, removed: true, view: null, version });
  }

  /** One campaign of the enterprise; another enterprise's campaign is `removed` to the caller (never shown, never looked up elsewhere). */
  async get(campaignSid: string, enterpriseSid: string): Promise<StoredCampaign> {
    const row = await this.rows.get(campaignSid, async () => {
      const [r] = await this.platform.query<ViewRow>('SELECT enterprise_sid, removed, view, version FROM campaign_views WHERE sid = $1', [campaignSid]);
      return r ?? null;
    });
    if (!row) return { kind: 'missing' };
    if (row.removed || row.enterprise_sid !== enterpriseSid || !row.view) return { kind: 'removed' };
    return { kind: 'view', view: row.view };
  }

  async search(s: CampaignSearch): Promise<{ total: number; data: CampaignView[] }> {
    const where = ['enterprise_sid = $1', 'NOT removed'];
    const params: unknown[] = [s.enterpriseSid];
    // The name matches in part and in any case; LIKE's own wildcards in it are taken literally.
    if (s.name) where.push(`name ILIKE '%' || $${params.push(s.name.replace(/[\\%_]/g, (c) => '\\' + c))} || '%'`);
    if (Array.isArray(s.status)) where.push(`status = ANY($${params.push(s.status)}::text[])`);
    else if (s.status) where.push(`status = $${params.push(s.status)}`);
    if (s.channel) where.push(`channel = $${params.push(s.channel)}`);
    if (s.createdFrom) where.push(`date_created >= $${params.push(s.createdFrom)}`);
    if (s.createdTo) where.push(`date_created <= $${params.push(s.createdTo)}`);
    const filter = where.join(' AND ');
    const direction = s.sortDirection === 'desc' ? 'DESC' : 'ASC';
    const [{ total }] = await this.platform.query<{ total: number }>(`SELECT count(*)::int AS total FROM campaign_views WHERE ${filter}`, params);
    const rows = await this.platform.query<{ view: CampaignView }>(
      `SELECT view FROM campaign_views WHERE ${filter} ORDER BY ${SORT_COLUMN[s.sortBy]} ${direction}, sid ${direction} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, s.pageSize, s.offset ?? s.page * s.pageSize],
    );
    return { total, data: rows.map((r) => r.view) };
  }

  async recordCarrier(d: { carrier: string; instanceId: string; state: string; since: string; detail?: string }, sql: Sql): Promise<void> {
    await sql.query(
      `INSERT INTO carrier_reports (carrier, instance_id, state, since, detail, reported_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (carrier, instance_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since, detail = EXCLUDED.detail, reported_at = now()`,
      [d.carrier, d.instanceId, d.state, d.since, d.detail ?? null],
    );
    await sql.query(`DELETE FROM carrier_reports WHERE reported_at < now() - ($1::int * interval '1 millisecond')`, [CARRIER_REPORT_KEEP_MS]);
  }

  /** The carrier's state as running campaigns show it, read at most once a second (served a little stale while it is read again: view-cache.ts). */
  async carrier(): Promise<CampaignView['carrier'] | undefined> {
    const held = await this.carrierState.get('carrier', async () => {
      const rows = await this.platform.query<CarrierReportRow>(FRESH_CARRIER_REPORTS_SQL, [CARRIER_REPORT_STALE_MS]);
      const value = carrierOfRows(rows, Date.now(), CARRIER_REPORT_STALE_MS);
      // No version: every read replaces the last.
      return { version: 0, value };
    });
    return held?.value;
  }
}
