import type { Message } from './envelope';

/**
 * Voice campaigns beyond seed 000 (seeds 002/003): retries, the end of the send window, webhooks,
 * a custom field, and the duplicate-number policy. The v2 API (/v2/accounts/{sid}/campaigns) sets
 * them; a native voice campaign has none (each number called once, no webhooks).
 */

/** Call outcomes a retry may follow (seed 002 `on_status`). */
export const RETRY_STATUSES = ['busy', 'no-answer', 'failed'] as const;
export type RetryStatus = (typeof RETRY_STATUSES)[number];
/** Seed 002: "Default is 0 and max is 3". */
export const VOICE_RETRIES_MAX = 3;
/** A day between tries at most: a retry later than that reaches nobody who expects it. */
export const VOICE_RETRY_INTERVAL_MINS_MAX = 1440;

export interface VoiceRetries {
  /** Further calls after the first, 0–3. */
  count: number;
  intervalMins: number;
  /** linear: interval × n before the n-th retry; exponential: interval × 2^(n-1). */
  mechanism: 'linear' | 'exponential';
  onStatus: RetryStatus[];
}

export interface VoiceWebhookUrls {
  /** The campaign started, and it ended. */
  statusCallback: string | null;
  /** After each call. */
  callStatusCallback: string | null;
  /** After the last call to a number, retries included. */
  callScheduleCallback: string | null;
}

export interface VoiceCampaignOptions {
  retries: VoiceRetries | null;
  /** ISO-8601 UTC: numbers not reached by then expire (and are not charged); ringing calls are hung up. */
  endAt: string | null;
  webhooks: VoiceWebhookUrls | null;
  /** Passed to the call flow as `CustomField` (seed 002 custom_field). */
  customField: string | null;
  /** Seed 002 call_duplicate_numbers: false (the default) calls a number listed twice once. */
  callDuplicateNumbers: boolean;
}

/** Credits a voice recipient holds: every call it may get. */
export const voiceCreditsPerRecipient = (options: Pick<VoiceCampaignOptions, 'retries'> | null | undefined) => 1 + (options?.retries?.count ?? 0);

/** Pause a running campaign (v2 `action: pause`): no new call starts; calls under way finish. */
export type PauseCampaign = Message<'PauseCampaign', { campaignSid: string; enterpriseSid: string; requestedAt: string }>;
/** The webhook URLs of a campaign, changed (v2 update after send_at allows only these and `action`). */
export type UpdateCampaignWebhooks = Message<'UpdateCampaignWebhooks', { campaignSid: string; enterpriseSid: string; webhooks: VoiceWebhookUrls; requestedAt: string }>;
/** campaign.events.v1: the campaign was paused (by dispatch's auto-pause, or by the user). */
export type CampaignPaused = Message<'CampaignPaused', { campaignSid: string; enterpriseSid: string; reason: string; pausedAt: string }>;
export type CampaignWebhooksChanged = Message<'CampaignWebhooksChanged', { campaignSid: string; enterpriseSid: string; webhooks: VoiceWebhookUrls }>;

// ---- Queries to dispatch-svc (topic dispatch.queries.v1, key: campaign sid) ----

/** Every call attempt of a campaign, by number then attempt; answered CallDetailsPage. */
export type GetCallDetails = Message<'GetCallDetails', { campaignSid: string; enterpriseSid: string; offset: number; limit: number }>;
export const CALL_DETAILS_PAGE_MAX = 500;

export interface CallDetail {
  number: string;
  /** 1 for the first call to the number, 2 for its first retry… */
  attempt: number;
  callSid: string | null;
  /** queued (placed, no outcome yet), completed, busy, no-answer, failed, canceled, or unknown. */
  status: string;
  durationSeconds: number | null;
  startedAt: string;
  endedAt: string | null;
}

export interface CallDetailsPage {
  total: number;
  data: CallDetail[];
}

/**
 * What the v2 API's update may change before a campaign starts (seed 002: "all the parameters of a
 * campaign that has not started"), except what its hold depends on (the numbers, the count of
 * retries): those need a new campaign.
 */
export interface CampaignEdits {
  name?: string;
  fromNumbers?: string[];
  rcmlUrl?: string;
  /** ISO-8601 UTC; null: as soon as possible. */
  startTime?: string | null;
  voiceOptions?: VoiceCampaignOptions;
}
export type EditCampaign = Message<'EditCampaign', { campaignSid: string; enterpriseSid: string; changes: CampaignEdits; requestedAt: string }>;
/** campaign.events.v1: a scheduled campaign's settings changed; dispatch-svc keeps what it uses of them. */
export type CampaignEdited = Message<
  'CampaignEdited',
  { campaignSid: string; enterpriseSid: string; fromNumbers: string[]; startTime: string | null; voice: import('./campaign').VoiceCallSettings | null }
>;
