import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Errors } from '@clarion/contracts';
import { Platform, RequestReplyClient, intFromEnv } from '@clarion/platform';
import { ApiError, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { REPORT_STATUSES } from '../../recipients-report/recipient-status';
import { RecipientsExporter } from '../../recipients-report/report.export';
import { resolveReportCampaign } from '../list-recipients/list-recipients.handler';
import { parseRecipientStatusFilter } from '../list-recipients/list-recipients.request';
import { CSV_HEADER, exportFileName } from './export-recipients.request';

@ApiTags('campaigns')
@ApiBasicAuth()
@Controller('campaignmanager/campaigns')
export class ExportRecipientsController {
  private readonly exporter: RecipientsExporter;

  constructor(
    private readonly platform: Platform,
    private readonly rr: RequestReplyClient,
  ) {
    this.exporter = new RecipientsExporter(platform.config.databaseUrl, (platform.ds.options as { schema?: string }).schema ?? 'gateway', {
      concurrentMax: intFromEnv('CLARION_REPORT_EXPORTS_MAX', 4),
      durationMsMax: intFromEnv('CLARION_REPORT_EXPORT_MS_MAX', 15 * 60_000),
    });
  }

  /**
   * The whole report as CSV, streamed from the database as the client reads it. A failure before
   * the first byte answers with the usual error body; one after it (the database going away, the
   * export's time limit) cuts the response off without its final chunk, so the client sees an
   * incomplete transfer rather than a short file that looks whole.
   */
  @Get(':campaignSid/recipients.csv')
  @ApiOperation({ summary: "A campaign's recipients with each one's delivery status, as a streamed CSV file" })
  @ApiProduces('text/csv')
  @ApiParam({ name: 'campaignSid', description: 'The campaign sid (CP…)' })
  @ApiQuery({ name: 'status', required: false, enum: REPORT_STATUSES, description: 'Only recipients in this status' })
  @ApiResponse({
    status: 200,
    description: `CSV with the header ${CSV_HEADER}, one line per recipient in number order`,
    schema: { type: 'string', example: `${CSV_HEADER}\n+919960639903,delivered,,6f1c2a9e,2021-12-13T12:21:27+0000\n` },
  })
  @ApiResponse({ status: 400, description: 'Invalid parameter (4001)' })
  @ApiResponse({ status: 409, description: 'Campaign not found (463)', schema: { example: { code: 463, message: 'Campaign not found', data: { sid: 'CP0f3c…' } } } })
  @ApiResponse({ status: 429, description: 'Too many exports at once; retry after Retry-After' })
  async export(@CallerParam() caller: Caller, @Param('campaignSid') campaignSid: string, @Query() q: Record<string, string>, @Res() res: Response): Promise<void> {
    const status = unwrap(parseRecipientStatusFilter(q.status), q);
    const campaign = unwrap(await resolveReportCampaign(this.platform, this.rr, campaignSid, caller.enterpriseSid), { sid: campaignSid });
    const open = campaign ? await this.exporter.open(campaign.id, status) : null;
    if (campaign && !open) throw new ApiError(Errors.tooManyRequests, null, { 'Retry-After': '5' });
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(campaignSid, status)}"`);
    res.setHeader('Cache-Control', 'no-store');
    if (!open) {
      res.end(`${CSV_HEADER}\n`);
      return;
    }
    try {
      await pipeline(open.stream, res);
    } catch {
      // The client went away or the query failed half way: the response is destroyed, which is all
      // that is left to say (see above).
      res.destroy();
    } finally {
      await open.close();
    }
  }
}
