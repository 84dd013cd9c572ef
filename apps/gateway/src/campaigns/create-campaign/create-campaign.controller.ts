import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { promises as fs } from 'node:fs';
import { Errors, LIMITS } from '@clarion/contracts';
import { Platform, RequestReplyClient } from '@clarion/platform';
import { QuietHoursConfig, quietHoursForCampaign } from '../../settings';
import { ApiError, okBody } from '../../http/api';
import { CallerParam } from '../../http/auth';
import { parseMultipart, type FileSink } from '../../http/multipart';
import type { Caller } from '../../identity/identity.service';
import { CreateCampaignHandler } from './create-campaign.handler';
import { parseCreateCampaign, parseFromNumbers } from './create-campaign.request';
import { recipientFileSink, spoolJsonRecipients, type RecipientFile } from './recipient-file';
import { CallFlows, callFlowOf } from '../../voice';

const RECIPIENT_LIMITS = { linesMax: LIMITS.recipientsPerCampaignMax, fieldCharsMax: LIMITS.contactFieldCharsMax };

/** fromFile: a short list of sender ids, read whole within LIMITS.fromFileBytesMax. */
const fromFileSink: FileSink<string[]> = async (stream) => {
  let text = '';
  for await (const chunk of stream) {
    text += chunk;
    if (text.length > LIMITS.fromFileBytesMax) throw new ApiError(Errors.payloadTooLarge(`fromFile is larger than ${LIMITS.fromFileBytesMax} bytes.`));
  }
  return parseFromNumbers(text.split('\n'));
};

/** fromFile in a JSON body: an array of sender ids, or one string of them separated by commas or new lines. */
function jsonFromNumbers(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  if (typeof v === 'string') return parseFromNumbers(v.split(/[,\n]/));
  if (Array.isArray(v) && v.length <= LIMITS.fromNumbersMax && v.every((x) => typeof x === 'string')) return parseFromNumbers(v as string[]);
  throw new ApiError(Errors.invalidParameter(`fromFile must be a list of at most ${LIMITS.fromNumbersMax} sender ids.`));
}

const SMS_EXAMPLE = {
  data: {
    sid: 'CPd96d3e5e57b7445e8db19b5e77146ca8',
    dateUpdated: '2021-03-18T06:50:43+0000',
    dateCreated: '2021-03-18T06:50:43+0000',
    accountSid: 'ACd29f41f95a13ff47279f8f71ccbbb4fe',
    accountEmail: 'jane.doe@company.com',
    uri: '/campaignmanager/campaigns/search/CPd96d3e5e57b7445e8db19b5e77146ca8',
    name: 'Camp4-18Mar-1222',
    startTime: '2021-03-18T06:52:46+0000',
    enterpriseSid: 'EN38347f3735b04741a0c9be689901e6b4',
    total: 0,
    status: 'initiating',
    fromPrefix: '91',
    body: 'Hello World 1',
    optOut: 'Opt-Out',
    optIn: 'ACME-opt-in',
  },
  code: 200,
  message: 'OK',
};

@ApiTags('campaigns')
@ApiBasicAuth()
@Controller('campaignmanager/campaigns')
export class CreateCampaignController {
  private readonly handler: CreateCampaignHandler;
  constructor(rr: RequestReplyClient, platform: Platform, quiet: QuietHoursConfig) {
    this.handler = campaignCreator(rr, platform, quiet);
  }

