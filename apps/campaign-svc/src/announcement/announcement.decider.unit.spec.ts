import fc from 'fast-check';
import type { AnnouncementContent } from '@clarion/contracts';
import { decide, evolve, initialState, toView, type AnnouncementCommand, type AnnouncementEvent, type AnnouncementState } from './announcement.decider';
import { parseLanguageList } from './languages';

const at = '2026-01-01T00:00:00.000Z';
const later = '2026-01-02T00:00:00.000Z';
const languages = parseLanguageList(undefined);
const enterpriseSid = 'EN' + '2'.repeat(32);
const otherEnterprise = 'EN' + '9'.repeat(32);
const def = { sid: 'AN' + '1'.repeat(32), enterpriseSid, accountSid: 'AC' + '3'.repeat(32), accountEmail: 'a@b.c', name: 'Sale', description: null };
const say: AnnouncementContent = { type: 'say', body: 'Hello there', language: 'en-US', voice: 'woman' };
const play: AnnouncementContent = { type: 'play', body: null, language: null, voice: null };
const create = (content: AnnouncementContent): AnnouncementCommand => ({ type: 'CreateAnnouncement', def, content, languages, at });
const update = (content: AnnouncementContent, extra: { name?: string; description?: string | null; enterpriseSid?: string } = {}): AnnouncementCommand => ({
  type: 'UpdateAnnouncement',
  enterpriseSid,
  content,
  languages,
  at: later,
  ...extra,
});
const attach = (fileUri: string, sid = enterpriseSid): AnnouncementCommand => ({ type: 'AttachAnnouncementFile', enterpriseSid: sid, fileUri, at: later });
const remove = (campaignsUsing: number, sid = enterpriseSid): AnnouncementCommand => ({ type: 'DeleteAnnouncement', enterpriseSid: sid, campaignsUsing, at: later });

/** Given the commands so far, the state and every event they produced (a refusal fails the test). */
function given(commands: AnnouncementCommand[]): { state: AnnouncementState; events: AnnouncementEvent[] } {
  let state = initialState();
  const events: AnnouncementEvent[] = [];
  for (const c of commands) {
    const d = decide(c, state);
    if (!d.ok) throw new Error(`refused ${c.type}: ${d.error.code}`);
    for (const e of d.events) {
      state = evolve(state, e);
      events.push(e);
    }
  }
  return { state, events };
}
const errorCode = (c: AnnouncementCommand, s: AnnouncementState) => {
  const d = decide(c, s);
  return d.ok ? null : d.error.code;
};
const active = (s: AnnouncementState) => {
  if (s.status !== 'active') throw new Error(`not active: ${s.status}`);
  return s;
};

