import { Errors, fail, isSid, ok, type Result } from '@clarion/contracts';

/** A creditSid that cannot be one answers 472 like an unknown one, without asking credit-svc. */
export function parseCreditSid(value: string | undefined): Result<string> {
  return isSid('creditEntry', value) ? ok(value) : fail(Errors.creditNotFound);
}
