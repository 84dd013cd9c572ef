import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Errors } from '@clarion/contracts';
import { ApiError } from './api';
import { AccountLimits } from './account-limits';
import { IdentityService, type Caller } from '../identity/identity.service';

export type AdmittedRequest = Request & { caller?: Caller };

/**
 * Who may make an account request, and how often: Basic authentication, the per-account rate and
 * concurrent uploads (429 with Retry-After past either). One instance per gateway, shared by Nest's
 * account middleware and the campaign-poll fast path, so a request is counted once whichever serves
 * it. A refused request takes no token: asking again is answered the same.
 */
@Injectable()
export class AccountAdmission {
  private readonly limits = new AccountLimits();

  constructor(private readonly identity: IdentityService) {}

  /** The caller, also left on `req.caller`; a request admitted already (by the fast path) is not counted again. */
  async admit(req: AdmittedRequest, res: Response): Promise<Caller> {
    if (req.caller) return req.caller;
    const caller = await this.identity.authenticateAccount(req.headers.authorization);
    const waitSeconds = this.limits.request(caller.accountSid);
    if (waitSeconds !== null) throw new ApiError(Errors.tooManyRequests, null, { 'Retry-After': String(waitSeconds) });
    if (req.method === 'POST' && /^multipart\//i.test(req.headers['content-type'] ?? '')) {
      const release = this.limits.startUpload(caller.accountSid);
      // An upload of a few MB takes seconds; a client told to come back sooner would only be refused again.
      if (!release) throw new ApiError(Errors.tooManyUploads, null, { 'Retry-After': '5' });
      res.once('close', release);
    }
    req.caller = caller;
    return caller;
  }
}
