import { TOPIC, type ContactsPage, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';

/** One page of a campaign's contacts from campaign-svc; a missing field is the empty string, as seed 001's contacts are strings. */
export async function listContacts(rr: Pick<RequestReplyClient, 'request'>, enterpriseSid: string, campaignSid: string, page: number, pageSize: number): Promise<Result<ContactsPage>> {
  const r = await rr.request<ContactsPage>(TOPIC.campaignQueries, campaignSid, 'ListCampaignContacts', { campaignSid, enterpriseSid, page, pageSize });
  if (!r.ok) return r;
  return { ok: true, value: { total: r.value.total, data: r.value.data.map((c) => ({ phoneNumber: c.phoneNumber, name: c.name ?? '', custom1: c.custom1 ?? '', custom2: c.custom2 ?? '' })) } };
}
