import type { AnnouncementPage, AnnouncementView, SearchAnnouncements } from '@clarion/contracts';
import type { Platform, Tx } from '@clarion/platform';

/** Campaign states in which a campaign may still place calls: its announcement cannot be deleted then. */
export const UNFINISHED_CAMPAIGN_STATUSES = ['initiating', 'scheduled', 'in-progress', 'paused'] as const;

/** The announcements read model, and what campaign-svc's own campaign tables say about their use. */
export const announcementRepository = {
  async save(tx: Tx, view: AnnouncementView): Promise<void> {
    await tx.query(
      `INSERT INTO announcements (sid, enterprise_sid, name, type, date_created, date_updated, view) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (sid) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type, date_updated = EXCLUDED.date_updated, view = EXCLUDED.view`,
      [view.sid, view.enterpriseSid, view.name, view.type, view.dateCreated, view.dateUpdated, JSON.stringify(view)],
    );
  },

  async remove(tx: Tx, sid: string): Promise<void> {
    await tx.query('DELETE FROM announcements WHERE sid = $1', [sid]);
  },

  /**
   * How many of the enterprise's unfinished campaigns name the announcement. The announcementSid is
   * part of the campaign's definition, which only its CampaignCreated event holds; the campaigns
   * table gives the status and narrows the search to the live campaigns of one enterprise
   * (campaigns_waiting / campaigns_enterprise), each looked up in the events by its stream id.
   */
  async campaignsUsing(tx: Tx, announcementSid: string, enterpriseSid: string): Promise<number> {
    const [row] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM campaigns c
       JOIN events e ON e.stream_id = 'campaign-' || c.sid AND e.type = 'CampaignCreated'
       WHERE c.enterprise_sid = $2 AND c.status = ANY($3::text[]) AND e.data -> 'def' ->> 'announcementSid' = $1`,
      [announcementSid, enterpriseSid, UNFINISHED_CAMPAIGN_STATUSES],
    );
    return row.n;
  },

  async get(platform: Platform, sid: string, enterpriseSid: string): Promise<AnnouncementView | null> {
    const [row] = await platform.query<{ view: AnnouncementView }>('SELECT view FROM announcements WHERE sid = $1 AND enterprise_sid = $2', [sid, enterpriseSid]);
    return row?.view ?? null;
  },

  async search(platform: Platform, d: SearchAnnouncements['data']): Promise<AnnouncementPage> {
    const where = ['enterprise_sid = $1'];
    const params: unknown[] = [d.enterpriseSid];
    if (d.name) where.push(`name ILIKE '%' || $${params.push(d.name.replace(/[\\%_]/g, (c) => '\\' + c))} || '%'`);
    if (d.type) where.push(`type = $${params.push(d.type)}`);
    if (d.startTime) where.push(`date_created >= $${params.push(d.startTime)}`);
    if (d.endTime) where.push(`date_created <= $${params.push(d.endTime)}`);
    // The sort column comes from a closed list, never from the request text.
    const column = { dateCreated: 'date_created', name: 'name' }[d.sortBy];
    const direction = d.sortDirection === 'desc' ? 'DESC' : 'ASC';
    const [{ total }] = await platform.query<{ total: number }>(`SELECT count(*)::int AS total FROM announcements WHERE ${where.join(' AND ')}`, params);
    const rows = await platform.query<{ view: AnnouncementView }>(
      `SELECT view FROM announcements WHERE ${where.join(' AND ')} ORDER BY ${column} ${direction}, sid LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, d.pageSize, d.page * d.pageSize],
    );
    return { total, data: rows.map((r) => r.view) };
  },
};
