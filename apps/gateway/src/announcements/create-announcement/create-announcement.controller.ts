import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { readFields } from '../announcement-body';
import { PLAY_EXAMPLE, SAY_EXAMPLE, errorExample, okExample, presentAnnouncement } from '../announcement.presenter';
import { CreateAnnouncementHandler } from './create-announcement.handler';
import { parseCreateAnnouncement } from './create-announcement.request';

@ApiTags('announcements')
@ApiBasicAuth()
@Controller('campaignmanager/announcement')
export class CreateAnnouncementController {
  private readonly handler: CreateAnnouncementHandler;
  constructor(rr: RequestReplyClient) {
    this.handler = new CreateAnnouncementHandler(rr);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create an announcement: text to speech ("say") or an audio file uploaded afterwards ("play")' })
  @ApiBody({
    description: 'JSON (as in seed 000), urlencoded or multipart form fields.',
    schema: {
      example: { enterpriseSid: 'EN38347f3735b04741a0c9be689901e6b4', name: 'TTS Play 19Mar21-852', type: 'say', body: 'Hello', language: 'google.ar-XA-Standard-A', voice: 'woman' },
    },
  })
  @ApiResponse({ status: 200, description: 'Created', schema: { example: okExample(SAY_EXAMPLE) } })
  @ApiResponse({ status: 200, description: 'Created (play; fileUri appears once the audio is uploaded)', schema: { example: okExample({ ...PLAY_EXAMPLE, fileUri: undefined }) } })
  @ApiResponse({
    status: 409,
    description: '4000 mandatory parameter missing; 467 enterprise not found; 521 language not supported; 522 voice not man or woman',
    schema: { example: errorExample(522, 'Announcement voice type should be man or woman.', null) },
  })
  async create(@CallerParam() caller: Caller, @Req() req: Request) {
    const fields = await readFields(req);
    const parsed = parseCreateAnnouncement(fields, caller.enterpriseSid);
    if (!parsed.ok) throw new ApiError(parsed.error, parsed.error.code === 467 ? { sid: fields.enterpriseSid } : null);
    const created = await this.handler.handle(caller, parsed.value);
    if (!created.ok) throw new ApiError(created.error, null);
    return okBody(presentAnnouncement(created.value));
  }
}
