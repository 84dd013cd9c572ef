import { TOPIC, type CreditEntryView, type GetCredit, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';

/** One entry of the caller's enterprise's history; another enterprise's entry is 472 like a missing one. */
export function getCredit(rr: RequestReplyClient, enterpriseSid: string, creditSid: string): Promise<Result<CreditEntryView>> {
  const data: GetCredit['data'] = { enterpriseSid, creditSid };
  return rr.request<CreditEntryView>(TOPIC.creditQueries, enterpriseSid, 'GetCredit', data);
}
