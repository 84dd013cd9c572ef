import { parseCreateAnnouncement } from './create-announcement.request';

const mine = 'EN' + 'a'.repeat(32);
const say = { enterpriseSid: mine, name: ' TTS ', type: 'say', body: 'Hello', language: 'google.ar-XA-Standard-A', voice: 'woman' };
const code = (fields: Record<string, unknown>) => {
  const r = parseCreateAnnouncement(fields, mine);
  return r.ok ? null : r.error.code;
};

describe('create announcement request', () => {
  it('takes the seed’s say example, trimmed', () => {
    expect(parseCreateAnnouncement(say, mine)).toEqual({
      ok: true,
      value: { name: 'TTS', description: null, content: { type: 'say', body: 'Hello', language: 'google.ar-XA-Standard-A', voice: 'woman' } },
    });
  });

  it('takes a play announcement without text fields, and drops any it is sent', () => {
    expect(parseCreateAnnouncement({ name: 'Ann', type: 'PLAY', body: 'x', voice: 'robot' }, mine)).toEqual({
      ok: true,
      value: { name: 'Ann', description: null, content: { type: 'play', body: null, language: null, voice: null } },
    });
  });

  it('answers 4000 naming each missing mandatory field', () => {
    for (const missing of ['name', 'type', 'body', 'language', 'voice']) {
      const r = parseCreateAnnouncement({ ...say, [missing]: '' }, mine);
      expect(r).toMatchObject({ ok: false, error: { code: 4000, status: 409, message: `Mandatory parameter missing. ${missing} needs to be passed.` } });
    }
  });

  it('answers 522 for a voice other than man or woman (any case accepted)', () => {
    expect(code({ ...say, voice: 'female' })).toBe(522);
    expect(code({ ...say, voice: 42 })).toBe(522);
    expect(parseCreateAnnouncement({ ...say, voice: 'MAN' }, mine)).toMatchObject({ ok: true, value: { content: { voice: 'man' } } });
  });

  it('answers 467 for another enterprise, and takes the caller’s when enterpriseSid is left out', () => {
    expect(code({ ...say, enterpriseSid: 'EN' + 'b'.repeat(32) })).toBe(467);
    const { enterpriseSid: _e, ...without } = say;
    expect(code(without)).toBeNull();
  });

  it('refuses an unknown type and over-long or non-text fields with 4001', () => {
    expect(code({ ...say, type: 'sing' })).toBe(4001);
    expect(code({ ...say, name: 'n'.repeat(201) })).toBe(4001);
    expect(code({ ...say, body: 'b'.repeat(4001) })).toBe(4001);
    expect(code({ ...say, description: { html: true } })).toBe(4001);
  });
});
