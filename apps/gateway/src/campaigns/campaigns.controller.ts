import { Body, Controller, Get, Param, Put, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Errors, LIMITS, TOPIC, isSid, parseSeedDateTime, parseStatusInput, type CampaignView } from '@clarion/contracts';
import { pageEnvelope, parsePaging, parseSort } from '../http/paging';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody, unwrap } from '../http/api';
import { CallerParam } from '../http/auth';
import type { Caller } from '../identity/identity.service';

@Controller('campaignmanager/campaigns')
export class CampaignsController {
  constructor(private readonly rr: RequestReplyClient) {}

  /** List with the seed's paging, filters (name, status, channel, startTime/endTime of creation) and SortBy. */
  @Get('search')
  async search(@CallerParam() caller: Caller, @Query() q: Record<string, string>, @Req() req: Request) {
    const { page, pageSize } = parsePaging(q, LIMITS.pageSizeMax);
    const status = q.status ? parseStatusInput(q.status) : null;
    if (q.status && !status) throw new ApiError(Errors.campaignStatusInvalid, q);
    const channel = q.channel ? q.channel.toLowerCase() : null;
    if (channel !== null && channel !== 'sms' && channel !== 'voice') throw new ApiError(Errors.invalidParameter('channel must be "sms" or "voice".'), q);
    const time = (v: string | undefined) => {
      if (!v) return null;
      const d = parseSeedDateTime(v);
      if (!d) throw new ApiError(Errors.dateFormatIncorrect, q);
      return d.toISOString();
    };
    const sort = parseSort(q.SortBy ?? q.sortBy, ['startTime', 'name', 'status', 'dateCreated']);
    const result = unwrap(
      await this.rr.request<{ total: number; data: CampaignView[] }>(TOPIC.campaignQueries, caller.enterpriseSid, 'SearchCampaigns', {
        enterpriseSid: caller.enterpriseSid,
        page,
        pageSize,
        name: q.name?.trim() || null,
        status,
        channel,
        startTime: time(q.startTime),
        endTime: time(q.endTime),
        sortBy: sort.attribute,
        sortDirection: sort.direction,
      }),
    );
    return pageEnvelope(req, page, pageSize, result.total, result.data);
  }

  @Get('search/:campaignSid')
  async get(@CallerParam() caller: Caller, @Param('campaignSid') campaignSid: string) {
    if (!isSid('campaign', campaignSid)) throw new ApiError(Errors.campaignNotFound, { sid: campaignSid });
    const r = await this.rr.request<CampaignView>(TOPIC.campaignQueries, campaignSid, 'GetCampaign', { campaignSid, enterpriseSid: caller.enterpriseSid });
    return okBody(unwrap(r, { sid: campaignSid }));
  }

  @Put(':campaignSid')
  async update(@CallerParam() caller: Caller, @Param('campaignSid') campaignSid: string, @Body() body: unknown) {
    const requested = (body as { status?: unknown } | null)?.status;
    if (requested === undefined || requested === null || requested === '') throw new ApiError(Errors.mandatoryMissing('status'), body);
    const status = parseStatusInput(requested);
    if (status !== 'cancelled') throw new ApiError(Errors.campaignStatusInvalid, { sid: campaignSid, status: requested });
    if (!isSid('campaign', campaignSid)) throw new ApiError(Errors.campaignNotFound, { sid: campaignSid });
    const r = await this.rr.request<CampaignView>(TOPIC.campaignCommands, campaignSid, 'CancelCampaign', {
      campaignSid,
      enterpriseSid: caller.enterpriseSid,
      requestedAt: new Date().toISOString(),
    });
    return okBody(unwrap(r, { sid: campaignSid, status: requested }));
  }
}
