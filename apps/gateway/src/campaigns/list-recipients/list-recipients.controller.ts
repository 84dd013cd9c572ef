import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Errors, LIMITS, seedTime } from '@clarion/contracts';
import { Platform, RequestReplyClient } from '@clarion/platform';
import { ApiError, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import { pageEnvelope, parsePaging } from '../../http/paging';
import type { Caller } from '../../identity/identity.service';
import { REPORT_STATUSES } from '../../recipients-report/recipient-status';
import { countRecipients, pageRecipients } from '../../recipients-report/report.store';
import { resolveReportCampaign } from './list-recipients.handler';
import { parseRecipientStatusFilter } from './list-recipients.request';

const EXAMPLE_ROW = { phoneNumber: '+919960639903', status: 'delivered', errorCode: null, carrierMessageId: '6f1c2a9e', dateUpdated: '2021-12-13T12:21:27+0000' };

@ApiTags('campaigns')
@ApiBasicAuth()
@Controller('campaignmanager/campaigns')
export class ListRecipientsController {
  constructor(
    private readonly platform: Platform,
    private readonly rr: RequestReplyClient,
  ) {}

  /** One page of the campaign's recipients in number order, each with the state it has reached. */
  @Get(':campaignSid/recipients')
  @ApiOperation({ summary: "A campaign's recipients with each one's delivery status (paged, filterable by status)" })
  @ApiParam({ name: 'campaignSid', description: 'The campaign sid (CP…)' })
  @ApiQuery({ name: 'status', required: false, enum: REPORT_STATUSES, description: 'Only recipients in this status' })
  @ApiQuery({ name: 'page', required: false, description: 'Page number, from 0 (default 0)' })
  @ApiQuery({ name: 'pageSize', required: false, description: `Recipients per page, 1 to ${LIMITS.pageSizeMax} (default 10)` })
  @ApiResponse({
    status: 200,
    description: 'A page of recipients',
    schema: { example: { code: 200, message: 'OK', page: 0, num_pages: 1, page_size: 10, pageSize: 10, total: 1, start: 0, end: 0, data: [EXAMPLE_ROW] } },
  })
  @ApiResponse({
    status: 400,
    description: 'Invalid parameter (4001)',
    schema: { example: { code: 4001, message: 'Invalid parameter. status must be one of queued, sent, delivered, undelivered, failed, opted-out, expired, unknown.', data: null } },
  })
  @ApiResponse({ status: 409, description: 'Campaign not found (463)', schema: { example: { code: 463, message: 'Campaign not found', data: { sid: 'CP0f3c…' } } } })
  async list(@CallerParam() caller: Caller, @Param('campaignSid') campaignSid: string, @Query() q: Record<string, string>, @Req() req: Request) {
    const { page, pageSize } = parsePaging(q, LIMITS.pageSizeMax);
    const status = unwrap(parseRecipientStatusFilter(q.status), q);
    const campaign = unwrap(await resolveReportCampaign(this.platform, this.rr, campaignSid, caller.enterpriseSid), { sid: campaignSid });
    if (!campaign) return pageEnvelope(req, page, pageSize, 0, []);
    const offset = page * pageSize;
    if (!Number.isSafeInteger(offset)) throw new ApiError(Errors.invalidParameter('page is too large.'), q);
    const [total, lines] = await Promise.all([countRecipients(this.platform, campaign.id, status), pageRecipients(this.platform, campaign.id, status, offset, pageSize)]);
    const data = lines.map((l) => ({ phoneNumber: l.phoneNumber, status: l.status, errorCode: l.errorCode, carrierMessageId: l.carrierMessageId, dateUpdated: seedTime(l.occurredAt) }));
    return pageEnvelope(req, page, pageSize, total, data);
  }
}
