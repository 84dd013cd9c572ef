import { Controller, Get, Header } from '@nestjs/common';
import { OPENAPI, docsPage } from './openapi';

/** The API description; open to everyone, like any public API's documentation. */
@Controller('docs')
export class DocsController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return docsPage();
  }

  @Get('openapi.json')
  spec(): typeof OPENAPI {
    return OPENAPI;
  }
}
