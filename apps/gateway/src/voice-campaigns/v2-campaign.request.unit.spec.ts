import fc from 'fast-check';
import { parseRetries, parseV2Create, parseV2List, parseV2Update } from './v2-campaign.request';

const now = new Date('2026-12-07T12:00:00Z');
const body = (over: Record<string, unknown> = {}) => ({ name: 'n', from: ['+14155550101'], caller_id: '+14155550100', url: 'https://example.com/flow', ...over });
const code = (r: { ok: boolean; error?: { code: number } }) => (r.ok ? 'ok' : r.error!.code);

describe('v2 create', () => {
  it('maps the seed’s fields onto a native voice create and the voice options', () => {
    const r = parseV2Create(
      body({
        from: '+14155550101, +14155550102',
        retries: { number_of_retries: 2, interval_mins: 5, mechanism: 'EXPONENTIAL' },
        on_status: ['busy'],
        schedule: { send_at: '2026-12-07T13:00:00+01:00', end_at: '2026-12-07T15:00:00Z' },
        call_status_callback: 'https://example.com/hook',
        custom_field: 'x',
      }),
      now,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        fields: { name: 'n', channel: 'voice', rcmlUrl: 'https://example.com/flow', startTime: '2026-12-07T12:00:00.000Z' },
        numbers: ['+14155550101', '+14155550102'],
        callerId: '+14155550100',
        options: {
          retries: { count: 2, intervalMins: 5, mechanism: 'exponential', onStatus: ['busy'] },
          endAt: '2026-12-07T15:00:00.000Z',
          webhooks: { statusCallback: null, callStatusCallback: 'https://example.com/hook', callScheduleCallback: null },
          customField: 'x',
          callDuplicateNumbers: false,
        },
      },
    });
  });

  it('answers each missing or wrong field with its code', () => {
    expect(code(parseV2Create(body({ name: '' }), now))).toBe(4000);
    expect(code(parseV2Create(body({ caller_id: undefined }), now))).toBe(4000);
    expect(code(parseV2Create(body({ url: undefined }), now))).toBe(4000);
    expect(code(parseV2Create(body({ url: 'javascript:alert(1)' }), now))).toBe(4001);
    expect(code(parseV2Create(body({ id: 'CP1' }), now))).toBe(4001);
    expect(code(parseV2Create(body({ schedule: { send_at: '2026-12-07T11:00:00Z' } }), now))).toBe(489);
    expect(code(parseV2Create(body({ schedule: { send_at: 'soon' } }), now))).toBe(498);
    expect(code(parseV2Create(body({ schedule: { end_at: '2026-12-07T12:00:00Z' } }), now))).toBe(4001);
    expect(code(parseV2Create(body({ announcement_sid: 'AN1', url: undefined }), now))).toBe('ok');
    expect(code(parseV2Create([], now))).toBe(4001);
    expect(code(parseV2Create(body({ call_duplicate_numbers: 'twice' }), now))).toBe(4001);
    expect(code(parseV2Create(body({ lists: ['LS1'] }), now))).toBe(4001);
  });

  it('keeps call_duplicate_numbers and every listing of a number for the campaign to call', () => {
    const r = parseV2Create(body({ from: '+14155550101,+14155550101', call_duplicate_numbers: 'true' }), now);
    expect(r).toMatchObject({ ok: true, value: { numbers: ['+14155550101', '+14155550101'], options: { callDuplicateNumbers: true } } });
  });

  it('takes retries of 0 to 3 with an interval, and on_status inside or beside them', () => {
    expect(parseRetries({ retries: { number_of_retries: 0 } })).toEqual({ ok: true, value: null });
    expect(code(parseRetries({ retries: { number_of_retries: 1 } }))).toBe(4000);
    expect(parseRetries({ retries: { number_of_retries: 1, interval_mins: 1, on_status: 'no-answer,busy' } })).toMatchObject({ ok: true, value: { onStatus: ['no-answer', 'busy'] } });
    expect(parseRetries({ retries: { number_of_retries: 1, interval_mins: 1 } })).toMatchObject({ ok: true, value: { mechanism: 'linear', onStatus: ['busy', 'no-answer', 'failed'] } });
    expect(code(parseRetries({ on_status: ['busy'] }))).toBe(4001);
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10 }), fc.integer({ min: -5, max: 2000 }), (n, interval) => {
        const r = parseRetries({ retries: { number_of_retries: n, interval_mins: interval } });
        const valid = n === 0 || (n >= 1 && n <= 3 && interval >= 1 && interval <= 1440);
        return r.ok === valid;
      }),
    );
  });
});

describe('v2 update and list', () => {
  it('takes an action, the callbacks and the settings, and refuses what the hold was made from', () => {
    expect(parseV2Update({ action: 'Pause' }, now)).toEqual({ ok: true, value: { action: 'pause', webhooks: null, edits: null } });
    expect(parseV2Update({ status_callback: null }, now)).toEqual({ ok: true, value: { action: null, webhooks: { statusCallback: null }, edits: null } });
    expect(parseV2Update({ name: 'x', schedule: { send_at: '2026-12-08T00:00:00Z', end_at: null }, custom_field: null }, now)).toEqual({
      ok: true,
      value: { action: null, webhooks: null, edits: { name: 'x', sendAt: new Date('2026-12-08T00:00:00Z'), endAt: null, customField: null } },
    });
    expect(code(parseV2Update({ action: 'stop' }, now))).toBe(4001);
    expect(code(parseV2Update({ from: ['+14155550101'] }, now))).toBe(4001);
    expect(code(parseV2Update({ schedule: { send_at: '2026-12-07T11:00:00Z' } }, now))).toBe(489);
    expect(code(parseV2Update({}, now))).toBe(4000);
  });

  it('pages by offset and limit ≤ 500, filters by a list of statuses, sorts by the seed’s fields', () => {
    expect(parseV2List({})).toEqual({ ok: true, value: { offset: 0, limit: 20, name: null, statuses: null, sortBy: 'dateCreated', sortDirection: 'asc' } });
    expect(parseV2List({ status: 'in-progress, created,canceled', sort_by: 'name:desc', offset: '7', limit: '500' })).toMatchObject({
      ok: true,
      value: { offset: 7, limit: 500, statuses: ['in-progress', 'initiating', 'cancelled'], sortBy: 'name', sortDirection: 'desc' },
    });
    expect(code(parseV2List({ limit: '501' }))).toBe(4001);
    expect(code(parseV2List({ offset: '-1' }))).toBe(4001);
    expect(code(parseV2List({ status: 'running' }))).toBe(4001);
    expect(code(parseV2List({ sort_by: 'date_created:up' }))).toBe(4001);
  });
});
