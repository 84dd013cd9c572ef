import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { once } from 'node:events';
import { Errors } from '@clarion/contracts';
import { Platform } from '@clarion/platform';
import { unwrap } from '../../../http/api';
import { CallerParam } from '../../../http/auth';
import type { Caller } from '../../../identity/identity.service';
import { errorExample } from '../../dnd.examples';
import { consentChangesBetween } from '../consent.repository';
import { CONSENT_CSV_HEADER, CONSENT_EXPORT_PAGE_ROWS, csvLine, parseExportRange } from './export-changes.request';

@ApiTags('dnd')
@ApiBasicAuth()
@Controller('campaignmanager/dnd')
export class ExportConsentChangesController {
  constructor(private readonly platform: Platform) {}

  /**
   * Streamed a page of rows at a time, waiting for the client to drain each, so a slow client holds
   * the export back instead of filling memory. A failure after the first byte cuts the response off
   * without its final chunk: the client sees an incomplete transfer, not a short file that looks whole.
   */
  @Get('consent.csv')
  @ApiOperation({
    summary: "The enterprise's consent changes in a time range, as a streamed CSV file",
    description: 'Every opt-out and opt-in recorded between startTime and endTime (both inclusive, both optional), oldest first.',
  })
  @ApiProduces('text/csv')
  @ApiQuery({ name: 'startTime', required: false, description: 'Recorded on or after (UTC unless an offset is given), e.g. 2018-10-05T22:45:32 or 2018-10-05.' })
  @ApiQuery({ name: 'endTime', required: false, description: 'Recorded on or before (UTC unless an offset is given), e.g. 2018-10-06T02:10:03 or 2018-10-06.' })
  @ApiResponse({
    status: 200,
    description: `CSV with the header ${CONSENT_CSV_HEADER}, one line per change`,
    schema: { type: 'string', example: `${CONSENT_CSV_HEADER}\n+447700900123,opted-out,,reply,CP0f3c…,,STOP,2026-12-02T15:04:05.123Z\n` },
  })
  @ApiResponse({ status: 400, description: '498: a time in another form.', schema: { example: errorExample(Errors.dateFormatIncorrect.code, Errors.dateFormatIncorrect.message) } })
  async export(@CallerParam() caller: Caller, @Query() q: Record<string, string>, @Res() res: Response): Promise<void> {
    const range = unwrap(parseExportRange(q), q);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="consent.csv"');
    res.setHeader('Cache-Control', 'no-store');
    try {
      res.write(`${CONSENT_CSV_HEADER}\n`);
      for await (const page of consentChangesBetween(this.platform, caller.enterpriseSid, range.startTime, range.endTime, CONSENT_EXPORT_PAGE_ROWS)) {
        if (res.destroyed) return;
        if (!res.write(page.map(csvLine).join(''))) await once(res, 'drain');
      }
      res.end();
    } catch {
      res.destroy();
    }
  }
}
