/**
 * The gateway's OpenAPI 3 description, served at /docs (HTML) and /docs/openapi.json. It is kept
 * next to the controllers and a test checks that every route the gateway serves is described.
 */
const basic = [{ account: [] as string[] }];
const operator = [{ operator: [] as string[] }];
const ok = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Envelope' } } } });
const err = { description: 'Error: { code, message, data } with the seed’s code', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const paging = [
  { name: 'page', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
  { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 10 } },
  { name: 'startTime', in: 'query', schema: { type: 'string' }, description: 'created at or after (ISO-8601, UTC)' },
  { name: 'endTime', in: 'query', schema: { type: 'string' }, description: 'created at or before (ISO-8601, UTC)' },
];
const sid = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const json = (properties: Record<string, unknown>, required: string[]) => ({ required: true, content: { 'application/json': { schema: { type: 'object', properties, required } } } });

export const OPENAPI = {
  openapi: '3.0.3',
  info: { title: 'Clarion Campaign Manager API', version: '1', description: 'Bulk SMS campaigns. Basic auth: {accountSid}:{authToken}; operator API: operator:{CLARION_OPERATOR_TOKEN}.' },
  components: {
    securitySchemes: { account: { type: 'http', scheme: 'basic' }, operator: { type: 'http', scheme: 'basic' } },
    schemas: {
      Envelope: { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' }, data: {} } },
      Error: { type: 'object', properties: { code: { type: 'integer', example: 463 }, message: { type: 'string', example: 'Campaign not found' }, data: {} } },
    },
  },
  paths: {
    '/campaignmanager/enterprises': { post: { summary: 'Create an enterprise', security: operator, requestBody: json({ name: { type: 'string' } }, ['name']), responses: { 201: ok('The enterprise'), 401: err, 409: err } } },
    '/campaignmanager/enterprises/{enterpriseSid}/accounts': {
      post: { summary: 'Create an account; its authToken is shown only here', security: operator, parameters: [sid('enterpriseSid')], requestBody: json({ email: { type: 'string' } }, ['email']), responses: { 201: ok('The account with its authToken'), 401: err, 409: err } },
    },
    '/campaignmanager/credits': {
      post: {
        summary: 'Add (or, negative, reduce) credits',
        security: operator,
        requestBody: json({ enterpriseSid: { type: 'string' }, credit: { type: 'integer' }, description: { type: 'string' }, idempotencyKey: { type: 'string' } }, ['enterpriseSid', 'credit']),
        responses: { 201: ok('The credit entry'), 401: err, 409: err },
      },
    },
    '/campaignmanager/credits/search': {
      get: { summary: 'List credit entries', security: basic, parameters: [...paging, { name: 'type', in: 'query', schema: { type: 'string', enum: ['credit', 'debit'] } }, { name: 'SortBy', in: 'query', schema: { type: 'string', example: 'dateCreated:desc' } }], responses: { 200: ok('One page'), 400: err, 401: err } },
    },
    '/campaignmanager/credits/search/{creditSid}': { get: { summary: 'One credit entry', security: basic, parameters: [sid('creditSid')], responses: { 200: ok('The entry'), 401: err, 409: err } } },
    '/campaignmanager/credits/balance': { get: { summary: 'Available, reserved and used credits', security: basic, responses: { 200: ok('{ available, reserved, used }'), 401: err } } },
    '/campaignmanager/dnd/optout': {
      post: {
        summary: 'Add numbers to the opt-out list',
        security: basic,
        requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } } } },
        responses: { 200: ok('{ name: "Opt-Out", enterpriseSid, added }'), 401: err, 409: err },
      },
    },
    '/campaignmanager/campaigns': {
      post: {
        summary: 'Create an SMS campaign',
        security: basic,
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['name', 'body', 'toFile'],
                properties: {
                  name: { type: 'string' },
                  body: { type: 'string' },
                  toFile: { type: 'string', format: 'binary' },
                  fromFile: { type: 'string', format: 'binary' },
                  fromPrefix: { type: 'string' },
                  startTime: { type: 'string', example: '2018-10-05T22:45:32' },
                  optOut: { type: 'string', example: 'Opt-Out' },
                  optIn: { type: 'string' },
                  channel: { type: 'string', enum: ['sms'] },
                },
              },
            },
          },
        },
        responses: { 201: ok('The campaign, status initiating'), 400: err, 401: err, 409: err, 413: err },
      },
    },
    '/campaignmanager/campaigns/search': {
      get: {
        summary: 'List campaigns',
        security: basic,
        parameters: [...paging, { name: 'name', in: 'query', schema: { type: 'string' } }, { name: 'status', in: 'query', schema: { type: 'string' } }, { name: 'channel', in: 'query', schema: { type: 'string' } }, { name: 'SortBy', in: 'query', schema: { type: 'string', example: 'name:asc' } }],
        responses: { 200: ok('One page'), 400: err, 401: err, 409: err },
      },
    },
    '/campaignmanager/campaigns/search/{campaignSid}': { get: { summary: 'One campaign', security: basic, parameters: [sid('campaignSid')], responses: { 200: ok('The campaign'), 401: err, 409: err } } },
    '/campaignmanager/campaigns/{campaignSid}': {
      put: { summary: 'Cancel a scheduled campaign', security: basic, parameters: [sid('campaignSid')], requestBody: json({ status: { type: 'string', example: 'cancelled' } }, ['status']), responses: { 200: ok('The campaign'), 401: err, 409: err } },
      delete: { summary: 'Delete a scheduled campaign', security: basic, parameters: [sid('campaignSid')], responses: { 200: ok('The campaign as it was when deleted'), 401: err, 409: err } },
    },
  },
} as const;

export function docsPage(): string {
  const rows = Object.entries(OPENAPI.paths)
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${path}</code></td><td>${(op as { summary: string }).summary}</td></tr>`))
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Clarion API</title></head><body><h1>${OPENAPI.info.title}</h1><p>${OPENAPI.info.description}</p><p>Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a></p><table border="1" cellpadding="4">${rows}</table></body></html>`;
}
