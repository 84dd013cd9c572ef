import { Controller, Get, Query, Req, applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Errors, LIMITS } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { okBody, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { OPT_IN, OPT_OUT, entryBody, type DndList } from '../dnd-lists';
import { SEARCH_EXAMPLE, errorExample } from '../dnd.examples';
import { searchEntries } from './search-entries.handler';
import { entriesPage } from './search-entries.page';
import { parseSearchEntries } from './search-entries.request';

const docs = (list: DndList, exampleName: string) =>
  applyDecorators(
    ApiOperation({ summary: `Get list of ${list.title} Numbers`, description: `The numbers of the enterprise's ${list.title} list${list.kind === 'optin' ? 's' : ''}, paged.` }),
    ApiQuery({ name: 'page', required: false, description: 'Which page to return, from 0 (default 0).', schema: { type: 'integer', minimum: 0, default: 0 } }),
    ApiQuery({
      name: 'pageSize',
      required: false,
      description: `Records per page (default 10, at most ${LIMITS.pageSizeMax}).`,
      schema: { type: 'integer', minimum: 1, maximum: LIMITS.pageSizeMax, default: 10 },
    }),
    ApiQuery({ name: 'phoneNumber', required: false, description: 'Only this phone number (with or without "+").' }),
    ...(list.kind === 'optin' ? [ApiQuery({ name: 'name', required: false, description: 'Only numbers of the opt-in list of this name.' })] : []),
    ApiQuery({ name: 'startTime', required: false, description: 'Created on or after (inclusive, UTC unless an offset is given), e.g. 2018-10-05T22:45:32 or 2018-10-05.' }),
    ApiQuery({ name: 'endTime', required: false, description: 'Created on or before (inclusive, UTC unless an offset is given), e.g. 2018-10-06T02:10:03 or 2018-10-06.' }),
    ApiQuery({ name: 'SortBy', required: false, description: 'dateCreated:asc (default) or dateCreated:desc, in any case; sortBy is accepted too.', example: 'dateCreated:desc' }),
    ApiResponse({ status: 200, description: 'One page of numbers; the paging fields sit inside data.', schema: { example: SEARCH_EXAMPLE(list.path, exampleName) } }),
    ApiResponse({
      status: 400,
      description: '498: a date in another form; 4001: an invalid page, pageSize, phoneNumber or SortBy.',
      schema: { example: errorExample(Errors.dateFormatIncorrect.code, Errors.dateFormatIncorrect.message) },
    }),
  );

@ApiTags('dnd')
@ApiBasicAuth()
@Controller('campaignmanager/dnd')
export class SearchEntriesController {
  constructor(private readonly rr: RequestReplyClient) {}

  @Get('optout/search')
  @docs(OPT_OUT, 'Opt-Out')
  optOut(@CallerParam() caller: Caller, @Query() q: Record<string, string>, @Req() req: Request) {
    return this.search(OPT_OUT, caller, q, req);
  }

  @Get('optin/search')
  @docs(OPT_IN, 'test-Opt-in-1')
  optIn(@CallerParam() caller: Caller, @Query() q: Record<string, string>, @Req() req: Request) {
    return this.search(OPT_IN, caller, q, req);
  }

  private async search(list: DndList, caller: Caller, q: Record<string, string>, req: Request) {
    const request = unwrap(parseSearchEntries(list, q), q);
    const found = unwrap(await searchEntries(this.rr, caller.enterpriseSid, list, request));
    return okBody(entriesPage(req.path, q, request.page, request.pageSize, found.total, found.data.map(entryBody)));
  }
}
