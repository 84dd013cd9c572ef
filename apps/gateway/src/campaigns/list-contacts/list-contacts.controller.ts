import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Errors, LIMITS, isSid } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import { pageEnvelope, parsePaging } from '../../http/paging';
import type { Caller } from '../../identity/identity.service';
import { listContacts } from './list-contacts.handler';

@ApiTags('campaigns')
@ApiBasicAuth()
@Controller('campaignmanager/campaigns')
export class ListContactsController {
  constructor(private readonly rr: RequestReplyClient) {}

  /** A campaign's recipients with seed 001's fields, ordered by number, with seed 000's paging. */
  @Get(':campaignSid/contacts')
  @ApiOperation({ summary: "List a campaign's recipients (phoneNumber, name, custom1, custom2)" })
  @ApiParam({ name: 'campaignSid' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', default: 0 } })
  @ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', default: 10, maximum: LIMITS.pageSizeMax } })
  @ApiResponse({
    status: 200,
    description: 'One page',
    schema: {
      example: { code: 200, message: 'OK', page: 0, num_pages: 1, page_size: 10, total: 1, start: 0, end: 0, data: [{ phoneNumber: '+919960639903', name: 'Asha', custom1: 'Gold', custom2: '' }] },
    },
  })
  @ApiResponse({
    status: 409,
    description: '463 campaign not found (or another enterprise’s)',
    schema: { example: { code: 463, message: 'Campaign not found', data: { sid: 'CPb6eb071d21124dbab20b095c25f1274f' } } },
  })
  async list(@CallerParam() caller: Caller, @Param('campaignSid') campaignSid: string, @Query() q: Record<string, string>, @Req() req: Request) {
    const { page, pageSize } = parsePaging(q, LIMITS.pageSizeMax);
    if (!isSid('campaign', campaignSid)) throw new ApiError(Errors.campaignNotFound, { sid: campaignSid });
    const r = unwrap(await listContacts(this.rr, caller.enterpriseSid, campaignSid, page, pageSize), { sid: campaignSid });
    return pageEnvelope(req, page, pageSize, r.total, r.data);
  }
}
