import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Errors, LIMITS } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import { pageEnvelope } from '../../http/paging';
import type { Caller } from '../../identity/identity.service';
import { CREDIT_LIST_EXAMPLE, errorExample } from '../credits.examples';
import { searchCredits } from './search-credits.handler';
import { parseSearchCredits } from './search-credits.request';

@ApiTags('credits')
@ApiBasicAuth()
@Controller('campaignmanager/credits')
export class SearchCreditsController {
  constructor(private readonly rr: RequestReplyClient) {}

  @Get('search')
  @ApiOperation({ summary: 'Get List of Credits', description: "The enterprise's credit history: top-ups and reductions (credit) and campaign charges (debit), paged." })
  @ApiQuery({ name: 'page', required: false, description: 'Which page to return, from 0 (default 0).', schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiQuery({
    name: 'pageSize',
    required: false,
    description: `Records per page (default 10, at most ${LIMITS.pageSizeMax}).`,
    schema: { type: 'integer', minimum: 1, maximum: LIMITS.pageSizeMax, default: 10 },
  })
  @ApiQuery({ name: 'type', required: false, description: 'credit: added; debit: reduced (operator reductions and campaign charges).', enum: ['credit', 'debit'] })
  @ApiQuery({ name: 'startTime', required: false, description: 'Created on or after (inclusive, UTC unless an offset is given), e.g. 2018-10-05T22:45:32 or 2018-10-05.' })
  @ApiQuery({ name: 'endTime', required: false, description: 'Created on or before (inclusive, UTC unless an offset is given), e.g. 2018-10-06T02:10:03 or 2018-10-06.' })
  @ApiQuery({ name: 'SortBy', required: false, description: 'dateCreated:asc (default) or dateCreated:desc.', example: 'dateCreated:desc' })
  @ApiResponse({ status: 200, description: 'One page of the credit history.', schema: { example: CREDIT_LIST_EXAMPLE } })
  @ApiResponse({
    status: 400,
    description: '498: a date in another form; 4001: an invalid type, page, pageSize or SortBy.',
    schema: { example: errorExample(Errors.dateFormatIncorrect.code, Errors.dateFormatIncorrect.message) },
  })
  @ApiResponse({ status: 401, description: 'Authentication failed.', schema: { example: errorExample(Errors.unauthorized.code, Errors.unauthorized.message) } })
  async search(@CallerParam() caller: Caller, @Query() q: Record<string, string>, @Req() req: Request) {
    const request = unwrap(parseSearchCredits(q), q);
    const page = unwrap(await searchCredits(this.rr, caller.enterpriseSid, request));
    return pageEnvelope(req, request.page, request.pageSize, page.total, page.data);
  }
}
