import type { Message } from './envelope';

/**
 * A campaign's recipients as uploaded (seed 001 "Campaign Contacts"), answered by campaign-svc from
 * its recipients table on campaign.queries.v1, keyed by campaign sid. Another enterprise's campaign
 * answers 463 exactly like an unknown one.
 */
export type ListCampaignContacts = Message<'ListCampaignContacts', { campaignSid: string; enterpriseSid: string; page: number; pageSize: number }>;

export interface ContactView {
  phoneNumber: string;
  name: string | null;
  custom1: string | null;
  custom2: string | null;
}

export interface ContactsPage {
  total: number;
  data: ContactView[];
}
