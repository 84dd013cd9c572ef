import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ANNOUNCEMENT_LIMITS } from '@clarion/contracts';
import { Platform, RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { AnnouncementFiles } from '../announcement-files.repository';
import { PLAY_EXAMPLE, errorExample, okExample, presentAnnouncement } from '../announcement.presenter';
import { readAudioUpload } from './audio-upload';
import { UploadAnnouncementFileHandler } from './upload-announcement-file.handler';

@ApiTags('announcements')
@ApiBasicAuth()
@Controller()
export class UploadAnnouncementFileController {
  private readonly handler: UploadAnnouncementFileHandler;
  constructor(rr: RequestReplyClient, platform: Platform) {
    this.handler = new UploadAnnouncementFileHandler(rr, new AnnouncementFiles(platform));
  }

  /** Seed 000 documents the first path; its curl example posts to the second, so both are served. */
  @Post(['campaignmanager/internal/file/announcement/:announcementSid', 'campaignmanager/internal/announcement/file/:announcementSid'])
  @HttpCode(200)
  @ApiOperation({ summary: `Upload the WAV file of a "play" announcement (mono PCM or µ-law, 8000 or 16000 Hz, at most ${ANNOUNCEMENT_LIMITS.audioBytesMax} bytes)` })
  @ApiParam({ name: 'announcementSid', example: PLAY_EXAMPLE.sid })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiResponse({ status: 200, description: 'Uploaded; fileUri serves the audio', schema: { example: okExample(PLAY_EXAMPLE) } })
  @ApiResponse({
    status: 409,
    description: '504 not a playable WAV file; 500 announcement not found; 4000 no file',
    schema: { example: errorExample(504, 'Error in uploading audio file', { sid: PLAY_EXAMPLE.sid, reason: '2 channels; only mono is played' }) },
  })
  @ApiResponse({ status: 413, description: `413 larger than ${ANNOUNCEMENT_LIMITS.audioBytesMax} bytes` })
  async upload(@CallerParam() caller: Caller, @Param('announcementSid') announcementSid: string, @Req() req: Request) {
    const found = await this.handler.check(caller, announcementSid);
    if (!found.ok) throw new ApiError(found.error, { sid: announcementSid });
    let audio;
    try {
      audio = await readAudioUpload(req);
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(err.error, { sid: announcementSid, ...(err.data as object | null) });
      throw err;
    }
    const r = await this.handler.store(caller, announcementSid, audio);
    if (!r.ok) throw new ApiError(r.error, { sid: announcementSid });
    return okBody(presentAnnouncement(r.value));
  }
}
