import { Controller, Delete, Param } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Platform, RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { AnnouncementFiles } from '../announcement-files.repository';
import { SAY_EXAMPLE, errorExample, okExample, presentAnnouncement } from '../announcement.presenter';
import { DeleteAnnouncementHandler } from './delete-announcement.handler';

@ApiTags('announcements')
@ApiBasicAuth()
@Controller('campaignmanager/announcement')
export class DeleteAnnouncementController {
  private readonly handler: DeleteAnnouncementHandler;
  constructor(rr: RequestReplyClient, platform: Platform) {
    this.handler = new DeleteAnnouncementHandler(rr, new AnnouncementFiles(platform));
  }

  @Delete(':announcementSid')
  @ApiOperation({ summary: 'Delete an announcement no unfinished campaign uses; answers it as it was' })
  @ApiParam({ name: 'announcementSid', example: SAY_EXAMPLE.sid })
  @ApiResponse({ status: 200, description: 'Deleted', schema: { example: okExample(SAY_EXAMPLE) } })
  @ApiResponse({
    status: 409,
    description: '507 used by a campaign that is initiating, scheduled, in progress or paused; 500 announcement not found',
    schema: { example: errorExample(507, 'This Announcement cannot be deleted as it is being used in a campaign.', { sid: SAY_EXAMPLE.sid }) },
  })
  async remove(@CallerParam() caller: Caller, @Param('announcementSid') announcementSid: string) {
    const r = await this.handler.handle(caller, announcementSid);
    if (!r.ok) throw new ApiError(r.error, { sid: announcementSid });
    return okBody(presentAnnouncement(r.value));
  }
}
