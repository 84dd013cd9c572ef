import type { Message } from './envelope';

/**
 * Announcements (seed 000): text-to-speech ("say") or an uploaded WAV ("play") for voice campaigns.
 * campaign-svc owns them; commands and queries go on campaign.commands.v1 / campaign.queries.v1,
 * keyed by announcement sid.
 */
export type AnnouncementType = 'say' | 'play';

export interface AnnouncementView {
  sid: string;
  enterpriseSid: string;
  name: string;
  type: AnnouncementType;
  /** say: the text spoken. */
  body: string | null;
  language: string | null;
  voice: 'man' | 'woman' | null;
  /** play: where the uploaded audio is served (null until a file is uploaded). */
  fileUri: string | null;
  dateCreated: string;
  dateUpdated: string;
  uri: string;
}

/** Used by campaign create to answer 500 for a voice campaign naming an announcement the enterprise lacks. */
export type GetAnnouncement = Message<'GetAnnouncement', { announcementSid: string; enterpriseSid: string }>;
