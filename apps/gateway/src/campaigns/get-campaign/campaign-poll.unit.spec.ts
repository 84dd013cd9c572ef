import type { CampaignView } from '@clarion/contracts';
import { ApiError } from '../../http/api';
import type { AccountAdmission } from '../../http/admission';
import type { CampaignReadModel, StoredCampaign } from '../../read-model';
import { CAMPAIGN_EXAMPLE } from './campaign.example';
import { campaignPollFastPath, notModified, pollBody } from './campaign-poll';

const SID = CAMPAIGN_EXAMPLE.sid;
const view = (over: Partial<CampaignView> = {}): CampaignView =>
  ({ ...CAMPAIGN_EXAMPLE, startTime: '2020-02-01T09:53:51.000Z', dateCreated: '2019-12-22T09:53:51.000Z', dateUpdated: '2019-12-30T09:53:51.000Z', version: 7, ...over }) as unknown as CampaignView;
const carrier = { state: 'throttled', since: '2026-12-07T10:00:00.000Z', detail: 'carrier asked to slow down' } as unknown as CampaignView['carrier'];

function harness(stored: StoredCampaign | Error, admit: () => Promise<unknown> = async () => ({ enterpriseSid: CAMPAIGN_EXAMPLE.enterpriseSid })) {
  let reads = 0;
  const readModel = {
    get: async () => {
      reads++;
      if (stored instanceof Error) throw stored;
      return stored;
    },
    carrier: async () => carrier,
  } as unknown as CampaignReadModel;
  const admission = { admit } as unknown as AccountAdmission;
  const handle = campaignPollFastPath(admission, readModel);
  const run = async (url: string, headers: Record<string, string> = {}, method = 'GET') => {
    const res = { statusCode: 200, headers: {} as Record<string, unknown>, body: undefined as Buffer | undefined, ended: false };
    const response = {
      setHeader: (k: string, v: unknown) => (res.headers[k.toLowerCase()] = v),
      end: (b?: Buffer) => ((res.body = b), (res.ended = true)),
      set statusCode(s: number) {
        res.statusCode = s;
      },
    };
    let passed = false;
    await handle({ method, url, headers } as never, response as never, () => (passed = true));
    return { ...res, passed };
  };
  return { run, reads: () => reads };
}

describe('the campaign poll fast path', () => {
  it('answers a held view with the router’s body (okBody of presentCampaign) and its ETag, without going on', async () => {
    const v = view();
    const h = harness({ kind: 'view', view: v });
    const r = await h.run(`/campaignmanager/campaigns/search/${SID}`);
    expect(r.passed).toBe(false);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(r.body!.toString());
    expect(body).toMatchObject({ code: 200, message: 'OK', data: { sid: SID, dateCreated: '2019-12-22T09:53:51+0000' } });
    expect(body.data).not.toHaveProperty('version');
    expect(r.headers['content-length']).toBe(r.body!.length);
    expect(r.headers.etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
  });

  it('shows the carrier only while the campaign sends, and makes a view’s bytes once per carrier state', async () => {
    const running = view({ status: 'in-progress' });
    const h = harness({ kind: 'view', view: running });
    const a = await h.run(`/campaignmanager/campaigns/search/${SID}`);
    const b = await h.run(`/campaignmanager/campaigns/search/${SID}`);
    expect(JSON.parse(a.body!.toString()).data.carrier).toMatchObject({ state: 'throttled', since: '2026-12-07T10:00:00+0000' });
    expect(b.body).toBe(a.body); // the same Buffer: not serialised again
    const scheduled = harness({ kind: 'view', view: view() });
    expect(JSON.parse((await scheduled.run(`/campaignmanager/campaigns/search/${SID}`)).body!.toString()).data).not.toHaveProperty('carrier');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const h = harness({ kind: 'view', view: view() });
    const { headers } = await h.run(`/campaignmanager/campaigns/search/${SID}`);
    const r = await h.run(`/campaignmanager/campaigns/search/${SID}`, { 'if-none-match': `"other", ${headers.etag}` });
    expect(r.statusCode).toBe(304);
    expect(r.body).toBeUndefined();
    expect((await h.run(`/campaignmanager/campaigns/search/${SID}`, { 'if-none-match': '"other"' })).statusCode).toBe(200);
  });

  it('leaves everything else to the router: other paths and methods, a query string, a refused caller, a missing or foreign campaign, a failed read', async () => {
    const held = harness({ kind: 'view', view: view() });
    for (const [url, method] of [
      ['/campaignmanager/campaigns/search', 'GET'],
      [`/campaignmanager/campaigns/search/${SID}?x=1`, 'GET'],
      [`/campaignmanager/campaigns/search/${SID}`, 'DELETE'],
      ['/campaignmanager/campaigns/search/CPnot-a-sid', 'GET'],
    ]) {
      expect((await held.run(url, {}, method)).passed).toBe(true);
    }
    expect(held.reads()).toBe(0);
    for (const stored of [{ kind: 'missing' }, { kind: 'removed' }] as StoredCampaign[]) {
      const r = await harness(stored).run(`/campaignmanager/campaigns/search/${SID}`);
      expect(r).toMatchObject({ passed: true, ended: false });
    }
    const refused = harness({ kind: 'view', view: view() }, async () => {
      throw new ApiError({ code: 401, status: 401, message: 'Unauthorized' } as never);
    });
    expect((await refused.run(`/campaignmanager/campaigns/search/${SID}`)).passed).toBe(true);
    expect(refused.reads()).toBe(0);
    const failing = harness(new Error('database unreachable'));
    expect(await failing.run(`/campaignmanager/campaigns/search/${SID}`)).toMatchObject({ passed: true, ended: false });
  });
});

describe('If-None-Match', () => {
  it('matches *, and any listed tag under weak comparison', () => {
    const { etag } = pollBody(view(), undefined);
    expect(notModified(undefined, etag)).toBe(false);
    expect(notModified('*', etag)).toBe(true);
    expect(notModified(etag.replace(/^W\//, ''), etag)).toBe(true);
    expect(notModified(`"a", ${etag}`, etag)).toBe(true);
    expect(notModified('"a", W/"b"', etag)).toBe(false);
  });
});
