import { seedTime, type AnnouncementView } from '@clarion/contracts';

/**
 * An announcement in seed 000's shape: its timestamps in the seed's form and, like the seed's
 * examples, only the fields its type has (description when set, fileUri once audio is uploaded,
 * body / language / voice for "say").
 */
export function presentAnnouncement(v: AnnouncementView): Record<string, unknown> {
  return {
    sid: v.sid,
    dateUpdated: seedTime(v.dateUpdated),
    dateCreated: seedTime(v.dateCreated),
    accountEmail: v.accountEmail,
    uri: v.uri,
    name: v.name,
    ...(v.description !== null ? { description: v.description } : {}),
    ...(v.type === 'play' && v.fileUri ? { fileUri: v.fileUri } : {}),
    enterpriseSid: v.enterpriseSid,
    type: v.type,
    ...(v.type === 'say' ? { body: v.body, language: v.language, voice: v.voice } : {}),
  };
}

/** Seed 000's examples, for the OpenAPI document. */
export const SAY_EXAMPLE = {
  sid: 'AN77564ea97c8d4ad1a17a3da3775222dd',
  dateUpdated: '2021-03-19T06:06:55+0000',
  dateCreated: '2021-03-19T06:06:55+0000',
  accountEmail: 'jane.doe@company.com',
  uri: '/campaignmanager/announcement/search/AN77564ea97c8d4ad1a17a3da3775222dd',
  name: 'TTS Play 19Mar21-852',
  enterpriseSid: 'EN38347f3735b04741a0c9be689901e6b4',
  type: 'say',
  body: 'Hello, we are giving away 20% discounts on all our merchandise. Hurry offer valid only for next 3 days.',
  language: 'google.ar-XA-Standard-A',
  voice: 'woman',
};
export const PLAY_EXAMPLE = {
  sid: 'AN42b3d3e952ff47ecba9d487095a2bc4e',
  dateUpdated: '2020-01-27T06:44:13+0000',
  dateCreated: '2020-01-27T06:44:13+0000',
  accountEmail: 'jane.doe@company.com',
  uri: '/campaignmanager/announcement/search/AN42b3d3e952ff47ecba9d487095a2bc4e',
  name: 'Sale announcement',
  description: 'Announcement for sale of merchandise',
  fileUri: '/campaignmanager/internal/announcement/file/AN42b3d3e952ff47ecba9d487095a2bc4e_1580107453296.wav',
  enterpriseSid: 'EN838bcdf35f9d421fad3ab516195b873b',
  type: 'play',
};
export const okExample = (data: unknown) => ({ code: 200, message: 'OK', data });
export const errorExample = (code: number, message: string, data: unknown) => ({ code, message, data });
export const NOT_FOUND_EXAMPLE = errorExample(500, 'Announcement not found', { sid: 'ANd28fddd7f6184a67aacb2dd6c3c00e28' });
