import type { CallDetail, CampaignView } from '@clarion/contracts';
import { V2_STATUS } from './v2-campaign.request';

/** A campaign as the voice-campaign API shows it (seeds 002/003): its field names, RFC 3339 times. */
export function presentV2Campaign(view: CampaignView, accountSid: string) {
  const o = view.voiceOptions ?? null;
  const r = o?.retries ?? null;
  return {
    id: view.sid,
    account_sid: accountSid,
    name: view.name,
    type: 'trans',
    status: V2_STATUS[view.status],
    caller_id: view.sender ?? null,
    url: view.rcmlUrl ?? null,
    announcement_sid: view.announcementSid ?? null,
    lists: [],
    call_duplicate_numbers: o?.callDuplicateNumbers ?? false,
    retries: r
      ? { number_of_retries: r.count, interval_mins: r.intervalMins, mechanism: r.mechanism === 'exponential' ? 'Exponential' : 'Linear', on_status: r.onStatus }
      : { number_of_retries: 0, interval_mins: null, mechanism: null, on_status: [] },
    schedule: { send_at: new Date(view.startTime ?? view.dateCreated).toISOString(), end_at: o?.endAt ?? null },
    status_callback: o?.webhooks?.statusCallback ?? null,
    call_status_callback: o?.webhooks?.callStatusCallback ?? null,
    call_schedule_callback: o?.webhooks?.callScheduleCallback ?? null,
    custom_field: o?.customField ?? null,
    numbers: view.recipients.accepted,
    stats: view.counts ?? null,
    date_created: new Date(view.dateCreated).toISOString(),
    date_updated: new Date(view.dateUpdated).toISOString(),
    uri: `/v2/accounts/${accountSid}/campaigns/${view.sid}`,
  };
}

export function presentCallDetail(d: CallDetail) {
  return {
    call_sid: d.callSid,
    number: d.number,
    attempt: d.attempt,
    status: d.status,
    duration: d.durationSeconds,
    start_time: d.startedAt,
    end_time: d.endedAt,
  };
}