describe('announcement decider', () => {
  it('creates a say announcement once; a repeated create is a replay', () => {
    const { state, events } = given([create(say), create(say)]);
    expect(events.map((e) => e.type)).toEqual(['AnnouncementCreated']);
    expect(toView(active(state))).toEqual({
      sid: def.sid,
      enterpriseSid,
      accountSid: def.accountSid,
      accountEmail: 'a@b.c',
      name: 'Sale',
      description: null,
      type: 'say',
      body: 'Hello there',
      language: 'en-US',
      voice: 'woman',
      fileUri: null,
      dateCreated: at,
      dateUpdated: at,
      uri: `/campaignmanager/announcement/search/${def.sid}`,
    });
  });

  it('refuses a say announcement without body, language or voice (4000), a bad voice (522), an unknown language (521)', () => {
    const s = initialState();
    expect(errorCode(create({ ...say, body: '  ' }), s)).toBe(4000);
    expect(errorCode(create({ ...say, language: null }), s)).toBe(4000);
    expect(errorCode(create({ ...say, voice: null }), s)).toBe(4000);
    expect(errorCode(create({ ...say, voice: 'robot' as never }), s)).toBe(522);
    expect(errorCode(create({ ...say, language: 'xx-YY' }), s)).toBe(521);
    expect(errorCode({ ...create(say), def: { ...def, name: ' ' } } as AnnouncementCommand, s)).toBe(4000);
  });

  it('drops text fields sent with a play announcement; its audio comes from the upload', () => {
    const { state } = given([create({ type: 'play', body: 'ignored', language: 'nope', voice: 'robot' as never })]);
    expect(active(state)).toMatchObject({ type: 'play', body: null, language: null, voice: null, fileUri: null });
  });

  it('attaches a file to a play announcement only', () => {
    const { state } = given([create(play), attach('/f/1.wav'), attach('/f/2.wav')]);
    expect(active(state)).toMatchObject({ fileUri: '/f/2.wav', updatedAt: later });
    expect(errorCode(attach('/f/x.wav'), given([create(say)]).state)).toBe(4001);
  });

  it('updates name, description and content, keeping what is not sent', () => {
    const base = given([create(say)]).state;
    const renamed = given([create(say), update({ ...say, voice: 'man' }, { description: 'desc' })]).state;
    expect(active(renamed)).toMatchObject({ name: 'Sale', description: 'desc', voice: 'man', createdAt: at, updatedAt: later });
    expect(active(given([create(say), update(say, { name: 'New' })]).state).name).toBe('New');
    expect(errorCode(update({ ...say, voice: 'child' as never }), base)).toBe(522);
    expect(errorCode(update({ ...say, language: 'klingon' }), base)).toBe(521);
    expect(errorCode(update(say, { name: '' }), base)).toBe(4000);
  });

  it('loses the audio when a play announcement becomes say, and does not regain it when it becomes play again', () => {
    const { state } = given([create(play), attach('/f/1.wav'), update(say), update(play)]);
    expect(active(state)).toMatchObject({ type: 'play', fileUri: null, body: null });
    expect(active(given([create(play), attach('/f/1.wav'), update(play, { name: 'x' })]).state).fileUri).toBe('/f/1.wav');
  });

  it('refuses deleting an announcement a campaign still uses (507), then deletes it when none does', () => {
    const s = given([create(say)]).state;
    expect(errorCode(remove(1), s)).toBe(507);
    const { state, events } = given([create(say), remove(0)]);
    expect(events.map((e) => e.type)).toEqual(['AnnouncementCreated', 'AnnouncementDeleted']);
    expect(state.status).toBe('deleted');
  });

  it('answers 500 for a missing, deleted or other enterprise’s announcement, whatever the command', () => {
    const deleted = given([create(say), remove(0)]).state;
    const live = given([create(play)]).state;
    for (const c of [update(say), attach('/f.wav'), remove(0)]) {
      expect(errorCode(c, initialState())).toBe(500);
      expect(errorCode(c, deleted)).toBe(500);
    }
    expect(errorCode(update(say, { enterpriseSid: otherEnterprise }), live)).toBe(500);
    expect(errorCode(attach('/f.wav', otherEnterprise), live)).toBe(500);
    expect(errorCode(remove(0, otherEnterprise), live)).toBe(500);
    // A create replayed after the delete does not bring the announcement back.
    expect(decide(create(say), deleted)).toEqual({ ok: true, events: [] });
  });

  it('property: whatever the commands, an active announcement keeps its enterprise and satisfies the content rules, and a deleted one stays deleted', () => {
    const content = fc.oneof(
      fc.constant(say),
      fc.constant(play),
      fc.record({
        type: fc.constantFrom('say', 'play') as fc.Arbitrary<'say' | 'play'>,
        body: fc.option(fc.string({ maxLength: 5 })),
        language: fc.option(fc.constantFrom('en-US', 'EN-gb', 'google.ar-XA-Standard-A', 'xx', '')),
        voice: fc.option(fc.constantFrom('man', 'woman', 'robot')) as fc.Arbitrary<'man' | 'woman' | null>,
      }),
    );
    const command: fc.Arbitrary<AnnouncementCommand> = fc.oneof(
      content.map(create),
      fc
        .tuple(content, fc.option(fc.string({ maxLength: 3 }), { nil: undefined }), fc.boolean())
        .map(([c, name, other]) => update(c, { name, enterpriseSid: other ? otherEnterprise : enterpriseSid })),
      fc.tuple(fc.nat(3), fc.boolean()).map(([n, other]) => attach(`/f/${n}.wav`, other ? otherEnterprise : enterpriseSid)),
      fc.tuple(fc.nat(2), fc.boolean()).map(([n, other]) => remove(n, other ? otherEnterprise : enterpriseSid)),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 12 }), (commands) => {
        let state = initialState();
        for (const c of commands) {
          const before = state;
          const d = decide(c, state);
          if (!d.ok) continue;
          for (const e of d.events) state = evolve(state, e);
          if (before.status === 'deleted') expect(state).toBe(before);
          if (state.status === 'active') {
            expect(state.enterpriseSid).toBe(enterpriseSid);
            expect(state.name.trim()).not.toBe('');
            if (state.type === 'say') {
              expect(state.body).toBeTruthy();
              expect(['man', 'woman']).toContain(state.voice);
              expect(state.fileUri).toBeNull();
            } else expect([state.body, state.language, state.voice]).toEqual([null, null, null]);
          }
        }
      }),
    );
  });
});
