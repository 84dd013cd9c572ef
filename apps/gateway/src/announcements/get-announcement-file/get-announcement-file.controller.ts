import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Errors } from '@clarion/contracts';
import { Platform } from '@clarion/platform';
import { ApiError } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { AnnouncementFiles, isAnnouncementFileName } from '../announcement-files.repository';
import { NOT_FOUND_EXAMPLE } from '../announcement.presenter';

/**
 * Serves an announcement's audio at its fileUri, to the accounts of its enterprise (Basic auth,
 * like every other endpoint; another enterprise's file answers as a missing one).
 */
@ApiTags('announcements')
@ApiBasicAuth()
@Controller()
export class GetAnnouncementFileController {
  private readonly files: AnnouncementFiles;
  constructor(platform: Platform) {
    this.files = new AnnouncementFiles(platform);
  }

  /** The fileUri seed 000's create and list examples show, and the shorter form of its single-get example. */
  @Get(['campaignmanager/internal/announcement/file/:fileName', 'campaignmanager/announcement/file/:fileName'])
  @ApiOperation({ summary: 'The uploaded audio of a "play" announcement (audio/wav)' })
  @ApiParam({ name: 'fileName', example: 'AN42b3d3e952ff47ecba9d487095a2bc4e_1580107453296.wav' })
  @ApiProduces('audio/wav')
  @ApiResponse({ status: 200, description: 'The WAV file as uploaded' })
  @ApiResponse({ status: 409, description: '500 no such file (or not the caller’s)', schema: { example: NOT_FOUND_EXAMPLE } })
  async get(@CallerParam() caller: Caller, @Param('fileName') fileName: string, @Res() res: Response) {
    const content = isAnnouncementFileName(fileName) ? await this.files.get(fileName, caller.enterpriseSid) : null;
    if (!content) throw new ApiError(Errors.announcementNotFound, { sid: fileName.split('_')[0] });
    // A file name is never reused (each upload gets a new one), so a client may keep what it fetched.
    res
      .status(200)
      .set({ 'Content-Type': 'audio/wav', 'Content-Length': String(content.length), 'Cache-Control': 'private, max-age=86400, immutable' })
      .end(content);
  }
}
