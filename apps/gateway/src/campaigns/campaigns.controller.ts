import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { promises as fs } from 'node:fs';
import { Errors, LIMITS, TOPIC, message, newSid, type CampaignView } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody, unwrap } from '../http/api';
import { CallerParam } from '../http/auth';
import { numberBatches, parseNumberUpload } from '../http/multipart';
import type { Caller } from '../identity/identity.service';
import { parseFromNumbers, validateCampaignFields } from './campaign-request';

@Controller('campaignmanager/campaigns')
export class CampaignsController {
  constructor(private readonly rr: RequestReplyClient) {}

  /**
   * Create: the upload is normalised to disk while it streams in, validated as a whole, and only
   * then turned into commands — so a rejected request leaves nothing behind, and an accepted one
   * has every recipient batch on the broker (all replicas) before 201 is answered.
   */
  @Post()
  @HttpCode(201)
  async create(@CallerParam() caller: Caller, @Req() req: Request) {
    const upload = await parseNumberUpload(req, ['toFile', 'fromFile']);
    try {
      const to = upload.files.toFile;
      const fromFile = upload.files.fromFile;
      const fromNumbers = fromFile ? parseFromNumbers((await fs.readFile(fromFile.path, 'utf8')).split('\n')) : [];
      const fields = validateCampaignFields(upload.fields, fromNumbers.length > 0, new Date());
      if (!fields.ok) throw new ApiError(fields.error, upload.fields);
      if (!to) throw new ApiError(Errors.mandatoryMissing('toFile'), upload.fields);
      if (to.valid === 0) throw new ApiError(Errors.noValidRecipients, { lines: to.lines, invalid: to.invalid });
      const v = fields.value;
      const campaignSid = newSid('campaign');
      const created = unwrap(
        await this.rr.request<CampaignView>(TOPIC.campaignCommands, campaignSid, 'CreateCampaign', {
          campaignSid,
          enterpriseSid: caller.enterpriseSid,
          accountSid: caller.accountSid,
          accountEmail: caller.email,
          name: v.name,
          channel: 'sms',
          body: v.body,
          creditsPerRecipient: v.creditsPerRecipient,
          fromNumbers,
          fromPrefix: v.fromPrefix,
          startTime: v.startTime ? v.startTime.toISOString() : null,
          optOut: v.optOut,
          optIn: v.optIn,
          requestedAt: new Date().toISOString(),
        }),
      );
      let batchNo = 0;
      for await (const numbers of numberBatches(to, LIMITS.recipientBatchSize)) {
        // The message id is derived from campaign and batch, so a resend is recognised as a repeat.
        await this.rr.send(TOPIC.campaignCommands, campaignSid, message('AddRecipients', { campaignSid, batchNo, numbers }, { messageId: `${campaignSid}:batch:${batchNo}` }));
        batchNo++;
      }
      await this.rr.send(
        TOPIC.campaignCommands,
        campaignSid,
        message('SealRecipients', { campaignSid, batchCount: batchNo, invalidCount: to.invalid, lineCount: to.lines }, { messageId: `${campaignSid}:seal` }),
      );
      return okBody({ ...created, upload: { lines: to.lines, valid: to.valid, invalid: to.invalid } });
    } finally {
      await upload.cleanup();
    }
  }
}
