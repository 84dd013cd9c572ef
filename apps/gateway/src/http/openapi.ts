import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Where the description is served: the UI at /docs, the JSON at /docs-json (and /docs/openapi.json). */
export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = `${DOCS_PATH}-json`;

/**
 * The parts of the description that no controller carries: title, version (the API's, as seed 000
 * numbers its document, not the package's) and the two basic-auth schemes. Everything else is
 * generated from the controllers' decorators (@ApiTags, @ApiOperation, @ApiResponse, …).
 */
export function openApiConfig(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('Clarion Campaign Manager API')
    .setDescription(
      "Bulk SMS and voice campaigns: the Campaign Manager API of seed 000. Every answer is { code, message, data }; errors carry the seed's codes. " +
        'Accounts authenticate with basic auth {accountSid}:{authToken}; the operator API with operator:{CLARION_OPERATOR_TOKEN}.',
    )
    .setVersion('1.0')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: '{accountSid}:{authToken}' }, 'basic')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'operator:{CLARION_OPERATOR_TOKEN}' }, 'operator')
    .build();
}

/** The description of every route of `app`, read from its controllers. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(app, openApiConfig());
}

/** Serves the description (UI and JSON) on the gateway; open to everyone, like any public API's docs. */
export function setupDocs(app: INestApplication): OpenAPIObject {
  const document = createOpenApiDocument(app);
  // The address the README and earlier clients know; registered before the UI's assets under /docs/.
  app.getHttpAdapter().get(`/${DOCS_PATH}/openapi.json`, (_req: unknown, res: { json(body: unknown): void }) => res.json(document));
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: DOCS_JSON_PATH, yamlDocumentUrl: `${DOCS_PATH}-yaml` });
  return document;
}
