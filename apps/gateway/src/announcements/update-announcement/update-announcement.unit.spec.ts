import { parseUpdateAnnouncement } from './update-announcement.request';

describe('update announcement request', () => {
  const say = { type: 'say', body: 'Hi', language: 'en-US', voice: 'man' };

  it('keeps name and description when they are not sent', () => {
    expect(parseUpdateAnnouncement(say)).toEqual({ ok: true, value: { content: { type: 'say', body: 'Hi', language: 'en-US', voice: 'man' } } });
  });

  it('sets them when sent, and clears the description with an empty string or null', () => {
    expect(parseUpdateAnnouncement({ ...say, name: 'New', description: 'D' })).toMatchObject({ ok: true, value: { name: 'New', description: 'D' } });
    expect(parseUpdateAnnouncement({ ...say, description: '' })).toMatchObject({ ok: true, value: { description: null } });
    expect(parseUpdateAnnouncement({ ...say, description: null })).toMatchObject({ ok: true, value: { description: null } });
  });

  it('answers 4000 without type (mandatory in seed 000) and without what say needs; 522 for a bad voice', () => {
    expect(parseUpdateAnnouncement({ name: 'x' })).toMatchObject({ ok: false, error: { code: 4000, message: 'Mandatory parameter missing. type needs to be passed.' } });
    expect(parseUpdateAnnouncement({ type: 'say', body: 'Hi', voice: 'man' })).toMatchObject({ ok: false, error: { code: 4000 } });
    expect(parseUpdateAnnouncement({ ...say, voice: 'boy' })).toMatchObject({ ok: false, error: { code: 522 } });
  });
});
