import { Controller, Param, Put, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Platform, RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { readFields } from '../announcement-body';
import { AnnouncementFiles } from '../announcement-files.repository';
import { NOT_FOUND_EXAMPLE, SAY_EXAMPLE, okExample, presentAnnouncement } from '../announcement.presenter';
import { UpdateAnnouncementHandler } from './update-announcement.handler';
import { parseUpdateAnnouncement } from './update-announcement.request';

@ApiTags('announcements')
@ApiBasicAuth()
@Controller('campaignmanager/announcement')
export class UpdateAnnouncementController {
  private readonly handler: UpdateAnnouncementHandler;
  constructor(rr: RequestReplyClient, platform: Platform) {
    this.handler = new UpdateAnnouncementHandler(rr, new AnnouncementFiles(platform));
  }

  @Put(':announcementSid')
  @ApiOperation({ summary: 'Update an announcement (type is mandatory; name and description are kept when not sent)' })
  @ApiParam({ name: 'announcementSid', example: SAY_EXAMPLE.sid })
  @ApiBody({ schema: { example: { name: 'TTS Play 19Mar21-852 Updated', description: 'TTS Play Ann description', type: 'say', body: 'Hello', language: 'google.ar-XA-Standard-A', voice: 'man' } } })
  @ApiResponse({ status: 200, description: 'Updated', schema: { example: okExample({ ...SAY_EXAMPLE, voice: 'man', description: 'TTS Play Ann description' }) } })
  @ApiResponse({
    status: 409,
    description: '500 announcement not found; 4000 mandatory parameter missing; 521 language not supported; 522 voice not man or woman',
    schema: { example: NOT_FOUND_EXAMPLE },
  })
  async update(@CallerParam() caller: Caller, @Param('announcementSid') announcementSid: string, @Req() req: Request) {
    const parsed = parseUpdateAnnouncement(await readFields(req));
    if (!parsed.ok) throw new ApiError(parsed.error, { sid: announcementSid });
    const r = await this.handler.handle(caller, announcementSid, parsed.value);
    if (!r.ok) throw new ApiError(r.error, { sid: announcementSid });
    return okBody(presentAnnouncement(r.value));
  }
}
