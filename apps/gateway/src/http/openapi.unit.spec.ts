import 'reflect-metadata';
import { Module, RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Platform, RequestReplyClient } from '@clarion/platform';
import { OperatorController } from '../identity/operator.controller';
import { IdentityService } from '../identity/identity.service';
import { CAMPAIGN_CONTROLLERS } from '../campaigns';
import { CREDIT_CONTROLLERS } from '../credits';
import { DND_CONTROLLERS } from '../dnd';
import { ANNOUNCEMENT_CONTROLLERS } from '../announcements';
import { QuietHoursConfig, SETTINGS_CONTROLLERS } from '../settings';
import { CampaignReadModel } from '../read-model';
import { createOpenApiDocument } from './openapi';

/** The controllers the gateway module registers (main.ts), each family from its own list. */
const CONTROLLERS: Type[] = [OperatorController, ...CAMPAIGN_CONTROLLERS, ...CREDIT_CONTROLLERS, ...DND_CONTROLLERS, ...ANNOUNCEMENT_CONTROLLERS, ...SETTINGS_CONTROLLERS];

/** Every route the controllers serve, from their own decorators, in OpenAPI's path form. */
function routes(): string[] {
  const out: string[] = [];
  for (const controller of CONTROLLERS) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler);
      if (method === undefined) continue;
      // A handler may serve several paths (@Get(['a', 'b'])); each is its own route.
      const subs: unknown[] = [Reflect.getMetadata(PATH_METADATA, handler) ?? ''].flat();
      for (const sub of subs) {
        const path = ('/' + [base, String(sub)].filter((p) => p && p !== '/').join('/')).replace(/:(\w+)/g, '{$1}');
        out.push(`${RequestMethod[method].toLowerCase()} ${path}`);
      }
    }
  }
  return out;
}

describe('OpenAPI description', () => {
  let app: INestApplication;
  let doc: OpenAPIObject;

  beforeAll(async () => {
    // The controllers' dependencies are never called: the description is read from decorators only.
    @Module({
      controllers: CONTROLLERS,
      providers: [
        { provide: RequestReplyClient, useValue: {} },
        { provide: IdentityService, useValue: {} },
        { provide: Platform, useValue: { config: {}, ds: { options: {} } } },
        { provide: CampaignReadModel, useValue: {} },
        { provide: QuietHoursConfig, useValue: {} },
      ],
    })
    class DocsOnlyModule {}
    app = await NestFactory.create(DocsOnlyModule, { logger: false });
    doc = createOpenApiDocument(app);
  });
  afterAll(() => app?.close());

  it('is generated from the code: every route the gateway serves is described, and no other', () => {
    const described = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((k) => k !== 'parameters')
        .map((m) => `${m} ${path}`),
    );
    expect(described.sort()).toEqual(routes().sort());
    expect(described).toEqual(
      expect.arrayContaining(['get /campaignmanager/credits/search', 'get /campaignmanager/credits/search/{creditSid}', 'get /campaignmanager/credits/balance', 'post /campaignmanager/campaigns']),
    );
  });

  it('names the API and its basic-auth schemes', () => {
    expect(doc.info).toMatchObject({ title: 'Clarion Campaign Manager API', version: '1.0' });
    expect(doc.components?.securitySchemes).toMatchObject({ basic: { type: 'http', scheme: 'basic' }, operator: { type: 'http', scheme: 'basic' } });
  });

  it("documents the credit endpoints with the seed's parameters, codes and examples", () => {
    const list = doc.paths['/campaignmanager/credits/search'].get!;
    expect(list.tags).toEqual(['credits']);
    expect(list.security).toEqual([{ basic: [] }]);
    expect((list.parameters ?? []).map((p) => ('name' in p ? p.name : ''))).toEqual(expect.arrayContaining(['page', 'pageSize', 'type', 'startTime', 'endTime', 'SortBy']));
    expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    const one = doc.paths['/campaignmanager/credits/search/{creditSid}'].get!;
    expect(JSON.stringify(one.responses['409'])).toContain('472');
    expect(JSON.stringify(one.responses['200'])).toContain('ENCee320039e3e647eaa7df7cef5e3d6b55');
  });
});
