import { TOPIC, ok, type CampaignView, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import { presentCampaign, type CampaignReadModel, type CampaignReads, type CampaignSearch } from '../../read-model';

/** One page of the enterprise's campaigns, from the read model (or, in request-reply mode, from campaign-svc). */
export class SearchCampaignsHandler {
  constructor(
    private readonly rr: RequestReplyClient,
    private readonly readModel: CampaignReadModel,
    private readonly mode: CampaignReads,
  ) {}

  async handle(s: CampaignSearch): Promise<Result<{ total: number; data: ReturnType<typeof presentCampaign>[] }>> {
    if (this.mode === 'request-reply') {
      const r = await this.rr.request<{ total: number; data: CampaignView[] }>(TOPIC.campaignQueries, s.enterpriseSid, 'SearchCampaigns', {
        enterpriseSid: s.enterpriseSid,
        page: s.page,
        pageSize: s.pageSize,
        name: s.name,
        status: s.status,
        channel: s.channel,
        startTime: s.createdFrom,
        endTime: s.createdTo,
        sortBy: s.sortBy,
        sortDirection: s.sortDirection,
      });
      return r.ok ? ok({ total: r.value.total, data: r.value.data.map((v) => presentCampaign(v)) }) : r;
    }
    const found = await this.readModel.search(s);
    const carrier = found.data.some((v) => v.status === 'in-progress') ? await this.readModel.carrier() : undefined;
    return ok({ total: found.total, data: found.data.map((v) => presentCampaign(v, carrier)) });
  }
}
