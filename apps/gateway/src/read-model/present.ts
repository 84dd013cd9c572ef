import { seedTime, type CampaignView } from '@clarion/contracts';

/**
 * A campaign as a REST answer carries it: timestamps in the seed's form, the carrier's state only
 * while it sends, and without the read model's bookkeeping (its version).
 */
export function presentCampaign(view: CampaignView, carrier?: CampaignView['carrier']): Omit<CampaignView, 'version'> {
  const { version: _version, carrier: _stored, ...rest } = view;
  const shown = view.status === 'in-progress' ? (carrier ?? _stored) : undefined;
  return {
    ...rest,
    startTime: rest.startTime === null ? null : seedTime(rest.startTime),
    dateCreated: seedTime(rest.dateCreated),
    dateUpdated: seedTime(rest.dateUpdated),
    ...(shown ? { carrier: { ...shown, since: seedTime(shown.since) } } : {}),
  };
}
