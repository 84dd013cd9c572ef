import fc from 'fast-check';
import { LIMITS } from '@clarion/contracts';
import { OPT_IN, OPT_OUT } from '../dnd-lists';
import { entriesPage } from './search-entries.page';
import { parseSearchEntries } from './search-entries.request';

const code = (r: { ok: boolean; error?: { code: number } }) => (r.ok ? 200 : r.error!.code);

describe('parseSearchEntries', () => {
  it('defaults to page 0 of 10, ascending, no filter', () => {
    expect(parseSearchEntries(OPT_OUT, {})).toEqual({ ok: true, value: { page: 0, pageSize: 10, number: null, name: null, startTime: null, endTime: null, sortDirection: 'asc' } });
  });

  it("takes the seed's own example, sortBy=datecreated:desc, and SortBy in any case", () => {
    for (const q of [{ sortBy: 'datecreated:desc' }, { SortBy: 'dateCreated:DESC' }, { SortBy: 'DATECREATED:desc' }]) {
      expect(parseSearchEntries(OPT_OUT, q)).toMatchObject({ ok: true, value: { sortDirection: 'desc' } });
    }
    expect(parseSearchEntries(OPT_OUT, { SortBy: 'dateCreated' })).toMatchObject({ ok: true, value: { sortDirection: 'asc' } });
  });

  it('refuses another sort attribute or direction with 4001', () => {
    for (const SortBy of ['number:asc', 'dateCreated:up', 'dateCreated:asc:desc']) expect(code(parseSearchEntries(OPT_OUT, { SortBy }))).toBe(4001);
  });

  it('bounds page and pageSize (4001)', () => {
    expect(code(parseSearchEntries(OPT_OUT, { pageSize: String(LIMITS.pageSizeMax) }))).toBe(200);
    for (const q of [{ pageSize: String(LIMITS.pageSizeMax + 1) }, { pageSize: '0' }, { pageSize: '2.5' }, { page: '-1' }, { page: 'x' }]) expect(code(parseSearchEntries(OPT_OUT, q))).toBe(4001);
  });

  it('reads dates in the seed forms as UTC, and answers 498 for any other', () => {
    expect(parseSearchEntries(OPT_OUT, { startTime: '2018-10-05', endTime: '2018-10-06T02:10:03' })).toMatchObject({
      ok: true,
      value: { startTime: '2018-10-05T00:00:00.000Z', endTime: '2018-10-06T02:10:03.000Z' },
    });
    expect(parseSearchEntries(OPT_OUT, { startTime: '2021-03-18T12:20:46+0530' })).toMatchObject({ value: { startTime: '2021-03-18T06:50:46.000Z' } });
    for (const q of [{ startTime: '05/10/2018' }, { endTime: '2021-02-30' }, { endTime: 'yesterday' }]) expect(code(parseSearchEntries(OPT_OUT, q))).toBe(498);
  });

  it('normalises phoneNumber as a number file would, and refuses what is no number', () => {
    for (const phoneNumber of ['918278362878', '+918278362878', '0091 8278 362878']) expect(parseSearchEntries(OPT_OUT, { phoneNumber })).toMatchObject({ value: { number: '+918278362878' } });
    expect(code(parseSearchEntries(OPT_OUT, { phoneNumber: 'abc' }))).toBe(4001);
  });

  it('filters by name on opt-in lists only', () => {
    expect(parseSearchEntries(OPT_IN, { name: ' vip ' })).toMatchObject({ value: { name: 'vip' } });
    expect(parseSearchEntries(OPT_OUT, { name: 'vip' })).toMatchObject({ value: { name: null } });
    expect(code(parseSearchEntries(OPT_IN, { name: 'n'.repeat(LIMITS.nameCharsMax + 1) }))).toBe(4001);
  });
});

describe('entriesPage', () => {
  const entry = (i: number) => ({ sid: `OT${String(i).padStart(32, '0')}`, name: 'Opt-Out', number: '918278362878', dateCreated: '2021-12-13T12:21:27+0000', enterpriseSid: 'EN1' });

  it("puts the seed's paging fields inside data, with URIs that repeat the search", () => {
    const p = entriesPage('/campaignmanager/dnd/optout/search', { sortBy: 'datecreated:desc', phoneNumber: '918278362878' }, 1, 2, 5, [entry(2), entry(3)]);
    expect(p).toEqual({
      result: [entry(2), entry(3)],
      pageSize: 2,
      total: 5,
      page: 1,
      numPages: 3,
      start: 2,
      end: 3,
      firstPageUri: '/campaignmanager/dnd/optout/search?sortBy=datecreated%3Adesc&phoneNumber=918278362878&pageSize=2&page=0',
      uri: '/campaignmanager/dnd/optout/search?sortBy=datecreated%3Adesc&phoneNumber=918278362878&pageSize=2&page=1',
    });
  });

  it('keeps start and end within the page, and end = start when it is empty', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 500 }), (page, pageSize, total) => {
        const onPage = Math.max(0, Math.min(pageSize, total - page * pageSize));
        const p = entriesPage(
          '/x',
          {},
          page,
          pageSize,
          total,
          Array.from({ length: onPage }, (_, i) => entry(i)),
        );
        expect(p.numPages).toBe(Math.ceil(total / pageSize));
        expect(p.start).toBe(page * pageSize);
        expect(p.end - p.start).toBe(Math.max(0, onPage - 1));
      }),
    );
  });
});
