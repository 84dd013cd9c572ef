import { Controller, Get, Param, applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequestReplyClient } from '@clarion/platform';
import { okBody, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { OPT_IN, OPT_OUT, entryBody, type DndList } from '../dnd-lists';
import { ENTRY_EXAMPLE, errorExample } from '../dnd.examples';
import { parseNumberSid } from '../number-sid.request';
import { getEntry } from './get-entry.handler';

const docs = (list: DndList, exampleName: string) =>
  applyDecorators(
    ApiOperation({ summary: `Get Single ${list.title} Number`, description: `One number of the enterprise's ${list.title} list.` }),
    ApiParam({ name: 'numberSid', description: 'The sid of the number (OT…).' }),
    ApiResponse({ status: 200, description: 'The number.', schema: { example: ENTRY_EXAMPLE(exampleName) } }),
    ApiResponse({
      status: 409,
      description: `491: no such number on the enterprise's ${list.title} list.`,
      schema: { example: errorExample(list.notFound.code, list.notFound.message, 'OT5fd7e2a4efa14c2f90bd986f197d86fd') },
    }),
  );

@ApiTags('dnd')
@ApiBasicAuth()
@Controller('campaignmanager/dnd')
export class GetEntryController {
  constructor(private readonly rr: RequestReplyClient) {}

  @Get('optout/search/:numberSid')
  @docs(OPT_OUT, 'Opt-Out')
  optOut(@CallerParam() caller: Caller, @Param('numberSid') numberSid: string) {
    return this.get(OPT_OUT, caller, numberSid);
  }

  @Get('optin/search/:numberSid')
  @docs(OPT_IN, 'test-opt-in')
  optIn(@CallerParam() caller: Caller, @Param('numberSid') numberSid: string) {
    return this.get(OPT_IN, caller, numberSid);
  }

  private async get(list: DndList, caller: Caller, value: string) {
    const numberSid = unwrap(parseNumberSid(list, value), value);
    return okBody(entryBody(unwrap(await getEntry(this.rr, caller.enterpriseSid, list, numberSid), numberSid)));
  }
}
