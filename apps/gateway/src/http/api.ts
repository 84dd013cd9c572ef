import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { v2Failure } from './v2-envelope';
import { Errors, type ClarionError, type Result } from '@clarion/contracts';

/** A business error on its way to the HTTP edge, where it becomes the seed's body and status. */
export class ApiError extends Error {
  constructor(
    readonly error: ClarionError,
    readonly data: unknown = null,
    /** Response headers the error calls for, e.g. Retry-After on 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(error.message);
  }
}

export function unwrap<T>(result: Result<T>, data: unknown = null): T {
  if (!result.ok) throw new ApiError(result.error, data);
  return result.value;
}

export const okBody = (data: unknown) => ({ code: 200, message: 'OK', data });

/** Every error leaves as { code, message, data } with the seed's code and HTTP status. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const req = host.switchToHttp().getRequest<Request>();
    // The voice-campaign API (seeds 002/003) answers its errors in its own envelope.
    if (req.path?.startsWith('/v2/')) return v2Error(exception, req, res);
    if (exception instanceof ApiError) {
      if (exception.error.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="clarion"');
      for (const [name, value] of Object.entries(exception.headers)) res.setHeader(name, value);
      // Seed 000's examples write the code both as `code` (a number) and as `errorCode` (a string);
      // both are sent so a client written against either example works.
      res.status(exception.error.status).json({ code: exception.error.code, errorCode: String(exception.error.code), message: exception.error.message, data: exception.data });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const error = status === 404 ? Errors.notFoundRoute : status === 413 ? Errors.payloadTooLarge('') : Errors.invalidParameter(exception.message);
      res.status(status).json({ code: error.code, message: status === 404 ? error.message : exception.message, data: null });
      return;
    }
    console.error('[gateway] unexpected error', exception);
    res.status(Errors.internal.status).json({ code: Errors.internal.code, message: Errors.internal.message, data: null });
  }
}

function v2Error(exception: unknown, req: Request, res: Response): void {
  let error: ClarionError;
  let data: unknown = null;
  if (exception instanceof ApiError) {
    if (exception.error.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="clarion"');
    for (const [name, value] of Object.entries(exception.headers)) res.setHeader(name, value);
    error = exception.error;
    data = exception.data;
  } else if (exception instanceof HttpException) {
    const status = exception.getStatus();
    error = status === 404 ? Errors.notFoundRoute : status === 413 ? Errors.payloadTooLarge('') : { ...Errors.invalidParameter(exception.message), status };
  } else {
    console.error('[gateway] unexpected error', exception);
    error = Errors.internal;
  }
  const body = v2Failure(req.method, error, data);
  res.status(error.status).json(body);
}
