import { Errors, TOPIC, fail, ok, type CampaignView, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import { presentCampaign, type CampaignReadModel, type CampaignReads } from '../../read-model';

/**
 * A campaign of the caller's enterprise, from the read model. One it does not hold yet (created a
 * moment ago, or the read model is still catching up) is asked of campaign-svc and kept, so a GET
 * right after the create sees it; a campaign of another enterprise, or a deleted one, is never
 * looked up further. `request-reply` mode asks campaign-svc every time (the former path).
 */
export async function findCampaign(rr: RequestReplyClient, readModel: CampaignReadModel, mode: CampaignReads, campaignSid: string, enterpriseSid: string): Promise<Result<CampaignView>> {
  if (mode === 'read-model') {
    const stored = await readModel.get(campaignSid, enterpriseSid);
    if (stored.kind === 'view') return ok(stored.view);
    if (stored.kind === 'removed') return fail(Errors.campaignNotFound);
  }
  const asked = await rr.request<CampaignView>(TOPIC.campaignQueries, campaignSid, 'GetCampaign', { campaignSid, enterpriseSid });
  if (asked.ok && mode === 'read-model' && typeof asked.value.version === 'number') await readModel.upsert(asked.value as CampaignView & { version: number });
  return asked;
}

export class GetCampaignHandler {
  constructor(
    private readonly rr: RequestReplyClient,
    private readonly readModel: CampaignReadModel,
    private readonly mode: CampaignReads,
  ) {}

  async handle(campaignSid: string, enterpriseSid: string): Promise<Result<ReturnType<typeof presentCampaign>>> {
    const found = await findCampaign(this.rr, this.readModel, this.mode, campaignSid, enterpriseSid);
    if (!found.ok) return found;
    const view = found.value;
    // The request-reply answer carries campaign-svc's own carrier state already.
    return ok(presentCampaign(view, view.status === 'in-progress' && this.mode === 'read-model' ? await this.readModel.carrier() : undefined));
  }
}
