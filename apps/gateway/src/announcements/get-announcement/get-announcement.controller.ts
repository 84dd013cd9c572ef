import { Controller, Get, Param } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { NOT_FOUND_EXAMPLE, PLAY_EXAMPLE, okExample, presentAnnouncement } from '../announcement.presenter';
import { GetAnnouncementHandler } from './get-announcement.handler';

@ApiTags('announcements')
@ApiBasicAuth()
@Controller('campaignmanager/announcement')
export class GetAnnouncementController {
  private readonly handler: GetAnnouncementHandler;
  constructor(rr: RequestReplyClient) {
    this.handler = new GetAnnouncementHandler(rr);
  }

  @Get('search/:announcementSid')
  @ApiOperation({ summary: 'Get one announcement' })
  @ApiParam({ name: 'announcementSid', example: PLAY_EXAMPLE.sid })
  @ApiResponse({ status: 200, description: 'The announcement', schema: { example: okExample(PLAY_EXAMPLE) } })
  @ApiResponse({ status: 409, description: '500 announcement not found', schema: { example: NOT_FOUND_EXAMPLE } })
  async get(@CallerParam() caller: Caller, @Param('announcementSid') announcementSid: string) {
    const r = await this.handler.handle(caller.enterpriseSid, announcementSid);
    if (!r.ok) throw new ApiError(r.error, { sid: announcementSid });
    return okBody(presentAnnouncement(r.value));
  }
}
