import { Controller, Delete, Param } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { CampaignReadModel } from '../../read-model';
import { CAMPAIGN_EXAMPLE } from '../get-campaign/campaign.example';
import { DeleteCampaignHandler } from './delete-campaign.handler';
import { parseDeleteCampaign } from './delete-campaign.request';

@ApiTags('campaigns')
@ApiBasicAuth()
@Controller('campaignmanager/campaigns')
export class DeleteCampaignController {
  private readonly handler: DeleteCampaignHandler;

  constructor(rr: RequestReplyClient, readModel: CampaignReadModel) {
    this.handler = new DeleteCampaignHandler(rr, readModel);
  }

  @Delete(':campaignSid')
  @ApiOperation({ summary: 'Delete Campaign: only while it is scheduled; its reserved credits come back' })
  @ApiParam({ name: 'campaignSid', description: 'The campaign’s sid' })
  @ApiResponse({ status: 200, description: 'The campaign as it was when deleted', schema: { example: { code: 200, message: 'OK', data: CAMPAIGN_EXAMPLE } } })
  @ApiResponse({
    status: 409,
    description: '464 Campaign status not "Scheduled"; 463 Campaign not found (also for another enterprise’s campaign)',
    schema: { example: { code: 463, message: 'Campaign not found', data: { sid: CAMPAIGN_EXAMPLE.sid } } },
  })
  async delete(@CallerParam() caller: Caller, @Param('campaignSid') campaignSid: string) {
    const request = parseDeleteCampaign(campaignSid);
    if (!request.ok) throw new ApiError(request.error, { sid: campaignSid });
    return okBody(unwrap(await this.handler.handle(request.value.campaignSid, caller.enterpriseSid), { sid: campaignSid }));
  }
}
