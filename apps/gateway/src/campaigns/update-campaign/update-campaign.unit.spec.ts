import { parseUpdateCampaign } from './update-campaign.request';

const SID = 'CP' + 'c'.repeat(32);
const code = (sid: string, body: unknown) => {
  const r = parseUpdateCampaign(sid, body);
  return r.ok ? null : r.error.code;
};

describe('update campaign request', () => {
  it('reads the status leniently (any case, canceled or cancelled) and ignores every other field', () => {
    for (const status of ['cancelled', 'Canceled', 'CANCELLED', ' canceled ']) expect(parseUpdateCampaign(SID, { status })).toEqual({ ok: true, value: { campaignSid: SID, status: 'cancelled' } });
    expect(parseUpdateCampaign(SID, { status: 'completed', name: 'renamed', total: 1 })).toEqual({ ok: true, value: { campaignSid: SID, status: 'completed' } });
  });

  it('answers 4000 when status is missing, 483 for a value that is no status, 486 for a sid that is no campaign’s', () => {
    expect(code(SID, {})).toBe(4000);
    expect(code(SID, null)).toBe(4000);
    expect(code(SID, { status: '' })).toBe(4000);
    expect(code(SID, { status: 'sleeping' })).toBe(483);
    expect(code(SID, { status: 7 })).toBe(483);
    expect(code('CPnope', { status: 'cancelled' })).toBe(486);
  });
});
