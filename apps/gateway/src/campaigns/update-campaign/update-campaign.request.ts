import { Errors, fail, isSid, ok, parseStatusInput, type CampaignStatus, type Result } from '@clarion/contracts';

/**
 * The update's body (seed 000 "Update Campaign"): only `status` is read — no other field of a
 * campaign can be changed, so any other is ignored. Missing → 4000; not a status at all → 483; a
 * sid that cannot be a campaign's → 486. Whether the status is a transition the campaign may make
 * (scheduled or paused → cancelled, paused → in-progress) is the campaign's to decide (487).
 */
export function parseUpdateCampaign(campaignSid: string, body: unknown): Result<{ campaignSid: string; status: CampaignStatus }> {
  const requested = body !== null && typeof body === 'object' ? (body as { status?: unknown }).status : undefined;
  if (requested === undefined || requested === null || requested === '') return fail(Errors.mandatoryMissing('status'));
  const status = parseStatusInput(requested);
  if (!status) return fail(Errors.campaignStatusInvalid);
  if (!isSid('campaign', campaignSid)) return fail(Errors.enterpriseCampaignNotFound);
  return ok({ campaignSid, status });
}
