import type { ConsentChange } from '@clarion/contracts';
import type { Platform } from '@clarion/platform';

/** A change as the API shows it: the number's enterprise is the caller's, so it is left out. */
export type ConsentHistoryEntry = Omit<ConsentChange, 'enterpriseSid'>;

interface Row {
  message_id: string;
  msisdn: string;
  consent: ConsentChange['consent'];
  optin_list: string | null;
  source: ConsentChange['source'];
  campaign_sid: string | null;
  upload_id: string | null;
  text: string | null;
  at: Date;
}

const COLUMNS = 'message_id, msisdn, consent, optin_list, source, campaign_sid, upload_id, text, at';

export const entryOf = (r: Row): ConsentHistoryEntry => ({
  phoneNumber: r.msisdn,
  consent: r.consent,
  optInList: r.optin_list,
  source: r.source,
  campaignSid: r.campaign_sid,
  uploadId: r.upload_id,
  text: r.text,
  at: new Date(r.at).toISOString(),
});

/** One page of a number's history in the enterprise, newest first (message id breaking ties, so pages never overlap). */
export async function consentHistory(db: Platform, enterpriseSid: string, msisdn: string, page: number, pageSize: number): Promise<{ total: number; data: ConsentHistoryEntry[] }> {
  const [{ total }] = await db.query<{ total: number }>('SELECT count(*)::int AS total FROM consent_changes WHERE enterprise_sid = $1 AND msisdn = $2', [enterpriseSid, msisdn]);
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM consent_changes WHERE enterprise_sid = $1 AND msisdn = $2 ORDER BY at DESC, message_id DESC LIMIT $3 OFFSET $4`, [
    enterpriseSid,
    msisdn,
    pageSize,
    page * pageSize,
  ]);
  return { total, data: rows.map(entryOf) };
}

/**
 * The enterprise's changes in [startTime, endTime], in time order, a bounded page at a time by
 * keyset (after the last row's time and message id), so an export of millions of rows holds one
 * page in memory and each query is one index range.
 */
export async function* consentChangesBetween(db: Platform, enterpriseSid: string, startTime: string | null, endTime: string | null, pageRows: number): AsyncGenerator<ConsentHistoryEntry[]> {
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const params: unknown[] = [enterpriseSid, startTime, endTime, pageRows];
    const keyset = after ? `AND (at, message_id) > ($${params.push(after.at)}, $${params.push(after.id)})` : '';
    const rows: Row[] = await db.query<Row>(
      `SELECT ${COLUMNS} FROM consent_changes WHERE enterprise_sid = $1 AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at <= $3) ${keyset}
       ORDER BY at, message_id LIMIT $4`,
      params,
    );
    if (rows.length === 0) return;
    yield rows.map(entryOf);
    if (rows.length < pageRows) return;
    const last = rows[rows.length - 1];
    after = { at: last.at, id: last.message_id };
  }
}