  /**
   * Create: a multipart upload (toFile, fromFile and the fields), or a JSON body with a `to` list
   * for small campaigns. The upload is normalised to disk while it streams in and validated as a
   * whole before any command is sent, so a refused request leaves nothing behind.
   */
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an SMS or voice campaign (seed 000 "Create Campaign"; toFile may carry seed 001 contact columns)' })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        startTime: { type: 'string', example: '2021-03-18T12:20:46+0530' },
        fromPrefix: { type: 'string', example: '91' },
        fromFile: { type: 'string', format: 'binary' },
        toFile: { type: 'string', format: 'binary', description: 'one number a line, or CSV phoneNumber,name,custom1,custom2 (header optional)' },
        to: { type: 'array', items: { type: 'string' }, description: 'JSON bodies only: numbers or {phoneNumber,name,custom1,custom2}' },
        optOut: { type: 'string', example: 'Opt-Out' },
        optIn: { type: 'string' },
        channel: { type: 'string', enum: ['sms', 'voice'] },
        body: { type: 'string', description: 'may name {{name}}, {{custom1}}, {{custom2}}' },
        announcementSid: { type: 'string' },
        rcmlUrl: { type: 'string' },
        dialTimeout: { type: 'integer', default: 30 },
        ignoreInvalidPhoneNumbers: { type: 'boolean', default: true },
        ignoreQuietHours: {
          type: 'boolean',
          default: false,
          description: "true: send at any hour; false: hold each message until its recipient's local time is inside the enterprise's quiet-hours window",
        },
      },
      required: ['name'],
    },
  })
  @ApiResponse({ status: 201, description: 'Created (status initiating)', schema: { example: SMS_EXAMPLE } })
  @ApiResponse({ status: 400, description: '498 date format, 4001 invalid parameter', schema: { example: { code: 498, message: Errors.dateFormatIncorrect.message, data: null } } })
  @ApiResponse({
    status: 409,
    description: '489 start time in past, 500 announcement not found, 4000 mandatory parameter missing, 499 no valid number',
    schema: { example: { code: 489, message: 'Start Time is in past', data: { name: 'TestCampaign', startTime: '2019-01-01 09:53:51' } } },
  })
  async create(@CallerParam() caller: Caller, @Req() req: Request) {
    const json = /^application\/json/i.test(req.headers['content-type'] ?? '');
    let fields: Record<string, unknown>;
    let fromNumbers: string[];
    let to: RecipientFile | null = null;
    let cleanup: () => Promise<void>;
    if (json) {
      const body = req.body as unknown;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(Errors.invalidParameter('The body must be a JSON object.'));
      fields = body as Record<string, unknown>;
      fromNumbers = jsonFromNumbers(fields.fromFile ?? fields.from);
      if (fields.to !== undefined && fields.to !== null) to = await spoolJsonRecipients('to', fields.to, RECIPIENT_LIMITS);
      const file = to;
      cleanup = async () => {
        if (file) await fs.rm(file.path, { force: true });
      };
    } else {
      const upload = await parseMultipart<RecipientFile | string[]>(req, { toFile: recipientFileSink('toFile', RECIPIENT_LIMITS), fromFile: fromFileSink }, { bytesMax: LIMITS.uploadBytesMax });
      fields = upload.fields;
      fromNumbers = (upload.files.fromFile as string[] | undefined) ?? [];
      to = (upload.files.toFile as RecipientFile | undefined) ?? null;
      cleanup = upload.cleanup;
    }
    try {
      const echo = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'to' && k !== 'contacts'));
      const parsed = parseCreateCampaign(fields, { hasFromNumbers: fromNumbers.length > 0, now: new Date(), ignoreInvalidDefault: true });
      if (!parsed.ok) throw new ApiError(parsed.error, echo);
      const r = await this.handler.execute(caller, parsed.value, fromNumbers, to);
      if (!r.ok) throw new ApiError(r.error, r.data ?? echo);
      return okBody(r.value);
    } finally {
      await cleanup();
    }
  }
}

/** The create use case with what it reads besides the request: quiet hours, and where a voice campaign's call flow is kept. */
export function campaignCreator(rr: RequestReplyClient, platform: Platform, quiet: QuietHoursConfig): CreateCampaignHandler {
  const flows = new CallFlows(platform);
  return new CreateCampaignHandler(
    rr,
    (enterpriseSid) => quietHoursForCampaign(platform, enterpriseSid, quiet.applyDefault),
    (campaignSid, enterpriseSid, announcement) => flows.save(campaignSid, enterpriseSid, callFlowOf(announcement)),
  );
}
