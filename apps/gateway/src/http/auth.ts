import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Caller } from '../identity/identity.service';

/** The authenticated account, put on the request by the auth middleware. */
export const CallerParam = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const req = ctx.switchToHttp().getRequest<Request & { caller?: Caller }>();
  if (!req.caller) throw new Error('route is not behind account authentication');
  return req.caller;
});
