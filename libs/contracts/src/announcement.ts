import type { Message } from './envelope';

/**
 * Announcements (seed 000): text-to-speech ("say") or an uploaded WAV ("play") for voice campaigns.
 * campaign-svc owns them; commands and queries go on campaign.commands.v1 / campaign.queries.v1,
 * keyed by announcement sid. The audio itself never travels over Kafka (a record is at most 1 MB):
 * the gateway stores it and only its fileUri goes to campaign-svc.
 */
export type AnnouncementType = 'say' | 'play';
export const ANNOUNCEMENT_TYPES: readonly AnnouncementType[] = ['say', 'play'];
export type AnnouncementVoice = 'man' | 'woman';
export const ANNOUNCEMENT_VOICES: readonly AnnouncementVoice[] = ['man', 'woman'];

/** Limits of one announcement (DESIGN: a limit on everything). */
export const ANNOUNCEMENT_LIMITS = {
  nameCharsMax: 200,
  descriptionCharsMax: 1000,
  /** Text-to-speech engines take a few thousand characters per request; a minute of speech is ~900. */
  bodyCharsMax: 4000,
  languageCharsMax: 100,
  /** An uploaded WAV: 10 MiB is ~11 minutes of 8 kHz µ-law or ~5 minutes of 16 kHz 16-bit PCM. */
  audioBytesMax: 10 * 1024 * 1024,
} as const;

/** The path prefix an uploaded announcement's audio is served under (seed 000's fileUri form). */
export const ANNOUNCEMENT_FILE_PATH = '/campaignmanager/internal/announcement/file/';

export interface AnnouncementView {
  sid: string;
  enterpriseSid: string;
  accountSid: string;
  /** The account that created the announcement (seed: "accountEmail"). */
  accountEmail: string;
  name: string;
  description: string | null;
  type: AnnouncementType;
  /** say: the text spoken. */
  body: string | null;
  language: string | null;
  voice: AnnouncementVoice | null;
  /** play: where the uploaded audio is served (null until a file is uploaded). */
  fileUri: string | null;
  dateCreated: string;
  dateUpdated: string;
  uri: string;
}

/** What an announcement says or plays: the part create and update both set. */
export interface AnnouncementContent {
  type: AnnouncementType;
  body: string | null;
  language: string | null;
  voice: AnnouncementVoice | null;
}

// ---- Commands to campaign-svc (topic campaign.commands.v1, key: announcement sid) ----

export type CreateAnnouncement = Message<
  'CreateAnnouncement',
  AnnouncementContent & { announcementSid: string; enterpriseSid: string; accountSid: string; accountEmail: string; name: string; description: string | null; requestedAt: string }
>;
/** name / description undefined: keep the current value. Content is always given (seed: type is mandatory). */
export type UpdateAnnouncement = Message<
  'UpdateAnnouncement',
  AnnouncementContent & { announcementSid: string; enterpriseSid: string; name?: string; description?: string | null; requestedAt: string }
>;
/** The gateway stored an uploaded WAV; the announcement now plays what fileUri serves. */
export type AttachAnnouncementFile = Message<'AttachAnnouncementFile', { announcementSid: string; enterpriseSid: string; fileUri: string; requestedAt: string }>;
/** Refused with 507 while a campaign that has not finished uses the announcement. */
export type DeleteAnnouncement = Message<'DeleteAnnouncement', { announcementSid: string; enterpriseSid: string; requestedAt: string }>;

// ---- Queries (topic campaign.queries.v1) ----

/** Answers AnnouncementView or fails with Errors.announcementNotFound (also for another enterprise's sid). */
export type GetAnnouncement = Message<'GetAnnouncement', { announcementSid: string; enterpriseSid: string }>;
export type SearchAnnouncements = Message<
  'SearchAnnouncements',
  {
    enterpriseSid: string;
    page: number;
    pageSize: number;
    /** Part of the name, case-insensitive. */
    name: string | null;
    type: AnnouncementType | null;
    /** ISO-8601 UTC bounds on dateCreated, both inclusive. */
    startTime: string | null;
    endTime: string | null;
    sortBy: 'dateCreated' | 'name';
    sortDirection: 'asc' | 'desc';
  }
>;
export interface AnnouncementPage {
  total: number;
  data: AnnouncementView[];
}
