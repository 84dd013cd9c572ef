import { Errors, fail, ok, parseSeedDateTime, type Result } from '@clarion/contracts';
import type { ConsentHistoryEntry } from '../consent.repository';

export const CONSENT_CSV_HEADER = 'phoneNumber,consent,optInList,source,campaignSid,uploadId,text,at';
/** Rows read per query of an export: one page in memory at a time. */
export const CONSENT_EXPORT_PAGE_ROWS = 5000;

/** startTime and endTime, each optional and inclusive, in the seed's date forms; 498 for any other form. */
export function parseExportRange(q: Record<string, string | undefined>): Result<{ startTime: string | null; endTime: string | null }> {
  const parse = (v: string | undefined): Result<string | null> => {
    if (v === undefined || v.trim() === '') return ok(null);
    const d = parseSeedDateTime(v);
    return d ? ok(d.toISOString()) : fail(Errors.dateFormatIncorrect);
  };
  const startTime = parse(q.startTime);
  if (!startTime.ok) return startTime;
  const endTime = parse(q.endTime);
  if (!endTime.ok) return endTime;
  return ok({ startTime: startTime.value, endTime: endTime.value });
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). A reply's text is
 * the handset's, so a leading =, +, - or @ is prefixed with ' to keep a spreadsheet from running it.
 */
export function csvField(v: string | null): string {
  if (v === null) return '';
  const safe = /^[=+\-@\t\r]/.test(v) && !/^\+\d+$/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(e: ConsentHistoryEntry): string {
  return [e.phoneNumber, e.consent, e.optInList, e.source, e.campaignSid, e.uploadId, e.text, e.at].map(csvField).join(',') + '\n';
}
