import type { AnnouncementView } from '@clarion/contracts';
import { presentAnnouncement } from './announcement.presenter';

const base: AnnouncementView = {
  sid: 'AN' + '1'.repeat(32),
  enterpriseSid: 'EN' + '2'.repeat(32),
  accountSid: 'AC' + '3'.repeat(32),
  accountEmail: 'jane@x.test',
  name: 'N',
  description: null,
  type: 'say',
  body: 'Hi',
  language: 'en-US',
  voice: 'woman',
  fileUri: null,
  dateCreated: '2021-03-19T06:06:55.123Z',
  dateUpdated: '2021-03-19T06:06:55.999Z',
  uri: '/campaignmanager/announcement/search/AN' + '1'.repeat(32),
};

describe('announcement presenter', () => {
  it('shows a say announcement as seed 000 does: seed timestamps, text fields, no fileUri or empty description', () => {
    expect(presentAnnouncement(base)).toEqual({
      sid: base.sid,
      dateUpdated: '2021-03-19T06:06:55+0000',
      dateCreated: '2021-03-19T06:06:55+0000',
      accountEmail: 'jane@x.test',
      uri: base.uri,
      name: 'N',
      enterpriseSid: base.enterpriseSid,
      type: 'say',
      body: 'Hi',
      language: 'en-US',
      voice: 'woman',
    });
  });

  it('shows a play announcement with its fileUri once uploaded, and its description', () => {
    const play: AnnouncementView = { ...base, type: 'play', body: null, language: null, voice: null, description: 'D', fileUri: '/f.wav' };
    const shown = presentAnnouncement(play);
    expect(shown).toMatchObject({ type: 'play', fileUri: '/f.wav', description: 'D' });
    expect(shown).not.toHaveProperty('body');
    expect(presentAnnouncement({ ...play, fileUri: null })).not.toHaveProperty('fileUri');
    expect(Object.keys(presentAnnouncement(play)).includes('accountSid')).toBe(false);
  });
});
