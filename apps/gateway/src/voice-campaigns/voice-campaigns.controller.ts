import { promises as fs } from 'node:fs';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CALL_DETAILS_PAGE_MAX, Errors, LIMITS, isSid, voiceCreditsPerRecipient, type CampaignView, type VoiceWebhookUrls } from '@clarion/contracts';
import { Platform, RequestReplyClient } from '@clarion/platform';
import { checkCallbackUrl, webhooksAllowPrivate } from '@clarion/voice';
import { ApiError, unwrap } from '../http/api';
import { CallerParam } from '../http/auth';
import { v2Success } from '../http/v2-envelope';
import type { Caller } from '../identity/identity.service';
import { CampaignReadModel, readCampaignReads } from '../read-model';
import { QuietHoursConfig } from '../settings';
import { campaignCreator } from '../campaigns/create-campaign/create-campaign.controller';
import type { CreateCampaignHandler } from '../campaigns/create-campaign/create-campaign.handler';
import { parseCreateCampaign, parseFromNumbers } from '../campaigns/create-campaign/create-campaign.request';
import { spoolJsonRecipients } from '../campaigns/create-campaign/recipient-file';
import { DeleteCampaignHandler } from '../campaigns/delete-campaign/delete-campaign.handler';
import { parseV2Create, parseV2List, parseV2Update } from './v2-campaign.request';
import { presentCallDetail, presentV2Campaign } from './v2-campaign.presenter';
import { VoiceCampaignsHandler } from './voice-campaigns.handler';

/** Call details read per request to dispatch-svc while a CSV export streams. */
const EXPORT_PAGE = CALL_DETAILS_PAGE_MAX;

/**
 * The voice-campaign API of seeds 002/003 under /v2/accounts/{accountSid}/campaigns, with that
 * API's field names and answer envelope, on the same commands and credentials as the native API.
 * The account in the path must be the caller's own.
 */
@ApiTags('voice campaigns (v2)')
@ApiBasicAuth()
@Controller('v2/accounts/:accountSid')
export class VoiceCampaignsController {
  private readonly creator: CreateCampaignHandler;
  private readonly deleter: DeleteCampaignHandler;
  private readonly handler: VoiceCampaignsHandler;
  private readonly allowPrivateCallbacks = webhooksAllowPrivate();

  constructor(rr: RequestReplyClient, platform: Platform, quiet: QuietHoursConfig, readModel: CampaignReadModel) {
    this.creator = campaignCreator(rr, platform, quiet);
    this.deleter = new DeleteCampaignHandler(rr, readModel);
    this.handler = new VoiceCampaignsHandler(rr, readModel, readCampaignReads());
  }

  @Post('campaigns')
  @ApiOperation({ summary: 'Create a voice campaign (seed 003): from, caller_id, url, retries, schedule, callbacks, custom_field' })
  async create(@CallerParam() caller: Caller, @Param('accountSid') accountSid: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    ownAccount(caller, accountSid);
    const now = new Date();
    const v2 = unwrap(parseV2Create(body, now), body);
    if (v2.options.webhooks) await this.checkCallbacks(v2.options.webhooks);
    const fromNumbers = parseFromNumbers([v2.callerId]);
    if (fromNumbers.length === 0) throw new ApiError(Errors.invalidParameter('caller_id must be a phone number.'), { caller_id: v2.callerId });
    const to = await spoolJsonRecipients('from', v2.numbers, { linesMax: LIMITS.jsonRecipientsMax, fieldCharsMax: LIMITS.contactFieldCharsMax });
    try {
      const req = unwrap(parseCreateCampaign({ ...v2.fields, ignoreInvalidPhoneNumbers: 'false' }, { hasFromNumbers: true, now, ignoreInvalidDefault: false }), body);
      // The hold covers every call a number may get; completion charges the calls made.
      const created = await this.creator.execute(caller, { ...req, voiceOptions: v2.options, creditsPerRecipient: voiceCreditsPerRecipient(v2.options) }, fromNumbers, to, now);
      if (!created.ok) throw new ApiError(created.error, created.data ?? null);
      res.status(200).json(v2Success('POST', [presentV2Campaign(created.value, accountSid)]));
    } finally {
      await fs.rm(to.path, { force: true });
    }
  }

  @Get('campaigns')
  @ApiOperation({ summary: 'List voice campaigns (seed 003): offset, limit ≤ 500, name, status (comma list), sort_by' })
  async list(@CallerParam() caller: Caller, @Param('accountSid') accountSid: string, @Query() q: Record<string, string>) {
    ownAccount(caller, accountSid);
    const query = unwrap(parseV2List(q), q);
    const page = await this.handler.list(caller.enterpriseSid, query);
    return v2Success(
      'GET',
      page.data.map((v) => presentV2Campaign(v, accountSid)),
      200,
      { offset: query.offset, limit: query.limit, count: page.data.length, total: page.total },
    );
  }

