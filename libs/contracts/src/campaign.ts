import type { Message } from './envelope';

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
/** A timer: dispatch-svc sends it when the start time has come and it holds every recipient. */
export type StartCampaign = Message<'StartCampaign', { campaignSid: string; at: string }>;

/**
 * The campaign watchdog's tick, as a command (any campaign-svc instance may send it; repeats are
 * harmless): the aggregate re-requests a step that has waited too long, or fails the campaign.
 */
export type CheckCampaign = Message<'CheckCampaign', { campaignSid: string; at: string }>;

export type CampaignCommand = CreateCampaign | AddRecipients | SealRecipients | CancelCampaign | StartCampaign | CheckCampaign;

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
  }
>;
export type CampaignStarted = Message<'CampaignStarted', { campaignSid: string; enterpriseSid: string; startedAt: string }>;
export type CampaignCancelled = Message<'CampaignCancelled', { campaignSid: string; enterpriseSid: string; cancelledAt: string }>;
export type CampaignFailed = Message<'CampaignFailed', { campaignSid: string; enterpriseSid: string; failureCode: number; failureMessage: string; failedAt: string }>;
export type CampaignCompleted = Message<'CampaignCompleted', { campaignSid: string; enterpriseSid: string; usedCredits: number; completedAt: string }>;

/** The watchdog asks dispatch-svc how a running campaign is doing (answered by DispatchProgressed or DispatchCompleted). */
export type DispatchStatusRequested = Message<'DispatchStatusRequested', { campaignSid: string; enterpriseSid: string }>;

export type CampaignPublicEvent = CampaignScheduled | CampaignStarted | CampaignCancelled | CampaignFailed | CampaignCompleted | DispatchStatusRequested;

/** The public status topic (campaign.status.v1): one record per status change, key: campaign sid. */
export interface CampaignStatusChanged {
  campaignSid: string;
  enterpriseSid: string;
  status: CampaignStatus;
  previousStatus: CampaignStatus | null;
  occurredAt: string;
  failureCode?: number;
  failureMessage?: string;
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

/** The campaign as the REST API shows it (seed 000 "Data Parameters"). */
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
  recipients: { received: number; unique: number; duplicates: number; invalid: number; optedOut: number; accepted: number };
  failureCode?: number;
  failureMessage?: string;
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
  uri: string;
}
