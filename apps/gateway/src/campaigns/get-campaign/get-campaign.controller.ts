import { Controller, Get, Param } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { CampaignReadModel, readCampaignReads } from '../../read-model';
import { GetCampaignHandler } from './get-campaign.handler';
import { parseGetCampaign } from './get-campaign.request';
import { CAMPAIGN_EXAMPLE } from './campaign.example';

@ApiTags('campaigns')
@ApiBasicAuth()
@Controller('campaignmanager/campaigns')
export class GetCampaignController {
  private readonly handler: GetCampaignHandler;

  constructor(rr: RequestReplyClient, readModel: CampaignReadModel) {
    this.handler = new GetCampaignHandler(rr, readModel, readCampaignReads());
  }

  @Get('search/:campaignSid')
  @ApiOperation({ summary: 'Get Single Campaign' })
  @ApiParam({ name: 'campaignSid', description: 'SID to uniquely identify a Campaign' })
  @ApiResponse({ status: 200, description: 'The campaign', schema: { example: { code: 200, message: 'OK', data: CAMPAIGN_EXAMPLE } } })
  @ApiResponse({
    status: 409,
    description: '463 Campaign not found (also for another enterprise’s campaign)',
    schema: { example: { code: 463, message: 'Campaign not found', data: { sid: CAMPAIGN_EXAMPLE.sid } } },
  })
  async get(@CallerParam() caller: Caller, @Param('campaignSid') campaignSid: string) {
    const request = parseGetCampaign(campaignSid);
    if (!request.ok) throw new ApiError(request.error, { sid: campaignSid });
    return okBody(unwrap(await this.handler.handle(request.value.campaignSid, caller.enterpriseSid), { sid: campaignSid }));
  }
}
