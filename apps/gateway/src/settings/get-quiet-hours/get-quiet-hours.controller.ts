import { Controller, Get } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Platform } from '@clarion/platform';
import { okBody } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { QUIET_HOURS_EXAMPLE } from '../quiet-hours.examples';
import { readQuietHours } from '../quiet-hours.store';

@ApiTags('settings')
@ApiBasicAuth()
@Controller('campaignmanager/settings')
export class GetQuietHoursController {
  constructor(private readonly platform: Platform) {}

  @Get('quiet-hours')
  @ApiOperation({
    summary: "The enterprise's quiet hours",
    description:
      "The daily window, in each recipient's local time, in which the enterprise's campaigns send, and per-country overrides. Never set: 08:00–21:00 with no overrides (isDefault true). A campaign takes the setting as it is when the campaign is created.",
  })
  @ApiResponse({ status: 200, description: 'The setting.', schema: { example: QUIET_HOURS_EXAMPLE } })
  async get(@CallerParam() caller: Caller) {
    return okBody(await readQuietHours(this.platform, caller.enterpriseSid));
  }
}
