import type { Platform, Tx } from '@clarion/platform';
import { isReportStatus, type ReportStatus } from './recipient-status';
import type { CampaignFact, ReportRow } from './report-records';

/** A campaign as the report knows it. */
export interface ReportCampaign {
  id: string;
  enterpriseSid: string;
}

/** One recipient's shown state (the rule of recipient-status.ts), as the list answers it. */
export interface RecipientLine {
  phoneNumber: string;
  status: ReportStatus;
  errorCode: string | null;
  carrierMessageId: string | null;
  occurredAt: Date;
}

/**
 * What a batch says about each campaign it touches, one entry per campaign in sid order (a fixed
 * lock order, so two writers never deadlock on report_campaigns): the first enterprise any record
 * names, and the latest end any status record gives.
 */
export function campaignFactsOf(rows: readonly ReportRow[], facts: readonly CampaignFact[]): CampaignFact[] {
  const bySid = new Map<string, CampaignFact>();
  const add = (f: CampaignFact) => {
    const known = bySid.get(f.campaignSid);
    if (!known) return bySid.set(f.campaignSid, { ...f });
    if (known.enterpriseSid === '') known.enterpriseSid = f.enterpriseSid;
    if (f.endedAt !== null && (known.endedAt === null || f.endedAt > known.endedAt)) known.endedAt = f.endedAt;
    return bySid;
  };
  for (const f of facts) add(f);
  for (const r of rows) add({ campaignSid: r.campaignSid, enterpriseSid: r.enterpriseSid, endedAt: null });
  return [...bySid.values()].sort((a, b) => (a.campaignSid < b.campaignSid ? -1 : a.campaignSid > b.campaignSid ? 1 : 0));
}

const ROW_COLUMNS = ['campaign_id', 'msisdn', 'occurred_at', 'rank', 'status', 'error_code', 'carrier_message_id'];

/**
 * Records one consumer batch: one statement for the campaigns it touches, one COPY for its rows,
 * in one transaction, whatever the batch's size. Repeats are harmless (see report.migrations.ts).
 */
export async function appendToReport(tx: Tx, rows: readonly ReportRow[], facts: readonly CampaignFact[]): Promise<void> {
  const campaigns = campaignFactsOf(rows, facts);
  if (campaigns.length === 0) return;
  // A known enterprise is never replaced (records that could not name it carry ''), and the first
  // end recorded stays.
  const ids = await tx.query<{ id: string; campaign_sid: string }>(
    `INSERT INTO report_campaigns (campaign_sid, enterprise_sid, ended_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) ORDER BY 1
     ON CONFLICT (campaign_sid) DO UPDATE SET
       enterprise_sid = CASE WHEN report_campaigns.enterprise_sid = '' THEN EXCLUDED.enterprise_sid ELSE report_campaigns.enterprise_sid END,
       ended_at = COALESCE(report_campaigns.ended_at, EXCLUDED.ended_at)
     RETURNING id, campaign_sid`,
    [campaigns.map((c) => c.campaignSid), campaigns.map((c) => c.enterpriseSid), campaigns.map((c) => c.endedAt)],
  );
  const idOf = new Map(ids.map((r) => [r.campaign_sid, String(r.id)]));
  await tx.copyRows(
    'report_recipients',
    ROW_COLUMNS,
    rows.map((r) => [idOf.get(r.campaignSid)!, r.msisdn, r.occurredAt, r.rank, r.status, r.errorCode, r.carrierMessageId]),
  );
}

export async function findReportCampaign(platform: Platform, campaignSid: string): Promise<ReportCampaign | null> {
  const [c] = await platform.query<{ id: string; enterprise_sid: string }>('SELECT id, enterprise_sid FROM report_campaigns WHERE campaign_sid = $1', [campaignSid]);
  return c ? { id: String(c.id), enterpriseSid: c.enterprise_sid } : null;
}

