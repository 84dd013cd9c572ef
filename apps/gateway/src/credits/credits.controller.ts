import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Errors, LIMITS, TOPIC, isSid, parseSeedDateTime, type BalanceView, type CreditEntryView } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody, unwrap } from '../http/api';
import { CallerParam } from '../http/auth';
import type { Caller } from '../identity/identity.service';
import { pageEnvelope, parsePaging, parseSort } from '../http/paging';

@Controller('campaignmanager/credits')
export class CreditsController {
  constructor(private readonly rr: RequestReplyClient) {}

  @Get('search')
  async search(@CallerParam() caller: Caller, @Query() q: Record<string, string>, @Req() req: Request) {
    const { page, pageSize } = parsePaging(q, LIMITS.pageSizeMax);
    const type = q.type === undefined || q.type === '' ? null : q.type.toLowerCase();
    if (type !== null && type !== 'credit' && type !== 'debit') throw new ApiError(Errors.invalidParameter('type must be "credit" or "debit".'), q);
    const startTime = optionalTime(q.startTime);
    const endTime = optionalTime(q.endTime);
    const sort = parseSort(q.SortBy ?? q.sortBy, ['dateCreated']);
    const result = unwrap(
      await this.rr.request<{ total: number; data: CreditEntryView[] }>(TOPIC.creditQueries, caller.enterpriseSid, 'SearchCredits', {
        enterpriseSid: caller.enterpriseSid,
        page,
        pageSize,
        type,
        startTime,
        endTime,
        sortDirection: sort.direction,
      }),
    );
    return pageEnvelope(req, page, pageSize, result.total, result.data);
  }

  @Get('balance')
  async balance(@CallerParam() caller: Caller) {
    return okBody(unwrap(await this.rr.request<BalanceView>(TOPIC.creditQueries, caller.enterpriseSid, 'GetBalance', { enterpriseSid: caller.enterpriseSid })));
  }

  @Get('search/:creditSid')
  async get(@CallerParam() caller: Caller, @Param('creditSid') creditSid: string) {
    if (!isSid('creditEntry', creditSid)) throw new ApiError(Errors.creditNotFound, creditSid);
    const r = await this.rr.request<CreditEntryView>(TOPIC.creditQueries, caller.enterpriseSid, 'GetCredit', { enterpriseSid: caller.enterpriseSid, creditSid });
    return okBody(unwrap(r, creditSid));
  }
}

function optionalTime(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const d = parseSeedDateTime(value);
  if (!d) throw new ApiError(Errors.dateFormatIncorrect, value);
  return d.toISOString();
}
