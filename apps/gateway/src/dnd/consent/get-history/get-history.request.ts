import { Errors, LIMITS, fail, ok, toE164, type Result } from '@clarion/contracts';

export interface GetHistoryRequest {
  msisdn: string;
  page: number;
  pageSize: number;
}

const wholeNumber = (v: string | undefined, fallback: number) => (v === undefined || v.trim() === '' ? fallback : Number.isSafeInteger(Number(v)) ? Number(v) : null);

/** The number in any form a number file takes (4001 when it is no phone number), and page / pageSize as the other searches take them. */
export function parseGetHistory(phoneNumber: string, q: Record<string, string | undefined>): Result<GetHistoryRequest> {
  const msisdn = toE164(phoneNumber);
  if (msisdn === null) return fail(Errors.invalidParameter('phoneNumber is not a phone number.'));
  const page = wholeNumber(q.page, 0);
  if (page === null || page < 0) return fail(Errors.invalidParameter('page must be a whole number from 0.'));
  const pageSize = wholeNumber(q.pageSize, 10);
  if (pageSize === null || pageSize < 1 || pageSize > LIMITS.pageSizeMax) return fail(Errors.invalidParameter(`pageSize must be a whole number from 1 to ${LIMITS.pageSizeMax}.`));
  return ok({ msisdn, page, pageSize });
}
