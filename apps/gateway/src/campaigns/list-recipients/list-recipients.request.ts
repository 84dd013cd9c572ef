import { Errors, fail, ok, type Result } from '@clarion/contracts';
import { REPORT_STATUSES, isReportStatus, type ReportStatus } from '../../recipients-report/recipient-status';

/**
 * The `status` filter of the recipients report: absent means every recipient. Input is lenient as
 * the campaign status is (any case, "opted_out" or "Opted Out"); output names are lowercase.
 */
export function parseRecipientStatusFilter(value: unknown): Result<ReportStatus | null> {
  if (value === undefined || value === null || value === '') return ok(null);
  const s =
    typeof value === 'string'
      ? value
          .trim()
          .toLowerCase()
          .replace(/[\s_]+/g, '-')
      : null;
  const normalised = s === 'optedout' ? 'opted-out' : s;
  if (!isReportStatus(normalised)) return fail(Errors.invalidParameter(`status must be one of ${REPORT_STATUSES.join(', ')}.`));
  return ok(normalised);
}
