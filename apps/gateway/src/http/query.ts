import type { NextFunction, Request, Response } from 'express';
import { Errors } from '@clarion/contracts';
import { ApiError } from './api';

/**
 * Every query parameter of the API is a single value: `?name=a&name=b` or `?name[]=a` is a client
 * error (400, 4001) that names the parameter, not something to guess about or crash on.
 */
export function rejectRepeatedQueryParameters(req: Request, _res: Response, next: NextFunction): void {
  for (const [name, value] of Object.entries(req.query ?? {})) {
    if (typeof value !== 'string' || /[[\]]/.test(name))
      throw new ApiError(Errors.invalidParameter(`The query parameter "${name.replace(/\[.*$/, '')}" must be given once, as a single value.`), { parameter: name });
  }
  next();
}
