import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { OperatorController } from '../identity/operator.controller';
import { CAMPAIGN_CONTROLLERS } from '../campaigns';
import { CreditsController } from '../credits/credits.controller';
import { DndController } from '../dnd/dnd.controller';
import { OPENAPI } from './openapi';

/** Every route the gateway serves, read from the controllers' own decorators. */
function routes(): string[] {
  const out: string[] = [];
  for (const controller of [OperatorController, ...CAMPAIGN_CONTROLLERS, CreditsController, DndController] as { prototype: any }[]) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = controller.prototype[name];
      const method = Reflect.getMetadata(METHOD_METADATA, handler);
      if (method === undefined) continue;
      const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const path = ('/' + [base, sub].filter((p) => p && p !== '/').join('/')).replace(/:(\w+)/g, '{$1}');
      out.push(`${RequestMethod[method].toLowerCase()} ${path}`);
    }
  }
  return out;
}

describe('OpenAPI description', () => {
  it('describes every route the gateway serves, and no other', () => {
    const described = Object.entries(OPENAPI.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(routes().sort()).toEqual(described.sort());
    expect(routes().length).toBeGreaterThanOrEqual(11);
  });
});
