import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { promises as fs } from 'node:fs';
import { Errors, LIMITS, TOPIC, isSid, type CampaignView, type ClarionError, type Result } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { CreateCampaignHandler } from '../create-campaign/create-campaign.handler';
import { parseBooleanField, parseCreateCampaign } from '../create-campaign/create-campaign.request';
import { spoolJsonRecipients } from '../create-campaign/recipient-file';
import { listContacts } from '../list-contacts/list-contacts.handler';
import { DeleteCampaignHandler } from '../delete-campaign/delete-campaign.handler';
import { CampaignReadModel } from '../../read-model';
import { changedFields, parseSeed001Create, parseSeed001Paging, parseSeed001Update, seed001Page, toSeed001, toSeed001Contact } from './seed001.request';

/** Seed 001 answers 404 for a campaign it does not know; so does Clarion here, for another enterprise's too. */
const NOT_FOUND: ClarionError = { ...Errors.campaignNotFound, status: 404 };
const orThrow = <T>(r: Result<T>, data: unknown = null): T => {
  // 463 (not found) and 486 (an update's "enterprise campaign not found") are both seed 001's 404.
  const missing = r.ok ? false : r.error.code === Errors.campaignNotFound.code || r.error.code === Errors.enterpriseCampaignNotFound.code;
  if (!r.ok) throw new ApiError(missing ? NOT_FOUND : r.error, data);
  return r.value;
};

const ITEM_EXAMPLE = {
  id: 'CPb6eb071d21124dbab20b095c25f1274f',
  startDateTime: '2023-06-27T03:04:01.374Z',
  sender: '+14155550100',
  recipientCount: 2,
  message: 'Hi {{name}}',
  status: 1,
  optOutLinkId: 0,
  trackLinkUrl: null,
};

/**
 * Seed 001's campaign routes, on the same commands and queries as seed 000's: list and get in its
 * shapes, create from a `contacts` array (201 with the id), contacts, update and delete (204).
 * Its invalid-number default is false: "if false validation will occur on the phonenumbers and any
 * errors will be returned", and ignoring is what its optional parameter opts into.
 */
@ApiTags('campaigns (seed 001)')
@ApiBasicAuth()
@Controller('api/Campaigns')
export class Seed001CampaignsController {
  private readonly creator: CreateCampaignHandler;
  private readonly deleter: DeleteCampaignHandler;
  constructor(
    private readonly rr: RequestReplyClient,
    readModel: CampaignReadModel,
  ) {
    this.creator = new CreateCampaignHandler(rr);
    this.deleter = new DeleteCampaignHandler(rr, readModel);
  }

