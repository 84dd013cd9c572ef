import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { CampaignReadModel, readCampaignReads } from '../../read-model';
import { CAMPAIGN_EXAMPLE } from '../get-campaign/campaign.example';
import { UpdateCampaignHandler } from './update-campaign.handler';
import { parseUpdateCampaign } from './update-campaign.request';

@ApiTags('campaigns')
@ApiBasicAuth()
@Controller('campaignmanager/campaigns')
export class UpdateCampaignController {
  private readonly handler: UpdateCampaignHandler;

  constructor(rr: RequestReplyClient, readModel: CampaignReadModel) {
    this.handler = new UpdateCampaignHandler(rr, readModel, readCampaignReads());
  }

  @Put(':campaignSid')
  @ApiOperation({
    summary: 'Update Campaign: cancel a scheduled or paused campaign, or resume a paused one',
    description: 'status "cancelled" from scheduled or paused (a paused one is charged what it sent); status "in-progress" from paused resumes it. Anything else: 487.',
  })
  @ApiParam({ name: 'campaignSid', description: 'The campaign’s sid' })
  @ApiBody({ schema: { example: { status: 'cancelled' }, properties: { status: { type: 'string', enum: ['cancelled', 'in-progress'] } } } })
  @ApiResponse({ status: 200, description: 'The cancelled (or resumed) campaign', schema: { example: { code: 200, message: 'OK', data: { ...CAMPAIGN_EXAMPLE, status: 'cancelled' } } } })
  @ApiResponse({
    status: 409,
    description: '487 Campaign status cannot be updated; 486 Enterprise campaign not found; 483 Campaign status is invalid; 4000 status missing',
    schema: { example: { code: 486, message: 'Enterprise campaign not found', data: { sid: CAMPAIGN_EXAMPLE.sid, status: 'canceled' } } },
  })
  async update(@CallerParam() caller: Caller, @Param('campaignSid') campaignSid: string, @Body() body: unknown) {
    const requested = body !== null && typeof body === 'object' ? (body as { status?: unknown }).status : undefined;
    const request = parseUpdateCampaign(campaignSid, body);
    if (!request.ok) throw new ApiError(request.error, { sid: campaignSid, status: requested ?? null });
    const r = await this.handler.handle(request.value.campaignSid, request.value.status, caller.enterpriseSid);
    return okBody(unwrap(r, { sid: campaignSid, status: requested }));
  }
}
