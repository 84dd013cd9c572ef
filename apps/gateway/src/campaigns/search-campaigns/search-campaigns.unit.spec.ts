import { parseSearchCampaigns } from './search-campaigns.request';

const EN = 'EN' + 'e'.repeat(32);
const parse = (q: Record<string, string>) => parseSearchCampaigns(q, EN);
const code = (q: Record<string, string>) => {
  const r = parse(q);
  return r.ok ? null : r.error.code;
};

describe('search campaigns request', () => {
  it('defaults to page 0 of 10, sorted by startTime ascending, no filters, within the caller’s enterprise', () => {
    expect(parse({})).toEqual({
      ok: true,
      value: { enterpriseSid: EN, page: 0, pageSize: 10, name: null, status: null, channel: null, createdFrom: null, createdTo: null, sortBy: 'startTime', sortDirection: 'asc' },
    });
  });

  it('takes every filter and sort of the seed, leniently where the seed is', () => {
    const r = parse({ page: '2', pageSize: '5', name: ' sale ', status: 'Canceled', channel: 'SMS', startTime: '2018-10-05', endTime: '2018-10-06T02:10:03+0530', SortBy: 'name:desc' });
    expect(r).toEqual({
      ok: true,
      value: {
        enterpriseSid: EN,
        page: 2,
        pageSize: 5,
        name: 'sale',
        status: 'cancelled',
        channel: 'sms',
        createdFrom: '2018-10-05T00:00:00.000Z',
        createdTo: '2018-10-05T20:40:03.000Z',
        sortBy: 'name',
        sortDirection: 'desc',
      },
    });
    expect(parse({ sortBy: 'status' })).toMatchObject({ ok: true, value: { sortBy: 'status', sortDirection: 'asc' } });
    expect(parse({ SortBy: 'startTime:DESC' })).toMatchObject({ ok: true, value: { sortBy: 'startTime', sortDirection: 'desc' } });
  });

  it('refuses what it cannot take with the seed’s codes', () => {
    expect(code({ status: 'sleeping' })).toBe(483);
    expect(code({ channel: 'fax' })).toBe(4001);
    expect(code({ startTime: '05/10/2018' })).toBe(498);
    expect(code({ endTime: '2021-02-30' })).toBe(498);
    expect(code({ SortBy: 'body:asc' })).toBe(4001);
    expect(code({ SortBy: 'name:sideways' })).toBe(4001);
    expect(code({ page: '-1' })).toBe(4001);
    expect(code({ pageSize: '0' })).toBe(4001);
    expect(code({ name: 'x'.repeat(201) })).toBe(4001);
  });
});
