import { announcementPage, parseSearchFilters } from './search-announcements.request';

const mine = 'EN' + 'a'.repeat(32);

describe('search announcements request', () => {
  it('reads name, type and the creation-time bounds (UTC when no offset)', () => {
    expect(parseSearchFilters({ name: ' Sale ', type: 'Play', startTime: '2021-03-01', endTime: '2021-03-18T12:20:46+0530' }, mine)).toEqual({
      ok: true,
      value: { name: 'Sale', type: 'play', startTime: '2021-03-01T00:00:00.000Z', endTime: '2021-03-18T06:50:46.000Z', otherEnterprise: false },
    });
  });

  it('answers 498 for a malformed date and 4001 for an unknown type', () => {
    expect(parseSearchFilters({ startTime: '18/03/2021' }, mine)).toMatchObject({ ok: false, error: { code: 498 } });
    expect(parseSearchFilters({ type: 'sing' }, mine)).toMatchObject({ ok: false, error: { code: 4001 } });
  });

  it('marks a query for another enterprise, which sees nothing', () => {
    expect(parseSearchFilters({ enterpriseSid: 'EN' + 'b'.repeat(32) }, mine)).toMatchObject({ ok: true, value: { otherEnterprise: true } });
    expect(parseSearchFilters({ enterpriseSid: mine }, mine)).toMatchObject({ ok: true, value: { otherEnterprise: false } });
  });

  it('nests the seed’s paging fields in data, next to the page’s result', () => {
    const p = announcementPage('/campaignmanager/announcement/search', { sortBy: 'name:asc', pageSize: '2' }, 0, 2, 5, ['a', 'b']);
    expect(p).toEqual({
      result: ['a', 'b'],
      pageSize: 2,
      total: 5,
      page: 0,
      numPages: 3,
      start: 0,
      end: 1,
      firstPageUri: '/campaignmanager/announcement/search?sortBy=name%3Aasc&pageSize=2&page=0',
      previousPageUri: null,
      nextPageUri: '/campaignmanager/announcement/search?sortBy=name%3Aasc&pageSize=2&page=1',
      uri: '/campaignmanager/announcement/search?sortBy=name%3Aasc&pageSize=2&page=0',
    });
    const last = announcementPage('/x', {}, 2, 2, 5, ['e']);
    expect(last).toMatchObject({ start: 4, end: 4, nextPageUri: null, previousPageUri: '/x?pageSize=2&page=1' });
    expect(announcementPage('/x', {}, 0, 10, 0, [])).toMatchObject({ numPages: 0, start: 0, end: 0, nextPageUri: null });
  });
});
