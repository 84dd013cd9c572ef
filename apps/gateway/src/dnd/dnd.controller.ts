import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Errors, LIMITS, TOPIC, newMessageId } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody, unwrap } from '../http/api';
import { CallerParam } from '../http/auth';
import { numberBatches, parseNumberUpload } from '../http/multipart';
import type { Caller } from '../identity/identity.service';

@Controller('campaignmanager/dnd')
export class DndController {
  constructor(private readonly rr: RequestReplyClient) {}

  /** Adds the uploaded numbers to the enterprise's opt-out list (seed 000 "Create Opt-Out List"). */
  @Post('optout')
  @HttpCode(200)
  async optOut(@CallerParam() caller: Caller, @Req() req: Request) {
    const upload = await parseNumberUpload(req, ['file'], { bytesMax: LIMITS.uploadBytesMax, linesMax: LIMITS.optOutNumbersPerUploadMax });
    try {
      const file = upload.files.file;
      if (!file) throw new ApiError(Errors.mandatoryMissing('file'));
      if (file.valid === 0) throw new ApiError(Errors.dndFileInvalid, { lines: file.lines, invalid: file.invalid });
      const uploadId = newMessageId();
      let added = 0;
      let batchNo = 0;
      // Each batch is acknowledged by dnd-svc before the next is sent: when this answers 200,
      // every number is on the list and the next campaign will be filtered against it.
      for await (const numbers of numberBatches(file, LIMITS.recipientBatchSize)) {
        const r = unwrap(await this.rr.request<{ added: number }>(TOPIC.dndCommands, caller.enterpriseSid, 'AddOptOuts', { enterpriseSid: caller.enterpriseSid, uploadId, batchNo, numbers }));
        added += r.added;
        batchNo++;
      }
      return okBody({ name: 'Opt-Out', enterpriseSid: caller.enterpriseSid, numbers: file.valid, added, invalid: file.invalid });
    } finally {
      await upload.cleanup();
    }
  }
}
