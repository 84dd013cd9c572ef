import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Errors, LIMITS } from '@clarion/contracts';
import { Platform } from '@clarion/platform';
import { okBody, unwrap } from '../../../http/api';
import { CallerParam } from '../../../http/auth';
import type { Caller } from '../../../identity/identity.service';
import { errorExample } from '../../dnd.examples';
import { entriesPage } from '../../search-entries/search-entries.page';
import { consentHistory } from '../consent.repository';
import { parseGetHistory } from './get-history.request';

const EXAMPLE = {
  code: 200,
  message: 'OK',
  data: {
    result: [
      {
        phoneNumber: '+447700900123',
        consent: 'opted-out',
        optInList: null,
        source: 'reply',
        campaignSid: 'CP0f3c2b1a0f3c2b1a0f3c2b1a0f3c2b1a',
        uploadId: null,
        text: 'STOP',
        at: '2026-12-02T15:04:05.123Z',
      },
    ],
    pageSize: 10,
    total: 1,
    page: 0,
    numPages: 1,
    start: 0,
    end: 0,
    firstPageUri: '/campaignmanager/dnd/consent/+447700900123?pageSize=10&page=0',
    uri: '/campaignmanager/dnd/consent/+447700900123?pageSize=10&page=0',
  },
};

@ApiTags('dnd')
@ApiBasicAuth()
@Controller('campaignmanager/dnd/consent')
export class GetConsentHistoryController {
  constructor(private readonly platform: Platform) {}

  @Get(':phoneNumber')
  @ApiOperation({
    summary: "A number's consent history",
    description:
      "Every opt-out and opt-in of the number in the caller's enterprise, newest first: by a STOP/START reply (with the campaign it answered and its text), an upload (with its id) or the API. A number with no history answers an empty page.",
  })
  @ApiParam({ name: 'phoneNumber', description: 'The phone number, with or without "+".' })
  @ApiQuery({ name: 'page', required: false, description: 'Which page to return, from 0 (default 0).', schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiQuery({
    name: 'pageSize',
    required: false,
    description: `Records per page (default 10, at most ${LIMITS.pageSizeMax}).`,
    schema: { type: 'integer', minimum: 1, maximum: LIMITS.pageSizeMax, default: 10 },
  })
  @ApiResponse({ status: 200, description: 'One page of the history; the paging fields sit inside data.', schema: { example: EXAMPLE } })
  @ApiResponse({
    status: 400,
    description: '4001: not a phone number, or an invalid page or pageSize.',
    schema: { example: errorExample(4001, Errors.invalidParameter('phoneNumber is not a phone number.').message) },
  })
  async history(@CallerParam() caller: Caller, @Param('phoneNumber') phoneNumber: string, @Query() q: Record<string, string>, @Req() req: Request) {
    const request = unwrap(parseGetHistory(phoneNumber, q), { phoneNumber });
    const found = await consentHistory(this.platform, caller.enterpriseSid, request.msisdn, request.page, request.pageSize);
    return okBody(entriesPage(req.path, q, request.page, request.pageSize, found.total, found.data));
  }
}
