import { TOPIC, type BalanceView, type GetBalance, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';

/** The caller's enterprise's balance: available, reserved by scheduled campaigns, and used. */
export function getBalance(rr: RequestReplyClient, enterpriseSid: string): Promise<Result<BalanceView>> {
  const data: GetBalance['data'] = { enterpriseSid };
  return rr.request<BalanceView>(TOPIC.creditQueries, enterpriseSid, 'GetBalance', data);
}
