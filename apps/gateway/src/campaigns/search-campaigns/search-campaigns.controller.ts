import { Controller, Get, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBasicAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import { pageEnvelope } from '../../http/paging';
import type { Caller } from '../../identity/identity.service';
import { CampaignReadModel, readCampaignReads } from '../../read-model';
import { CAMPAIGN_EXAMPLE } from '../get-campaign/campaign.example';
import { SearchCampaignsHandler } from './search-campaigns.handler';
import { parseSearchCampaigns } from './search-campaigns.request';

@ApiTags('campaigns')
@ApiBasicAuth()
@Controller('campaignmanager/campaigns')
export class SearchCampaignsController {
  private readonly handler: SearchCampaignsHandler;

  constructor(rr: RequestReplyClient, readModel: CampaignReadModel) {
    this.handler = new SearchCampaignsHandler(rr, readModel, readCampaignReads());
  }

  @Get('search')
  @ApiOperation({ summary: 'Get List of Campaigns' })
  @ApiQuery({ name: 'page', required: false, description: 'Which page to return, from 0 (default 0)' })
  @ApiQuery({ name: 'pageSize', required: false, description: 'Records per page (default 10)' })
  @ApiQuery({ name: 'name', required: false, description: 'Only campaigns whose name contains this text (any case)' })
  @ApiQuery({ name: 'status', required: false, description: 'Only campaigns in this status' })
  @ApiQuery({ name: 'channel', required: false, description: 'Only campaigns of this channel: sms or voice' })
  @ApiQuery({ name: 'startTime', required: false, description: 'Only campaigns created at or after this time (2018-10-05 or 2018-10-05T22:45:32, UTC)' })
  @ApiQuery({ name: 'endTime', required: false, description: 'Only campaigns created at or before this time (2018-10-06 or 2018-10-06T02:10:03, UTC)' })
  @ApiQuery({ name: 'SortBy', required: false, description: 'startTime, name or status, then :asc (default) or :desc' })
  @ApiResponse({
    status: 200,
    description: 'One page of campaigns',
    schema: {
      example: {
        page: 0,
        num_pages: 3,
        page_size: 2,
        total: 6,
        start: 0,
        end: 1,
        uri: '/campaignmanager/campaigns/search',
        first_page_uri: '/campaignmanager/campaigns/search?pageSize=2&page=0',
        previous_page_uri: null,
        next_page_uri: '/campaignmanager/campaigns/search?pageSize=2&page=1',
        data: [CAMPAIGN_EXAMPLE],
      },
    },
  })
  @ApiResponse({ status: 409, description: '483 Campaign status is invalid' })
  @ApiResponse({ status: 400, description: '498 Date format is incorrect; 4001 invalid paging, channel or SortBy' })
  async search(@CallerParam() caller: Caller, @Query() q: Record<string, string>, @Req() req: Request) {
    const request = parseSearchCampaigns(q, caller.enterpriseSid);
    if (!request.ok) throw new ApiError(request.error, q);
    const s = request.value;
    const page = unwrap(await this.handler.handle(s));
    return pageEnvelope(req, s.page, s.pageSize, page.total, page.data);
  }
}
