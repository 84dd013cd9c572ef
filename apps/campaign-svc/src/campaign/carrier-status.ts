import type { CampaignView } from '@clarion/contracts';

/** Only a campaign that is sending shows its carrier. */
export function withCarrier(view: CampaignView, carrier: CampaignView['carrier'] | undefined): CampaignView {
  return view.status === 'in-progress' && carrier ? { ...view, carrier } : view;
}
