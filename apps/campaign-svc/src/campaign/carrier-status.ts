import type { CampaignView } from '@clarion/contracts';

// The rule lives in libs/contracts, shared with the gateway's read model.
export { carrierOf, type CarrierReport } from '@clarion/contracts';

/** Only a campaign that is sending shows its carrier. */
export function withCarrier(view: CampaignView, carrier: CampaignView['carrier'] | undefined): CampaignView {
  return view.status === 'in-progress' && carrier ? { ...view, carrier } : view;
}
