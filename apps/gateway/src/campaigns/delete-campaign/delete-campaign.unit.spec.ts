import { parseDeleteCampaign } from './delete-campaign.request';
import { parseGetCampaign } from '../get-campaign/get-campaign.request';

describe('delete and get campaign requests', () => {
  it('take a campaign sid and answer 463 for anything else', () => {
    const sid = 'CP' + '0'.repeat(32);
    expect(parseDeleteCampaign(sid)).toEqual({ ok: true, value: { campaignSid: sid } });
    expect(parseGetCampaign(sid)).toEqual({ ok: true, value: { campaignSid: sid } });
    for (const bad of ['', 'CP123', 'EN' + '0'.repeat(32), sid + '0']) {
      expect(parseDeleteCampaign(bad)).toMatchObject({ ok: false, error: { code: 463 } });
      expect(parseGetCampaign(bad)).toMatchObject({ ok: false, error: { code: 463 } });
    }
  });
});
