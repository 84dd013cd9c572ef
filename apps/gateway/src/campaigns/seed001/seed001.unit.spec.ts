import type { CampaignView } from '@clarion/contracts';
import { changedFields, parseSeed001Create, parseSeed001Paging, parseSeed001Update, seed001Page, toSeed001 } from './seed001.request';

const now = new Date('2026-06-01T12:00:00Z');
const view = (over: Partial<CampaignView> = {}): CampaignView & { sender?: string } => ({
  sid: 'CP' + 'a'.repeat(32),
  name: 'n',
  enterpriseSid: 'EN' + 'b'.repeat(32),
  accountSid: 'AC' + 'c'.repeat(32),
  accountEmail: 'a@b.c',
  channel: 'sms',
  body: 'Hi {{name}}',
  fromPrefix: null,
  optOut: null,
  optIn: null,
  status: 'scheduled',
  startTime: '2026-07-01T10:00:00.000Z',
  dateCreated: '2026-06-01T12:00:00.000Z',
  dateUpdated: '2026-06-01T12:00:00.000Z',
  total: 3,
  recipients: { received: 3, unique: 3, duplicates: 0, invalid: 0, optedOut: 1, accepted: 2 },
  uri: '/x',
  sender: '+14155550100',
  ...over,
});

describe('seed 001 campaign shapes', () => {
  it('shows a campaign as seed 001’s item, its status as a number', () => {
    expect(toSeed001(view())).toEqual({
      id: 'CP' + 'a'.repeat(32),
      startDateTime: '2026-07-01T10:00:00.000Z',
      sender: '+14155550100',
      recipientCount: 2,
      message: 'Hi {{name}}',
      status: 1,
      optOutLinkId: 0,
      trackLinkUrl: null,
    });
    expect(toSeed001(view({ status: 'cancelled' })).status).toBe(6);
    expect(seed001Page(2, 10, 31, [])).toEqual({ pageIndex: 2, totalPages: 4, totalRecords: 31, items: [] });
  });

  it('pages from 1', () => {
    expect(parseSeed001Paging({})).toEqual({ ok: true, value: { pageIndex: 1, pageSize: 10 } });
    expect(parseSeed001Paging({ pageIndex: '0' })).toMatchObject({ ok: false, error: { code: 4001 } });
    expect(parseSeed001Paging({ pageSize: '100000' })).toMatchObject({ ok: false, error: { code: 4001 } });
  });

  it('maps a create body onto seed 000’s fields; sender and contacts are mandatory; links and server fields are refused', () => {
    const r = parseSeed001Create({ startDateTime: '2026-07-01T10:00:00.000Z', sender: 'ACME', message: 'Hi', optOutLinkId: 0, trackLinkUrl: '', contacts: [{ phoneNumber: '+12122000001' }] }, now);
    expect(r.ok && r.value).toMatchObject({ fromNumbers: ['ACME'], fields: { body: 'Hi', startTime: '2026-07-01T10:00:00.000Z', channel: 'sms', name: 'Campaign 2026-06-01T12:00:00+0000' } });
    expect(parseSeed001Create({ message: 'Hi', contacts: [] }, now)).toMatchObject({ ok: false, error: { code: 4000 } });
    expect(parseSeed001Create({ sender: 'ACME', message: 'Hi' }, now)).toMatchObject({ ok: false, error: { code: 4000 } });
    expect(parseSeed001Create({ sender: '!!', message: 'Hi', contacts: [] }, now)).toMatchObject({ ok: false, error: { code: 4001 } });
    expect(parseSeed001Create({ sender: 'ACME', message: 'Hi', contacts: [], trackLinkUrl: 'https://x.test' }, now)).toMatchObject({ ok: false, error: { code: 4001 } });
    expect(parseSeed001Create({ sender: 'ACME', message: 'Hi', contacts: [], optOutLinkId: 3 }, now)).toMatchObject({ ok: false, error: { code: 4001 } });
    expect(parseSeed001Create({ sender: 'ACME', message: 'Hi', contacts: [], id: 'x' }, now)).toMatchObject({ ok: false, error: { code: 4001 } });
  });

  it('an update may cancel (status 6) and restate fields; changing them is named', () => {
    const current = toSeed001(view());
    const same = parseSeed001Update({ startDateTime: '2026-07-01T10:00:00.000Z', sender: '+1 415 555 0100', message: 'Hi {{name}}', optOutLinkId: 0 });
    expect(same.ok && changedFields(same.value, current)).toEqual([]);
    const moved = parseSeed001Update({ startDateTime: '2026-07-02T10:00:00Z', message: 'Other' });
    expect(moved.ok && changedFields(moved.value, current)).toEqual(['startDateTime', 'message']);
    expect(parseSeed001Update({ status: 6 })).toEqual({ ok: true, value: { cancel: true } });
    expect(parseSeed001Update({ status: 2 })).toMatchObject({ ok: false, error: { code: 483 } });
    expect(parseSeed001Update({ startDateTime: 'soon' })).toMatchObject({ ok: false, error: { code: 498 } });
  });
});
