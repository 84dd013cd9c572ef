import { parseRecipientStatusFilter } from './list-recipients.request';
import { exportFileName } from '../export-recipients/export-recipients.request';

describe('the recipients status filter', () => {
  it('is absent when not given', () => {
    expect(parseRecipientStatusFilter(undefined)).toEqual({ ok: true, value: null });
    expect(parseRecipientStatusFilter('')).toEqual({ ok: true, value: null });
  });

  it('takes every status in any case and spelling of opted-out', () => {
    for (const s of ['queued', 'sent', 'delivered', 'undelivered', 'failed', 'opted-out', 'expired', 'unknown']) expect(parseRecipientStatusFilter(s)).toEqual({ ok: true, value: s });
    for (const s of ['Delivered', ' FAILED ', 'Opted_Out', 'opted out', 'OptedOut']) expect(parseRecipientStatusFilter(s).ok).toBe(true);
    expect(parseRecipientStatusFilter('OptedOut')).toEqual({ ok: true, value: 'opted-out' });
  });

  it('answers 4001 for anything else', () => {
    for (const s of ['cancelled', 'deliver', 'sent,delivered', ['sent']]) {
      const r = parseRecipientStatusFilter(s);
      expect(r.ok).toBe(false);
      if (!r.ok) expect([r.error.code, r.error.status]).toEqual([4001, 400]);
    }
  });

  it('names the export file after the campaign and the filter', () => {
    expect(exportFileName('CP1', null)).toBe('CP1-recipients.csv');
    expect(exportFileName('CP1', 'failed')).toBe('CP1-recipients-failed.csv');
  });
});