  @Get()
  @ApiOperation({ summary: 'List campaigns (seed 001)' })
  @ApiQuery({ name: 'pageIndex', required: false, schema: { type: 'integer', default: 1 } })
  @ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', default: 10 } })
  @ApiResponse({ status: 200, description: 'One page, newest first', schema: { example: { pageIndex: 1, totalPages: 1, totalRecords: 1, items: [ITEM_EXAMPLE] } } })
  async list(@CallerParam() caller: Caller, @Query() q: Record<string, string>) {
    const { pageIndex, pageSize } = orThrow(parseSeed001Paging(q), q);
    const r = orThrow(
      await this.rr.request<{ total: number; data: CampaignView[] }>(TOPIC.campaignQueries, caller.enterpriseSid, 'SearchCampaigns', {
        enterpriseSid: caller.enterpriseSid,
        page: pageIndex - 1,
        pageSize,
        name: null,
        status: null,
        channel: null,
        startTime: null,
        endTime: null,
        sortBy: 'dateCreated',
        sortDirection: 'desc',
      }),
    );
    return seed001Page(pageIndex, pageSize, r.total, r.data.map(toSeed001));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a campaign (seed 001)' })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 200, description: 'The campaign', schema: { example: ITEM_EXAMPLE } })
  @ApiResponse({ status: 404, description: 'Unknown (or another enterprise’s) campaign' })
  async get(@CallerParam() caller: Caller, @Param('id') id: string) {
    return toSeed001(await this.view(caller, id));
  }

  @Get(':id/Contacts')
  @ApiOperation({ summary: "A campaign's contacts (seed 001)" })
  @ApiParam({ name: 'id' })
  @ApiResponse({
    status: 200,
    description: 'One page',
    schema: { example: { pageIndex: 1, totalPages: 1, totalRecords: 1, items: [{ phoneNumber: '+919960639903', name: 'Asha', custom1: 'Gold', custom2: '', id: '+919960639903' }] } },
  })
  async contacts(@CallerParam() caller: Caller, @Param('id') id: string, @Query() q: Record<string, string>) {
    const { pageIndex, pageSize } = orThrow(parseSeed001Paging(q), q);
    if (!isSid('campaign', id)) throw new ApiError(NOT_FOUND, { id });
    const r = orThrow(await listContacts(this.rr, caller.enterpriseSid, id, pageIndex - 1, pageSize), { id });
    return seed001Page(pageIndex, pageSize, r.total, r.data.map(toSeed001Contact));
  }

  @Post()
  @ApiOperation({ summary: 'Create a campaign from contacts (seed 001); answers its id as a JSON string' })
  @ApiResponse({ status: 201, description: 'The id', schema: { example: 'CPb6eb071d21124dbab20b095c25f1274f' } })
  async create(@CallerParam() caller: Caller, @Body() body: unknown, @Query() q: Record<string, string>, @Res() res: Response): Promise<void> {
    await this.createFrom(caller, undefined, body, q, res);
  }

  /**
   * Seed 001 writes both "POST /api/campaigns/:ignoreInvalidPhoneNumbers" (create) and, for its
   * update, "POST /api/Campaigns/:id": true or false is the flag, a campaign id an update.
   */
  @Post(':param')
  @ApiOperation({ summary: 'Create with ignoreInvalidPhoneNumbers (true|false), or update a campaign by id (seed 001)' })
  @ApiParam({ name: 'param', description: 'ignoreInvalidPhoneNumbers (true|false, default false), or a campaign id' })
  @ApiResponse({ status: 201, description: 'Created: the id', schema: { example: 'CPb6eb071d21124dbab20b095c25f1274f' } })
  @ApiResponse({ status: 204, description: 'Updated' })
  async createOrUpdate(@CallerParam() caller: Caller, @Param('param') param: string, @Body() body: unknown, @Query() q: Record<string, string>, @Res() res: Response): Promise<void> {
    if (isSid('campaign', param)) {
      await this.update(caller, param, body);
      res.status(204).end();
      return;
    }
    if (!/^(true|false)$/i.test(param)) throw new ApiError(NOT_FOUND, { param });
    await this.createFrom(caller, param, body, q, res);
  }

  private async createFrom(caller: Caller, param: string | undefined, body: unknown, q: Record<string, string>, res: Response): Promise<void> {
    const flag = parseBooleanField(param ?? q.ignoreInvalidPhoneNumbers, 'ignoreInvalidPhoneNumbers', false);
    if (!flag.ok) throw new ApiError(flag.error, { param });
    const now = new Date();
    const mapped = orThrow(parseSeed001Create(body, now), body);
    const to = await spoolJsonRecipients('contacts', mapped.contacts, { linesMax: LIMITS.jsonRecipientsMax, fieldCharsMax: LIMITS.contactFieldCharsMax });
    try {
      const parsed = parseCreateCampaign({ ...mapped.fields, ignoreInvalidPhoneNumbers: flag.value }, { hasFromNumbers: true, now, ignoreInvalidDefault: false });
      if (!parsed.ok) throw new ApiError(parsed.error, mapped.fields);
      const r = await this.creator.execute(caller, parsed.value, mapped.fromNumbers, to, now);
      if (!r.ok) throw new ApiError(r.error, r.data ?? mapped.fields);
      // Seed 001: "201 Created, ID as string" — a JSON string.
      res.status(201).json(r.value.sid);
    } finally {
      await fs.rm(to.path, { force: true });
    }
  }

  @Put(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Update a campaign before it starts (seed 001): cancel with status 6; other fields only as they are' })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 204, description: 'Updated' })
  @ApiResponse({ status: 404, description: 'Unknown (or another enterprise’s) campaign' })
  async put(@CallerParam() caller: Caller, @Param('id') id: string, @Body() body: unknown): Promise<void> {
    await this.update(caller, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a scheduled campaign (seed 001): it is gone, its credits come back' })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 404, description: 'Unknown (or another enterprise’s) campaign' })
  @ApiResponse({ status: 409, description: '464 campaign not scheduled' })
  async delete(@CallerParam() caller: Caller, @Param('id') id: string): Promise<void> {
    if (!isSid('campaign', id)) throw new ApiError(NOT_FOUND, { id });
    // The same command as seed 000's delete: only a scheduled campaign can be deleted (464).
    orThrow(await this.deleter.handle(id, caller.enterpriseSid), { id });
  }

  private async update(caller: Caller, id: string, body: unknown): Promise<void> {
    const u = orThrow(parseSeed001Update(body), body);
    const current = toSeed001(await this.view(caller, id));
    const changed = changedFields(u, current);
    if (changed.length > 0) {
      throw new ApiError(Errors.invalidParameter(`${changed.join(', ')} cannot be changed once a campaign is created; cancel it (status 6) and create a new one.`), { id, changed });
    }
    if (u.cancel) orThrow(await this.cancel(caller, id), { id });
  }

  private cancel(caller: Caller, id: string): Promise<Result<CampaignView>> {
    return this.rr.request<CampaignView>(TOPIC.campaignCommands, id, 'CancelCampaign', { campaignSid: id, enterpriseSid: caller.enterpriseSid, requestedAt: new Date().toISOString() });
  }

  private async view(caller: Caller, id: string): Promise<CampaignView> {
    if (!isSid('campaign', id)) throw new ApiError(NOT_FOUND, { id });
    return orThrow(await this.rr.request<CampaignView>(TOPIC.campaignQueries, id, 'GetCampaign', { campaignSid: id, enterpriseSid: caller.enterpriseSid }), { id });
  }
}
