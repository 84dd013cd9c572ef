import fc from 'fast-check';
import { LIMITS } from '@clarion/contracts';
import { parseSearchCredits } from './search-credits.request';
import { parseCreditSid } from '../get-credit/get-credit.request';

const code = (q: Record<string, string>) => {
  const r = parseSearchCredits(q);
  return r.ok ? 200 : [r.error.status, r.error.code];
};

describe('Get List of Credits query', () => {
  it('defaults to page 0 of 10, any type, no time bounds, oldest first', () => {
    expect(parseSearchCredits({})).toEqual({ ok: true, value: { page: 0, pageSize: 10, type: null, startTime: null, endTime: null, sortDirection: 'asc' } });
  });

  it('takes type credit or debit in any case, and refuses anything else with 4001', () => {
    expect(parseSearchCredits({ type: 'DEBIT' })).toMatchObject({ ok: true, value: { type: 'debit' } });
    expect(parseSearchCredits({ type: 'credit' })).toMatchObject({ ok: true, value: { type: 'credit' } });
    expect(parseSearchCredits({ type: '' })).toMatchObject({ ok: true, value: { type: null } });
    expect(code({ type: 'refund' })).toEqual([400, 4001]);
  });

  it("reads startTime and endTime in the seed's forms, as UTC unless an offset is given", () => {
    const r = parseSearchCredits({ startTime: '2018-10-05', endTime: '2018-10-06T02:10:03' });
    expect(r).toMatchObject({ ok: true, value: { startTime: '2018-10-05T00:00:00.000Z', endTime: '2018-10-06T02:10:03.000Z' } });
    expect(parseSearchCredits({ startTime: '2021-03-18T12:20:46+0530' })).toMatchObject({ ok: true, value: { startTime: '2021-03-18T06:50:46.000Z' } });
  });

  it('answers 498 for a date in any other form', () => {
    for (const bad of ['05/10/2018', '2021-02-30', 'yesterday', '2018-10-05T25:00:00']) {
      expect(code({ startTime: bad })).toEqual([400, 498]);
      expect(code({ endTime: bad })).toEqual([400, 498]);
    }
  });

  it('sorts by dateCreated either way, under SortBy or sortBy; another attribute or direction is 4001', () => {
    expect(parseSearchCredits({ SortBy: 'dateCreated:desc' })).toMatchObject({ ok: true, value: { sortDirection: 'desc' } });
    expect(parseSearchCredits({ sortBy: 'dateCreated:desc' })).toMatchObject({ ok: true, value: { sortDirection: 'desc' } });
    expect(parseSearchCredits({ SortBy: 'dateCreated' })).toMatchObject({ ok: true, value: { sortDirection: 'asc' } });
    expect(parseSearchCredits({ SortBy: 'dateCreated:ASC' })).toMatchObject({ ok: true, value: { sortDirection: 'asc' } });
    expect(code({ SortBy: 'credit:asc' })).toEqual([400, 4001]);
    expect(code({ SortBy: 'dateCreated:sideways' })).toEqual([400, 4001]);
  });

  it('bounds paging: a page from 0, a pageSize from 1 to the limit', () => {
    expect(parseSearchCredits({ page: '3', pageSize: '2' })).toMatchObject({ ok: true, value: { page: 3, pageSize: 2 } });
    for (const q of [{ page: '-1' }, { page: 'x' }, { pageSize: '0' }, { pageSize: String(LIMITS.pageSizeMax + 1) }, { pageSize: '2.5' }]) expect(code(q)).toEqual([400, 4001]);
  });

  it('never throws, whatever the query', () => {
    const value = fc.oneof(fc.string(), fc.constantFrom('credit', 'debit', '2018-10-05', 'dateCreated:desc', '0', '10'));
    fc.assert(
      fc.property(fc.record({ page: value, pageSize: value, type: value, startTime: value, endTime: value, SortBy: value }, { requiredKeys: [] }), (q) => {
        const r = parseSearchCredits(q);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});

describe('Get Single Credit sid', () => {
  it('takes an ENC sid and answers 472 for anything else', () => {
    expect(parseCreditSid('ENCee320039e3e647eaa7df7cef5e3d6b55')).toEqual({ ok: true, value: 'ENCee320039e3e647eaa7df7cef5e3d6b55' });
    for (const bad of ['EN6c9dfebda23b403a959a99112437e785', 'ENC123', 'CP' + 'a'.repeat(32), '']) {
      const r = parseCreditSid(bad);
      expect(r.ok ? null : [r.error.status, r.error.code]).toEqual([409, 472]);
    }
  });
});