/**
 * The SELECT of every recipient's shown state of one campaign, in number order, optionally only
 * those in one status. Values are written into the text, not bound, because COPY (the CSV export)
 * takes no parameters: both are checked here against their only possible forms.
 */
export function latestStatesSql(campaignId: string, status: ReportStatus | null, columns: string): string {
  if (!/^[0-9]{1,19}$/.test(campaignId)) throw new Error(`not a report campaign id: ${campaignId}`);
  if (status !== null && !isReportStatus(status)) throw new Error(`not a recipient status: ${String(status)}`);
  return `SELECT ${columns} FROM (
      SELECT DISTINCT ON (msisdn) msisdn, status, error_code, carrier_message_id, occurred_at
      FROM report_recipients WHERE campaign_id = ${campaignId}
      ORDER BY msisdn, rank DESC, occurred_at DESC) latest
    ${status === null ? '' : `WHERE status = '${status}'`}
    ORDER BY msisdn`;
}

/** How many recipients of a campaign show `status` (all of them with null). */
export async function countRecipients(platform: Platform, campaignId: string, status: ReportStatus | null): Promise<number> {
  const [r] = await platform.query<{ n: string }>(`SELECT count(*) AS n FROM (${latestStatesSql(campaignId, status, 'msisdn')}) c`);
  return Number(r.n);
}

/** One page of a campaign's recipients; the scan stops after the page's last row. */
export async function pageRecipients(platform: Platform, campaignId: string, status: ReportStatus | null, offset: number, limit: number): Promise<RecipientLine[]> {
  const rows = await platform.query<{ msisdn: string; status: ReportStatus; error_code: string | null; carrier_message_id: string | null; occurred_at: Date }>(
    `${latestStatesSql(campaignId, status, 'msisdn, status, error_code, carrier_message_id, occurred_at')} OFFSET $1 LIMIT $2`,
    [offset, limit],
  );
  return rows.map((r) => ({ phoneNumber: `+${r.msisdn}`, status: r.status, errorCode: r.error_code, carrierMessageId: r.carrier_message_id, occurredAt: r.occurred_at }));
}

/** The export's columns; dateUpdated in seed 000's form, as seedTime writes it. */
export const CSV_COLUMNS = `'+' || msisdn AS "phoneNumber", status, error_code AS "errorCode", carrier_message_id AS "carrierMessageId",
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+0000"') AS "dateUpdated"`;

export function csvCopySql(campaignId: string, status: ReportStatus | null): string {
  return `COPY (${latestStatesSql(campaignId, status, CSV_COLUMNS)}) TO STDOUT WITH (FORMAT csv, HEADER true)`;
}

/**
 * Deletes the report of campaigns that ended longer than `retentionDays` ago: at most `rowsMax`
 * rows per statement and `statementsMax` statements per call, so a pass never holds a long
 * transaction; a campaign's row goes once none of its recipients are left.
 */
export async function pruneEndedCampaigns(platform: Platform, retentionDays: number, rowsMax: number, statementsMax: number): Promise<number> {
  const due = await platform.query<{ id: string }>(`SELECT id FROM report_campaigns WHERE ended_at < now() - ($1::int * interval '1 day') ORDER BY ended_at LIMIT 100`, [retentionDays]);
  let deleted = 0;
  let statements = 0;
  for (const { id } of due) {
    for (;;) {
      if (statements++ >= statementsMax) return deleted;
      const [gone] = await platform.query<{ n: string }>(
        `WITH d AS (DELETE FROM report_recipients WHERE ctid = ANY (ARRAY(SELECT ctid FROM report_recipients WHERE campaign_id = $1 LIMIT $2)) RETURNING 1)
         SELECT count(*) AS n FROM d`,
        [id, rowsMax],
      );
      deleted += Number(gone.n);
      if (Number(gone.n) < rowsMax) break;
    }
    await platform.query('DELETE FROM report_campaigns c WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM report_recipients WHERE campaign_id = c.id)', [id]);
  }
  return deleted;
}
