import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { LIMITS, TOPIC, type AnnouncementPage } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody } from '../../http/api';
import { CallerParam } from '../../http/auth';
import { parsePaging, parseSort } from '../../http/paging';
import type { Caller } from '../../identity/identity.service';
import { PLAY_EXAMPLE, SAY_EXAMPLE, errorExample, okExample, presentAnnouncement } from '../announcement.presenter';
import { announcementPage, parseSearchFilters } from './search-announcements.request';

@ApiTags('announcements')
@ApiBasicAuth()
@Controller('campaignmanager/announcement')
export class SearchAnnouncementsController {
  constructor(private readonly rr: RequestReplyClient) {}

  @Get('search')
  @ApiOperation({ summary: 'List the enterprise’s announcements, with paging, filters and SortBy' })
  @ApiQuery({ name: 'page', required: false, description: 'Page number from 0 (default 0)' })
  @ApiQuery({ name: 'pageSize', required: false, description: `Records per page (default 10, at most ${LIMITS.pageSizeMax})` })
  @ApiQuery({ name: 'name', required: false, description: 'Part of the name' })
  @ApiQuery({ name: 'type', required: false, enum: ['say', 'play'] })
  @ApiQuery({ name: 'enterpriseSid', required: false })
  @ApiQuery({ name: 'startTime', required: false, description: 'Created at or after (ISO-8601, UTC when no offset)' })
  @ApiQuery({ name: 'endTime', required: false, description: 'Created at or before (ISO-8601, UTC when no offset)' })
  @ApiQuery({ name: 'SortBy', required: false, description: 'dateCreated|name, then :asc or :desc (also accepted as sortBy)' })
  @ApiResponse({
    status: 200,
    description: 'One page',
    schema: {
      example: okExample({
        result: [PLAY_EXAMPLE, SAY_EXAMPLE],
        pageSize: 2,
        total: 6,
        page: 0,
        numPages: 3,
        start: 0,
        end: 1,
        firstPageUri: '/campaignmanager/announcement/search?sortBy=name%3Aasc&pageSize=2&page=0',
        previousPageUri: null,
        nextPageUri: '/campaignmanager/announcement/search?sortBy=name%3Aasc&pageSize=2&page=1',
        uri: '/campaignmanager/announcement/search?sortBy=name%3Aasc&pageSize=2&page=0',
      }),
    },
  })
  @ApiResponse({
    status: 400,
    description: '4001 invalid page, pageSize, type or SortBy; 498 malformed date',
    schema: { example: errorExample(4001, 'Invalid parameter. SortBy must be one of dateCreated:asc|desc, name:asc|desc.', null) },
  })
  async search(@CallerParam() caller: Caller, @Query() q: Record<string, string>, @Req() req: Request) {
    const { page, pageSize } = parsePaging(q, LIMITS.pageSizeMax);
    const sort = parseSort(q.SortBy ?? q.sortBy, ['dateCreated', 'name']);
    const filters = parseSearchFilters(q, caller.enterpriseSid);
    if (!filters.ok) throw new ApiError(filters.error, q);
    const { otherEnterprise, ...f } = filters.value;
    let found: AnnouncementPage = { total: 0, data: [] };
    if (!otherEnterprise) {
      const r = await this.rr.request<AnnouncementPage>(TOPIC.campaignQueries, caller.enterpriseSid, 'SearchAnnouncements', {
        enterpriseSid: caller.enterpriseSid,
        page,
        pageSize,
        ...f,
        sortBy: sort.attribute,
        sortDirection: sort.direction,
      });
      if (!r.ok) throw new ApiError(r.error, q);
      found = r.value;
    }
    return okBody(announcementPage(req.path, q, page, pageSize, found.total, found.data.map(presentAnnouncement)));
  }
}
