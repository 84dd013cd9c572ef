import { TOPIC, type CreditEntryView, type Result, type SearchCredits } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import type { SearchCreditsRequest } from './search-credits.request';

export interface CreditPage {
  total: number;
  data: CreditEntryView[];
}

/** Asks credit-svc for one page of the caller's enterprise's credit history. */
export function searchCredits(rr: RequestReplyClient, enterpriseSid: string, request: SearchCreditsRequest): Promise<Result<CreditPage>> {
  const data: SearchCredits['data'] = { enterpriseSid, ...request };
  return rr.request<CreditPage>(TOPIC.creditQueries, enterpriseSid, 'SearchCredits', data);
}
