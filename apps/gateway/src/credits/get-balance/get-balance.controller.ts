import { Controller, Get } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Errors } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { okBody, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { errorExample } from '../credits.examples';
import { getBalance } from './get-balance.handler';

@ApiTags('credits')
@ApiBasicAuth()
@Controller('campaignmanager/credits')
export class GetBalanceController {
  constructor(private readonly rr: RequestReplyClient) {}

  /** Not in seed 000: the balance the history adds up to, with what scheduled campaigns hold. */
  @Get('balance')
  @ApiOperation({ summary: 'Get Credit Balance', description: 'Not in seed 000. available = the sum of the credit history minus what is reserved.' })
  @ApiResponse({
    status: 200,
    description: 'The balance.',
    schema: { example: { code: 200, message: 'OK', data: { enterpriseSid: 'EN6c9dfebda23b403a959a99112437e785', available: 1130, reserved: 0, used: 870 } } },
  })
  @ApiResponse({ status: 401, description: 'Authentication failed.', schema: { example: errorExample(Errors.unauthorized.code, Errors.unauthorized.message) } })
  async balance(@CallerParam() caller: Caller) {
    return okBody(unwrap(await getBalance(this.rr, caller.enterpriseSid)));
  }
}
