import { Controller, Get, Param } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Errors } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { okBody, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { CREDIT_ENTRY_EXAMPLE, errorExample } from '../credits.examples';
import { getCredit } from './get-credit.handler';
import { parseCreditSid } from './get-credit.request';

@ApiTags('credits')
@ApiBasicAuth()
@Controller('campaignmanager/credits')
export class GetCreditController {
  constructor(private readonly rr: RequestReplyClient) {}

  @Get('search/:creditSid')
  @ApiOperation({ summary: 'Get Single Credit' })
  @ApiParam({ name: 'creditSid', description: 'SID to uniquely identify a Credit (ENC…).', example: CREDIT_ENTRY_EXAMPLE.sid })
  @ApiResponse({ status: 200, description: 'The credit entry.', schema: { example: { code: 200, message: 'OK', data: CREDIT_ENTRY_EXAMPLE } } })
  @ApiResponse({
    status: 409,
    description: "472: Credit SID doesn't exist in the system (or belongs to another enterprise).",
    schema: { example: errorExample(Errors.creditNotFound.code, Errors.creditNotFound.message) },
  })
  @ApiResponse({ status: 401, description: 'Authentication failed.', schema: { example: errorExample(Errors.unauthorized.code, Errors.unauthorized.message) } })
  async get(@CallerParam() caller: Caller, @Param('creditSid') creditSid: string) {
    const sid = unwrap(parseCreditSid(creditSid), creditSid);
    return okBody(unwrap(await getCredit(this.rr, caller.enterpriseSid, sid), creditSid));
  }
}