  @Get('campaigns/:id')
  @ApiOperation({ summary: 'One voice campaign (seed 003)' })
  async get(@CallerParam() caller: Caller, @Param('accountSid') accountSid: string, @Param('id') id: string) {
    ownAccount(caller, accountSid);
    return v2Success('GET', [presentV2Campaign(await this.find(caller, id), accountSid)]);
  }

  @Put('campaigns/:id')
  @ApiOperation({ summary: 'Pause or resume (action), or change the callback URLs (seeds 002/003)' })
  async update(@CallerParam() caller: Caller, @Param('accountSid') accountSid: string, @Param('id') id: string, @Body() body: unknown) {
    ownAccount(caller, accountSid);
    if (!isSid('campaign', id)) throw new ApiError(Errors.enterpriseCampaignNotFound, { id });
    const u = unwrap(parseV2Update(body, new Date()), body);
    if (u.webhooks) await this.checkCallbacks(u.webhooks);
    return v2Success('PUT', [presentV2Campaign(unwrap(await this.handler.update(id, caller.enterpriseSid, u), { id }), accountSid)]);
  }

  @Delete('campaigns/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a voice campaign that has not started (seed 003); its credits come back' })
  async delete(@CallerParam() caller: Caller, @Param('accountSid') accountSid: string, @Param('id') id: string) {
    ownAccount(caller, accountSid);
    await this.find(caller, id);
    const removed = unwrap(await this.deleter.handle(id, caller.enterpriseSid), { id });
    return v2Success('DELETE', [presentV2Campaign(removed as CampaignView, accountSid)]);
  }

  /** Every call attempt, paged (offset, limit ≤ 500); `format=csv` (or Accept: text/csv) streams them all as CSV. Seed 003 writes the path with "campaign". */
  @Get(['campaigns/:id/call-details', 'campaign/:id/call-details'])
  @ApiOperation({ summary: 'Call details of a voice campaign (seed 003): every attempt of every number' })
  async callDetails(
    @CallerParam() caller: Caller,
    @Param('accountSid') accountSid: string,
    @Param('id') id: string,
    @Query() q: Record<string, string>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    ownAccount(caller, accountSid);
    if (!isSid('campaign', id)) throw new ApiError(Errors.enterpriseCampaignNotFound, { id });
    const list = unwrap(parseV2List({ offset: q.offset, limit: q.limit }), q);
    if (q.format === 'csv' || /text\/csv/.test(req.headers.accept ?? '')) return this.exportCsv(caller, id, res);
    const page = unwrap(await this.handler.callDetails(id, caller.enterpriseSid, list.offset, list.limit), { id });
    res.status(200).json(v2Success('GET', page.data.map(presentCallDetail), 200, { offset: list.offset, limit: list.limit, count: page.data.length, total: page.total }));
  }

  /** Streamed a page at a time: a campaign of any size is never held whole. */
  private async exportCsv(caller: Caller, id: string, res: Response): Promise<void> {
    const first = unwrap(await this.handler.callDetails(id, caller.enterpriseSid, 0, EXPORT_PAGE), { id });
    res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${id}-call-details.csv"` });
    res.write('number,attempt,call_sid,status,duration,start_time,end_time\n');
    let page = first;
    for (let offset = 0; ; ) {
      for (const d of page.data) res.write(`${d.number},${d.attempt},${d.callSid ?? ''},${d.status},${d.durationSeconds ?? ''},${d.startedAt},${d.endedAt ?? ''}\n`);
      offset += page.data.length;
      if (page.data.length < EXPORT_PAGE || offset >= page.total) break;
      const next = await this.handler.callDetails(id, caller.enterpriseSid, offset, EXPORT_PAGE);
      if (!next.ok) break; // the headers are out: the export ends short rather than lying about it
      page = next.value;
    }
    res.end();
  }

  private async find(caller: Caller, id: string): Promise<CampaignView> {
    if (!isSid('campaign', id)) throw new ApiError(Errors.enterpriseCampaignNotFound, { id });
    return unwrap(await this.handler.get(id, caller.enterpriseSid), { id });
  }

  /** Callback URLs inside the network are refused unless configuration allows them (WEBHOOK_ALLOW_PRIVATE_URLS). */
  private async checkCallbacks(urls: Partial<VoiceWebhookUrls>): Promise<void> {
    for (const url of Object.values(urls)) {
      if (!url) continue;
      const c = await checkCallbackUrl(url, { allowPrivate: this.allowPrivateCallbacks });
      if (!c.ok) throw new ApiError(Errors.invalidParameter(`The callback URL ${url} is refused: ${c.reason}.`), { url });
    }
  }
}

/** The account in the path is the caller's own; another's answers as bad credentials do. */
function ownAccount(caller: Caller, accountSid: string): void {
  if (caller.accountSid !== accountSid) throw new ApiError(Errors.unauthorized);
}
