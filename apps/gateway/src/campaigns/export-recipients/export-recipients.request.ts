import type { ReportStatus } from '../../recipients-report/recipient-status';

/** The export's first line: the list's field names, in its order. */
export const CSV_HEADER = 'phoneNumber,status,errorCode,carrierMessageId,dateUpdated';

/** The file name a browser saves the export under, e.g. CP…-recipients-delivered.csv. */
export function exportFileName(campaignSid: string, status: ReportStatus | null): string {
  return `${campaignSid}-recipients${status ? `-${status}` : ''}.csv`;
}
