import { TOPIC, message, type ConsentChange } from '@clarion/contracts';
import { wireValue } from '@clarion/platform';
import { foldChanges, parseConsentRecord } from './opt-outs';

/** A record as dnd-svc's outbox relay writes it to the public topic (the data flattened). */
const change = (c: Partial<ConsentChange>): string =>
  wireValue(
    TOPIC.consentChanges,
    message('ConsentChanged', {
      enterpriseSid: 'EN1',
      phoneNumber: '+12122000001',
      consent: 'opted-out',
      optInList: null,
      source: 'reply',
      campaignSid: null,
      uploadId: null,
      text: 'STOP',
      at: '2026-01-01T00:00:00.000Z',
      ...c,
    } as ConsentChange),
  );

describe('opt-out list from consent changes', () => {
  it('reads opt-out list changes, ignores opt-in list changes, and refuses what can never be read', () => {
    expect(parseConsentRecord(change({}))).toEqual({ kind: 'change', enterpriseSid: 'EN1', msisdn: '+12122000001', optedOut: true });
    expect(parseConsentRecord(change({ consent: 'opted-in' }))).toMatchObject({ kind: 'change', optedOut: false });
    expect(parseConsentRecord(change({ optInList: 'vip', consent: 'opted-in' }))).toEqual({ kind: 'ignored' });
    expect(parseConsentRecord('{not json')).toMatchObject({ kind: 'poison' });
    expect(parseConsentRecord(null)).toMatchObject({ kind: 'poison' });
    expect(parseConsentRecord(change({ consent: 'maybe' as never }))).toMatchObject({ kind: 'poison' });
  });

  it('lets the last change of a number in a batch win, per enterprise', () => {
    const c = (enterpriseSid: string, msisdn: string, optedOut: boolean) => ({ enterpriseSid, msisdn, optedOut });
    const delta = foldChanges([c('EN1', '+1', true), c('EN1', '+1', false), c('EN1', '+2', false), c('EN1', '+2', true), c('EN2', '+1', true)]);
    expect(delta.add).toEqual([
      { enterpriseSid: 'EN1', msisdn: '+2' },
      { enterpriseSid: 'EN2', msisdn: '+1' },
    ]);
    expect(delta.remove).toEqual([{ enterpriseSid: 'EN1', msisdn: '+1' }]);
  });
});
