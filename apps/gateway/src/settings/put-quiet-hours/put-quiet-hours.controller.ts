import { Body, Controller, HttpCode, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Errors, QUIET_COUNTRIES_MAX, parseQuietHoursPolicy } from '@clarion/contracts';
import { Platform } from '@clarion/platform';
import { ApiError, okBody } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { QUIET_HOURS_BODY_EXAMPLE, QUIET_HOURS_EXAMPLE, errorExample } from '../quiet-hours.examples';
import { writeQuietHours } from '../quiet-hours.store';

@ApiTags('settings')
@ApiBasicAuth()
@Controller('campaignmanager/settings')
export class PutQuietHoursController {
  constructor(private readonly platform: Platform) {}

  @Put('quiet-hours')
  @HttpCode(200)
  @ApiOperation({
    summary: "Set the enterprise's quiet hours",
    description: `Replaces the setting: start and end as local "HH:MM" (end excluded; an end before the start spans midnight), and optional per-country overrides keyed by ISO 3166 alpha-2 code (at most ${QUIET_COUNTRIES_MAX}). Campaigns created from now on take it; campaigns already created keep theirs.`,
  })
  @ApiBody({ schema: { example: QUIET_HOURS_BODY_EXAMPLE } })
  @ApiResponse({ status: 200, description: 'The setting as stored.', schema: { example: QUIET_HOURS_EXAMPLE } })
  @ApiResponse({
    status: 400,
    description: '4001: a time that is not HH:MM, start equal to end, or a bad country code.',
    schema: { example: errorExample(4001, Errors.invalidParameter('start must be a local time HH:MM (00:00 to 23:59).').message) },
  })
  @ApiResponse({ status: 409, description: '4000: start or end missing.', schema: { example: errorExample(4000, Errors.mandatoryMissing('start').message) } })
  async put(@CallerParam() caller: Caller, @Body() body: unknown) {
    const parsed = parseQuietHoursPolicy(body);
    if ('error' in parsed) throw new ApiError(parsed.error, body ?? null);
    return okBody(await writeQuietHours(this.platform, caller.enterpriseSid, parsed.policy, new Date()));
  }
}
