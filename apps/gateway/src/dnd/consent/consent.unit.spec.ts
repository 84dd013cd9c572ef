import { parseConsentRecord } from './consent.records';
import { csvField, parseExportRange } from './export-changes/export-changes.request';
import { parseGetHistory } from './get-history/get-history.request';

const wire = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    enterpriseSid: 'EN1',
    phoneNumber: '+447700900123',
    consent: 'opted-out',
    optInList: null,
    source: 'reply',
    campaignSid: 'CP1',
    uploadId: null,
    text: 'STOP',
    at: '2026-12-02T15:04:05.123Z',
    type: 'ConsentChanged',
    metadata: { messageId: 'm1.0' },
    ...over,
  });

describe('parseConsentRecord', () => {
  it('reads a public ConsentChanged (fields at the top level)', () => {
    expect(parseConsentRecord(wire())).toEqual({
      kind: 'row',
      row: {
        messageId: 'm1.0',
        enterpriseSid: 'EN1',
        phoneNumber: '+447700900123',
        consent: 'opted-out',
        optInList: null,
        source: 'reply',
        campaignSid: 'CP1',
        uploadId: null,
        text: 'STOP',
        at: '2026-12-02T15:04:05.123Z',
      },
    });
  });
  it('ignores other types and refuses records that break the contract', () => {
    expect(parseConsentRecord(wire({ type: 'Other' }))).toEqual({ kind: 'ignored' });
    expect(parseConsentRecord('{')).toMatchObject({ kind: 'poison' });
    expect(parseConsentRecord(wire({ phoneNumber: '0770' }))).toMatchObject({ kind: 'poison' });
    expect(parseConsentRecord(wire({ consent: 'maybe' }))).toMatchObject({ kind: 'poison' });
    expect(parseConsentRecord(wire({ at: 'yesterday' }))).toMatchObject({ kind: 'poison' });
    expect(parseConsentRecord(wire({ metadata: {} }))).toMatchObject({ kind: 'poison' });
  });
});

describe('consent requests', () => {
  it('answers 4001 for a number that is none, and 498 for a time in another form', () => {
    expect(parseGetHistory('not-a-number', {})).toMatchObject({ ok: false, error: { code: 4001 } });
    expect(parseGetHistory('+447700900123', { pageSize: '0' })).toMatchObject({ ok: false, error: { code: 4001 } });
    expect(parseGetHistory('12122000001', {})).toEqual({ ok: true, value: { msisdn: '+12122000001', page: 0, pageSize: 10 } });
    expect(parseExportRange({ startTime: '02/12/2026' })).toMatchObject({ ok: false, error: { code: 498 } });
    expect(parseExportRange({ startTime: '2026-12-01', endTime: '2026-12-02T10:00:00' })).toEqual({ ok: true, value: { startTime: '2026-12-01T00:00:00.000Z', endTime: '2026-12-02T10:00:00.000Z' } });
  });
  it('quotes CSV fields that need it and defuses spreadsheet formulas, but not a phone number', () => {
    expect(csvField('Stop, "now"')).toBe('"Stop, ""now"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+447700900123')).toBe('+447700900123');
    expect(csvField(null)).toBe('');
  });
});
