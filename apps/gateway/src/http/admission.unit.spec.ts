import { AccountAdmission, type AdmittedRequest } from './admission';
import type { IdentityService } from '../identity/identity.service';

const caller = { kind: 'account' as const, accountSid: 'AC1', enterpriseSid: 'EN1', email: 'a@b.test' };
const req = (over: Partial<AdmittedRequest> = {}) => ({ method: 'GET', headers: { authorization: 'Basic x' }, ...over }) as AdmittedRequest;
const res = { once: () => undefined } as never;

describe('account admission', () => {
  const env = process.env;
  beforeEach(() => (process.env = { ...env, GATEWAY_REQUESTS_PER_SECOND: '1', GATEWAY_REQUESTS_BURST: '3' }));
  afterEach(() => (process.env = env));

  it('counts a request once, whichever path admits it first (the poll fast path, then Nest’s middleware)', async () => {
    let authentications = 0;
    const admission = new AccountAdmission({ authenticateAccount: async () => (authentications++, caller) } as unknown as IdentityService);
    const r = req();
    expect(await admission.admit(r, res)).toBe(caller);
    expect(await admission.admit(r, res)).toBe(caller);
    expect(authentications).toBe(1);
    // Two more requests use the burst of 3; the fourth is refused with Retry-After and takes no token.
    await admission.admit(req(), res);
    await admission.admit(req(), res);
    const refused = req();
    await expect(admission.admit(refused, res)).rejects.toMatchObject({ error: { code: 429 }, headers: { 'Retry-After': '1' } });
    expect(refused.caller).toBeUndefined();
  });
});
