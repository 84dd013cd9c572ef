import { Controller, Delete, Param, applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequestReplyClient } from '@clarion/platform';
import { okBody, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import type { Caller } from '../../identity/identity.service';
import { OPT_IN, OPT_OUT, entryBody, type DndList } from '../dnd-lists';
import { ENTRY_EXAMPLE, errorExample } from '../dnd.examples';
import { parseNumberSid } from '../number-sid.request';
import { deleteEntry } from './delete-entry.handler';

const docs = (list: DndList, exampleName: string) =>
  applyDecorators(
    ApiOperation({ summary: `Delete Single ${list.title} Value`, description: `Removes one number from the enterprise's ${list.title} list and answers it.` }),
    ApiParam({ name: 'numberSid', description: 'The sid of the number (OT…).' }),
    ApiResponse({ status: 200, description: 'The removed number.', schema: { example: ENTRY_EXAMPLE(exampleName) } }),
    ApiResponse({
      status: 409,
      description: `491: no such number on the enterprise's ${list.title} list.`,
      schema: { example: errorExample(list.notFound.code, list.notFound.message, 'OT38cbd6deddda44cebcaaf1e06e78ce3e') },
    }),
  );

@ApiTags('dnd')
@ApiBasicAuth()
@Controller('campaignmanager/dnd')
export class DeleteEntryController {
  constructor(private readonly rr: RequestReplyClient) {}

  @Delete('optout/:numberSid')
  @docs(OPT_OUT, 'Opt-Out')
  optOut(@CallerParam() caller: Caller, @Param('numberSid') numberSid: string) {
    return this.delete(OPT_OUT, caller, numberSid);
  }

  @Delete('optin/:numberSid')
  @docs(OPT_IN, 'test-Opt-In')
  optIn(@CallerParam() caller: Caller, @Param('numberSid') numberSid: string) {
    return this.delete(OPT_IN, caller, numberSid);
  }

  private async delete(list: DndList, caller: Caller, value: string) {
    const numberSid = unwrap(parseNumberSid(list, value), value);
    return okBody(entryBody(unwrap(await deleteEntry(this.rr, caller.enterpriseSid, list, numberSid), numberSid)));
  }
}
