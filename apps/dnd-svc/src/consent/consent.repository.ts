import { TOPIC, message, type ConsentChange, type Message } from '@clarion/contracts';
import type { Tx } from '@clarion/platform';

/** Items per outbox row: a ConsentChanged is ~300 bytes of JSON, so a row stays near 300 KB, well under a record batch's 1 MB. */
export const CONSENT_CHANGES_PER_ROW_MAX = 1000;

/** What the numbers of one change share: all of it but the number and the time. */
export type ConsentChangeOf = Omit<ConsentChange, 'phoneNumber' | 'at'>;

/**
 * Appends one consent row per number, set-based (one statement for the whole batch, as the upload
 * inserts its numbers), and publishes one ConsentChanged per number on consent.changes.v1 in the
 * same transaction. The outbox carries one row per CONSENT_CHANGES_PER_ROW_MAX numbers, which the
 * relay expands to one record each: a 1,000,000-number upload writes 1,000 outbox rows, not a million.
 * Callers pass only numbers whose state really changed, so a repeat publishes nothing.
 */
export async function recordConsentChanges(tx: Tx, change: ConsentChangeOf, numbers: readonly string[], causedBy?: Message): Promise<void> {
  if (numbers.length === 0) return;
  const [{ at }] = await tx.query<{ at: Date }>(
    `WITH ins AS (
       INSERT INTO consent_changes (enterprise_sid, msisdn, consent, optin_list, source, campaign_sid, upload_id, text, at)
       SELECT $1, n, $3, $4, $5, $6, $7, $8, now() FROM unnest($2::text[]) AS x(n) RETURNING 1)
     SELECT now() AS at FROM ins LIMIT 1`,
    [change.enterpriseSid, numbers, change.consent, change.optInList, change.source, change.campaignSid, change.uploadId, change.text],
  );
  const atIso = new Date(at).toISOString();
  for (let i = 0; i < numbers.length; i += CONSENT_CHANGES_PER_ROW_MAX) {
    const items: ConsentChange[] = numbers.slice(i, i + CONSENT_CHANGES_PER_ROW_MAX).map((phoneNumber) => ({ ...change, phoneNumber, at: atIso }));
    tx.publish(TOPIC.consentChanges, change.enterpriseSid, message('ConsentChangesRecorded', { itemType: 'ConsentChanged', items }, causedBy ? { causedBy } : {}));
  }
}

/** Puts a number on the enterprise's opt-out list; false when it was already there. */
export async function optOut(tx: Tx, enterpriseSid: string, msisdn: string, sid: string, listName: string): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO optouts (sid, enterprise_sid, msisdn, name, date_created) VALUES ($1, $2, $3, $4, date_trunc('second', now()))
     ON CONFLICT (enterprise_sid, msisdn) DO NOTHING RETURNING sid`,
    [sid, enterpriseSid, msisdn, listName],
  );
  return rows.length > 0;
}

/** Takes a number off the enterprise's opt-out list; false when it was not on it. */
export async function optBackIn(tx: Tx, enterpriseSid: string, msisdn: string): Promise<boolean> {
  const rows = await tx.query('DELETE FROM optouts WHERE enterprise_sid = $1 AND msisdn = $2 RETURNING sid', [enterpriseSid, msisdn]);
  return rows.length > 0;
}

/** Whether the number is on the enterprise's opt-out list, locking its row when it is so a concurrent reply waits. */
export async function isOptedOut(tx: Tx, enterpriseSid: string, msisdn: string): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM optouts WHERE enterprise_sid = $1 AND msisdn = $2 FOR UPDATE', [enterpriseSid, msisdn]);
  return rows.length > 0;
}
