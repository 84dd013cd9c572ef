import { Errors, TOPIC, fail, isSid, ok, type CampaignView, type Result } from '@clarion/contracts';
import type { Platform, RequestReplyClient } from '@clarion/platform';
import { findReportCampaign, type ReportCampaign } from '../../recipients-report/report.store';

/**
 * The caller's campaign in the report, scoped to the caller's enterprise: another enterprise's
 * campaign answers 463 exactly as an unknown one. The report usually knows the campaign already;
 * one it has not heard of yet (created a moment ago, its records still on their way) is asked of
 * campaign-svc, and then has no recipients to show yet (null).
 */
export async function resolveReportCampaign(platform: Platform, rr: RequestReplyClient, campaignSid: string, enterpriseSid: string): Promise<Result<ReportCampaign | null>> {
  if (!isSid('campaign', campaignSid)) return fail(Errors.campaignNotFound);
  const known = await findReportCampaign(platform, campaignSid);
  if (known && known.enterpriseSid === enterpriseSid) return ok(known);
  if (known && known.enterpriseSid !== '') return fail(Errors.campaignNotFound);
  const asked = await rr.request<CampaignView>(TOPIC.campaignQueries, campaignSid, 'GetCampaign', { campaignSid, enterpriseSid });
  if (!asked.ok) return asked;
  return ok(known);
}
