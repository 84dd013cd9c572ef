import { Errors, fail, isSid, ok, type Result } from '@clarion/contracts';

/** The path's campaign sid; one that cannot be a campaign's is answered as a missing campaign (463). */
export function parseGetCampaign(campaignSid: string): Result<{ campaignSid: string }> {
  return isSid('campaign', campaignSid) ? ok({ campaignSid }) : fail(Errors.campaignNotFound);
}
