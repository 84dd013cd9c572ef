import { Controller, HttpCode, Post, Req, applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Errors, LIMITS } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody, unwrap } from '../../http/api';
import { CallerParam } from '../../http/auth';
import { numberBatches, parseNumberUpload } from '../../http/multipart';
import type { Caller } from '../../identity/identity.service';
import { OPT_IN, OPT_OUT, type DndList } from '../dnd-lists';
import { UPLOAD_EXAMPLE, errorExample } from '../dnd.examples';
import { uploadList } from './upload-list.handler';
import { hasMultipartBody, parseUploadList } from './upload-list.request';

const docs = (list: DndList, exampleName: string) =>
  applyDecorators(
    ApiOperation({
      summary: `Create ${list.title} List`,
      description: `Adds the numbers of \`file\` (one a line) to the enterprise's ${list.title} list. Numbers already on it keep their sid and dateCreated.`,
    }),
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file'],
        properties: {
          file: { type: 'string', format: 'binary', description: `Phone numbers, one a line (at most ${LIMITS.optOutNumbersPerUploadMax} lines).` },
          ...(list.kind === 'optin' ? { name: { type: 'string', description: 'Name of the opt-in list; "opt-in" if not passed.' } } : {}),
        },
      },
    }),
    ApiResponse({ status: 200, description: `The numbers are on the ${list.title} list.`, schema: { example: UPLOAD_EXAMPLE(exampleName) } }),
    ApiResponse({ status: 409, description: '490: the file holds no valid number; 4000: no file.', schema: { example: errorExample(Errors.dndFileInvalid.code, Errors.dndFileInvalid.message) } }),
    ApiResponse({ status: 413, description: `The file is larger than ${LIMITS.uploadBytesMax} bytes or has more than ${LIMITS.optOutNumbersPerUploadMax} lines.` }),
  );

@ApiTags('dnd')
@ApiBasicAuth()
@Controller('campaignmanager/dnd')
export class UploadListController {
  constructor(private readonly rr: RequestReplyClient) {}

  @Post('optout')
  @HttpCode(200)
  @docs(OPT_OUT, 'Opt-Out')
  optOut(@CallerParam() caller: Caller, @Req() req: Request) {
    return this.upload(OPT_OUT, caller, req);
  }

  @Post('optin')
  @HttpCode(200)
  @docs(OPT_IN, 'test-Opt-In')
  optIn(@CallerParam() caller: Caller, @Req() req: Request) {
    return this.upload(OPT_IN, caller, req);
  }

  private async upload(list: DndList, caller: Caller, req: Request) {
    if (!hasMultipartBody(req.headers['content-type'])) throw new ApiError(Errors.mandatoryMissing('file'));
    const upload = await parseNumberUpload(req, ['file'], { bytesMax: LIMITS.uploadBytesMax, linesMax: LIMITS.optOutNumbersPerUploadMax });
    try {
      const file = upload.files.file;
      const request = unwrap(parseUploadList(list, upload.fields, file), file ? { lines: file.lines, invalid: file.invalid } : null);
      const r = unwrap(await uploadList(this.rr, caller.enterpriseSid, list, request.name, numberBatches(request.file, LIMITS.recipientBatchSize)));
      return okBody({ name: request.name, enterpriseSid: caller.enterpriseSid, numbers: request.file.valid, added: r.added, alreadyListed: r.alreadyListed, invalid: request.file.invalid });
    } finally {
      await upload.cleanup();
    }
  }
}
