import type { Message } from './envelope';
import type { QuietHoursPolicy } from './quiet-hours';
import type { VoiceCampaignOptions } from './voice';

/** Output names of seed 000; input is lenient (see parseStatusInput). */
export const CAMPAIGN_STATUSES = ['initiating', 'scheduled', 'in-progress', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Accepts any case, "canceled" or "cancelled", "InProgress" or "in-progress". */
export function parseStatusInput(input: unknown): CampaignStatus | null {
  if (typeof input !== 'string') return null;
  const s = input.trim().toLowerCase().replace(/[\s_]/g, '-');
  if (s === 'canceled') return 'cancelled';
  if (s === 'inprogress') return 'in-progress';
  return (CAMPAIGN_STATUSES as readonly string[]).includes(s) ? (s as CampaignStatus) : null;
}

export type Channel = 'sms' | 'voice';

/** How long a call rings before it counts as unanswered, when the campaign does not say (seed 000). */
export const DIAL_TIMEOUT_DEFAULT_SECONDS = 30;

/** Final states of one recipient. */
export const RECIPIENT_FINAL_STATES = ['sent', 'delivered', 'undelivered', 'failed', 'opted-out', 'expired', 'unknown'] as const;
export type RecipientFinalState = (typeof RECIPIENT_FINAL_STATES)[number];

// ---- Commands to campaign-svc (topic campaign.commands.v1, key: campaign sid) ----

export interface CampaignDefinition {
  campaignSid: string;
  enterpriseSid: string;
  accountSid: string;
  accountEmail: string;
  name: string;
  channel: Channel;
  body: string;
  /** Credits one recipient costs (SMS segments of the body). */
  creditsPerRecipient: number;
  fromNumbers: string[];
  fromPrefix: string | null;
  /** ISO-8601 UTC, or null to start as soon as it is scheduled. */
  startTime: string | null;
  optOut: string | null;
  optIn: string | null;
  /** Voice only: the announcement to play (wins over rcmlUrl when both are given). */
  announcementSid?: string | null;
  /** Voice only: where the call flow (RCML) is fetched from when no announcement is named. */
  rcmlUrl?: string | null;
  /** Voice only: how long a call rings before it counts as unanswered (seed 000 default 30). */
  dialTimeoutSeconds?: number;
  /** Voice only, from the v2 API (seeds 002/003): retries, end of the window, webhooks… */
  voiceOptions?: VoiceCampaignOptions | null;
  /**
   * Voice campaigns with webhooks: the key their bodies are signed with, the hex SHA-256 of the
   * creating account's auth token (never the token itself, which Clarion does not keep).
   */
  webhookKey?: string | null;
  /**
   * The enterprise's quiet-hours policy when the campaign was created (a snapshot: later changes
   * of the setting do not move a campaign already made), or null when the campaign asked
   * `ignoreQuietHours=true`. Absent on campaigns created before quiet hours: none apply.
   */
  quietHours?: QuietHoursPolicy | null;
  /** Recorded as asked: only an explicit true turns quiet hours off. */
  ignoreQuietHours?: boolean;
}

export type CreateCampaign = Message<'CreateCampaign', CampaignDefinition & { requestedAt: string }>;
/** Seed 001's per-recipient fields, filled into {{name}}, {{custom1}}, {{custom2}} of the body. */
export interface RecipientFields {
  name?: string;
  custom1?: string;
  custom2?: string;
}
/** fields, when present, is aligned with numbers (personalised campaigns); null for a recipient without any. */
export type AddRecipients = Message<'AddRecipients', { campaignSid: string; batchNo: number; numbers: string[]; fields?: Array<RecipientFields | null> }>;
export type SealRecipients = Message<'SealRecipients', { campaignSid: string; batchCount: number; invalidCount: number; lineCount: number }>;
export type CancelCampaign = Message<'CancelCampaign', { campaignSid: string; enterpriseSid: string; requestedAt: string }>;
/** Removes a scheduled campaign (seed 000 "Delete Campaign"); answered with CampaignDeletedReply. */
export type DeleteCampaign = Message<'DeleteCampaign', { campaignSid: string; enterpriseSid: string; requestedAt: string }>;
/** The campaign as it was when it was deleted, and the version of its view that removed it. */
export interface CampaignDeletedReply {
  view: CampaignView;
  version: number;
}
/** A timer: dispatch-svc sends it when the start time has come and it holds every recipient. */
export type StartCampaign = Message<'StartCampaign', { campaignSid: string; at: string }>;

/**
 * The campaign watchdog's tick, as a command (any campaign-svc instance may send it; repeats are
 * harmless): the aggregate re-requests a step that has waited too long, or fails the campaign.
 */
export type CheckCampaign = Message<'CheckCampaign', { campaignSid: string; at: string }>;

/**
 * Resumes a paused campaign (PUT status in-progress); answered with the view, or 487 when the
 * campaign is not paused.
 */
export type ResumeCampaign = Message<'ResumeCampaign', { campaignSid: string; enterpriseSid: string; requestedAt: string }>;

export type CampaignCommand = ResumeCampaign | CreateCampaign | AddRecipients | SealRecipients | CancelCampaign | DeleteCampaign | StartCampaign | CheckCampaign;

// ---- Events of campaign-svc (topic campaign.events.v1, key: campaign sid) ----

export type CampaignScheduled = Message<
  'CampaignScheduled',
  {
    campaignSid: string;
    enterpriseSid: string;
    channel: Channel;
    body: string;
    fromNumbers: string[];
    fromPrefix: string | null;
    startTime: string | null;
    acceptedCount: number;
    optedOutCount: number;
    reservedCredits: number;
    creditsPerRecipient: number;
    /** CampaignDefinition.quietHours, passed on to dispatch-svc. */
    quietHours?: QuietHoursPolicy | null;
    ignoreQuietHours?: boolean;
    /** Voice campaigns only: what the calls play. */
    voice?: VoiceCallSettings;
  }
>;

/**
 * How a voice campaign's calls run: the gateway serves an announcement's call flow (RCML) at a
 * signed URL, or the carrier fetches the campaign's own `rcmlUrl` as it is.
 */
export interface VoiceCallSettings {
  announcementSid: string | null;
  rcmlUrl: string | null;
  dialTimeoutSeconds: number;
  options?: VoiceCampaignOptions | null;
  webhookKey?: string | null;
}

/** The voice carrier's status callback for one call, checked (signature) by the gateway. */
export type CallStatusReported = Message<
  'CallStatusReported',
  {
    callSid: string;
    to: string;
    status: string;
    durationSeconds: number | null;
    receivedAt: string;
    /** The send the call was placed for (`{campaignSid}:{seq}`, from the callback URL Clarion gave): settles a call whose answer was lost. */
    reference?: string | null;
  }
>;
export type CampaignStarted = Message<'CampaignStarted', { campaignSid: string; enterpriseSid: string; startedAt: string }>;
export type CampaignCancelled = Message<'CampaignCancelled', { campaignSid: string; enterpriseSid: string; cancelledAt: string }>;
/** A scheduled campaign was deleted: it never starts, and its recipients can be forgotten. */
export type CampaignDeleted = Message<'CampaignDeleted', { campaignSid: string; enterpriseSid: string; deletedAt: string }>;
export type CampaignFailed = Message<'CampaignFailed', { campaignSid: string; enterpriseSid: string; failureCode: number; failureMessage: string; failedAt: string }>;
/** A paused campaign goes on: dispatch-svc claims its sends again, with a fresh health window. */
export type CampaignResumed = Message<'CampaignResumed', { campaignSid: string; enterpriseSid: string; resumedAt: string }>;
export type CampaignCompleted = Message<'CampaignCompleted', { campaignSid: string; enterpriseSid: string; usedCredits: number; completedAt: string }>;

/** The watchdog asks dispatch-svc how a running campaign is doing (answered by DispatchProgressed or DispatchCompleted). */
export type DispatchStatusRequested = Message<'DispatchStatusRequested', { campaignSid: string; enterpriseSid: string }>;

export type CampaignPublicEvent = CampaignResumed | CampaignScheduled | CampaignStarted | CampaignCancelled | CampaignDeleted | CampaignFailed | CampaignCompleted | DispatchStatusRequested;

/** The public status topic (campaign.status.v1): one record per status change, key: campaign sid. */
export interface CampaignStatusChanged {
  campaignSid: string;
  enterpriseSid: string;
  status: CampaignStatus;
  previousStatus: CampaignStatus | null;
  occurredAt: string;
  failureCode?: number;
  failureMessage?: string;
  /** Set when the status is 'paused': why dispatch paused it ("failure-rate: 62 of the last 200 submits failed"). */
  pauseReason?: string;
}

/** The public deliveries topic (campaign.deliveries.v1): one record per recipient outcome. */
export interface RecipientOutcome {
  campaignSid: string;
  enterpriseSid: string;
  to: string;
  status: RecipientFinalState;
  carrierMessageId: string | null;
  errorCode: string | null;
  occurredAt: string;
}

/**
 * How dispatch-svc writes outcomes: one outbox row per batch, which the outbox relay turns into one
 * RecipientOutcomeRecorded record per item on campaign.deliveries.v1 (subscribers never see the
 * batch). At most OUTCOMES_PER_BATCH_MAX items, so a batch stays far below a topic's message size.
 */
export type RecipientOutcomesRecorded = Message<'RecipientOutcomesRecorded', { itemType: 'RecipientOutcomeRecorded'; items: RecipientOutcome[] }>;
export const OUTCOMES_PER_BATCH_MAX = 500;

// ---- Queries (topic campaign.queries.v1) ----
export type GetCampaign = Message<'GetCampaign', { campaignSid: string; enterpriseSid: string }>;
export type SearchCampaigns = Message<
  'SearchCampaigns',
  {
    enterpriseSid: string;
    page: number;
    pageSize: number;
    name: string | null;
    status: CampaignStatus | null;
    channel: Channel | null;
    startTime: string | null;
    endTime: string | null;
    sortBy: 'startTime' | 'name' | 'status' | 'dateCreated';
    sortDirection: 'asc' | 'desc';
  }
>;

/**
 * How many of a campaign's recipients are in each state right now: each recipient counts once, in
 * its current state (a delivered message is not also counted as sent). `queued` is every accepted
 * recipient not final yet, including those whose submit is in flight.
 */
export type RecipientCounts = Record<'queued' | RecipientFinalState, number>;
/**
 * The part of RecipientCounts dispatch-svc knows. Recipients filtered out when the campaign was
 * created are campaign-svc's count; 'opted-out' here counts only those dispatch skipped at send
 * time because their number opted out while the campaign ran (optional: reports from before it existed lack it).
 */
export type DispatchCounts = Omit<RecipientCounts, 'opted-out'> & { 'opted-out'?: number };
export const DISPATCH_COUNT_STATES = ['queued', 'sent', 'delivered', 'undelivered', 'failed', 'expired', 'unknown', 'opted-out'] as const satisfies readonly (keyof DispatchCounts)[];

/** The campaign as the REST API shows it (seed 000 "Data Parameters"). */
/** Sends held back by quiet hours: how many, until when the first waits (ISO-8601), and the last. */
export interface DeferredSends {
  count: number;
  until: string;
  latest: string;
}

export interface CampaignView {
  sid: string;
  name: string;
  enterpriseSid: string;
  accountSid: string;
  accountEmail: string;
  channel: Channel;
  body: string;
  fromPrefix: string | null;
  optOut: string | null;
  optIn: string | null;
  status: CampaignStatus;
  startTime: string | null;
  dateCreated: string;
  dateUpdated: string;
  /** Credits reserved, then (once completed) credits used. */
  total: number;
  /**
   * optedOut: filtered out at creation for being on the opt-out list; notOptedIn: for not being on
   * the campaign's opt-in list (absent in views from before it was counted apart).
   */
  recipients: { received: number; unique: number; duplicates: number; invalid: number; optedOut: number; notOptedIn?: number; accepted: number };
  failureCode?: number;
  failureMessage?: string;
  /** While paused: why ("failure-rate: 62 of the last 200 submits failed"). */
  pauseReason?: string;
  /**
   * While the campaign runs: how dispatch's connection to the carrier is doing, and since when
   * (`connected` when any instance is bound; otherwise the longest-standing trouble). Absent when
   * no dispatch instance has reported lately.
   */
  carrier?: { name: string; state: 'connected' | 'connecting' | 'unreachable'; since: string; detail?: string };
  /** The first from number or sender id, when the campaign has a fromFile (seed 001's `sender`). */
  sender?: string;
  /** Voice campaigns only (seed 000 "Data Parameters"): what is played, and how long a call rings. */
  announcementSid?: string | null;
  rcmlUrl?: string | null;
  dialTimeout?: number;
  /** Voice campaigns made through the v2 API: their seed 002 settings. */
  voiceOptions?: VoiceCampaignOptions | null;
  /** Whether the campaign was created with ignoreQuietHours=true (absent in views from before quiet hours). */
  ignoreQuietHours?: boolean;
  /** While any send waits for its recipient's quiet hours to end: how many, and the earliest and latest opening. */
  deferred?: DeferredSends;
  /** Recipients per current state; kept current while the campaign runs, exact once it completes. */
  counts?: RecipientCounts;
  /**
   * The version of the campaign's stream this view shows (campaign-svc sets it when it stores or
   * publishes the view). Readers keep a newer version over an older one, never the reverse.
   */
  version?: number;
  uri: string;
}

// ---- The views topic (campaign.views.v1, key: campaign sid; compacted) ----
export type CampaignViewChanged = Message<'CampaignViewChanged', { view: CampaignView & { version: number } }>;
/** The campaign was deleted: readers answer for it as for a campaign that never existed. */
export type CampaignViewRemoved = Message<'CampaignViewRemoved', { campaignSid: string; enterpriseSid: string; version: number }>;
