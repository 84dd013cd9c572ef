import { attributeReply, sendsFrom, type ReplyCandidate } from './inbound';

const at = (iso: string) => new Date(iso);
const c = (over: Partial<ReplyCandidate> & Pick<ReplyCandidate, 'campaignSid' | 'enterpriseSid'>): ReplyCandidate => ({
  fromNumbers: ['+447700900001'],
  fromPrefix: null,
  createdAt: at('2026-11-01T00:00:00Z'),
  messaged: false,
  ...over,
});

describe('sendsFrom', () => {
  it('matches a from number with or without its +, and an alphanumeric id only exactly', () => {
    expect(sendsFrom({ fromNumbers: ['+447700900001'], fromPrefix: null }, '+447700900001')).toBe(true);
    expect(sendsFrom({ fromNumbers: ['447700900001'], fromPrefix: null }, '+447700900001')).toBe(true);
    expect(sendsFrom({ fromNumbers: ['+447700900001'], fromPrefix: null }, '+447700900002')).toBe(false);
    expect(sendsFrom({ fromNumbers: ['ACME'], fromPrefix: null }, 'ACME')).toBe(true);
    expect(sendsFrom({ fromNumbers: ['ACME'], fromPrefix: null }, 'ACME2')).toBe(false);
  });
  it('matches a prefix padded to 12 digits, as fromNumberFor builds it', () => {
    expect(sendsFrom({ fromNumbers: [], fromPrefix: '+4477' }, '+447712345678')).toBe(true);
    expect(sendsFrom({ fromNumbers: [], fromPrefix: '+4477' }, '+447812345678')).toBe(false);
    expect(sendsFrom({ fromNumbers: [], fromPrefix: '+4477' }, '+4477123')).toBe(false);
    expect(sendsFrom({ fromNumbers: [], fromPrefix: null }, '+447812345678')).toBe(true);
  });
});

describe('attributeReply', () => {
  it('gives a reply to the one enterprise sending from that address, with its latest campaign', () => {
    const r = attributeReply('+447700900001', [
      c({ campaignSid: 'CP1', enterpriseSid: 'EN1', createdAt: at('2026-11-01T00:00:00Z') }),
      c({ campaignSid: 'CP2', enterpriseSid: 'EN1', createdAt: at('2026-11-05T00:00:00Z') }),
      c({ campaignSid: 'CP3', enterpriseSid: 'EN2', fromNumbers: ['+447700900009'] }),
    ]);
    expect(r).toEqual([{ enterpriseSid: 'EN1', campaignSid: 'CP2' }]);
  });

  it('on a shared address, gives it only to the enterprises whose campaign messaged the number', () => {
    const r = attributeReply('+447700900001', [
      c({ campaignSid: 'CP1', enterpriseSid: 'EN1', messaged: true, createdAt: at('2026-11-01T00:00:00Z') }),
      c({ campaignSid: 'CP2', enterpriseSid: 'EN1', messaged: false, createdAt: at('2026-11-09T00:00:00Z') }),
      c({ campaignSid: 'CP3', enterpriseSid: 'EN2', messaged: false }),
      c({ campaignSid: 'CP4', enterpriseSid: 'EN3', messaged: true }),
    ]);
    expect(r).toEqual([
      { enterpriseSid: 'EN1', campaignSid: 'CP1' },
      { enterpriseSid: 'EN3', campaignSid: 'CP4' },
    ]);
  });

  it('counts a campaign whose sends are pruned as one that may have messaged the number', () => {
    const r = attributeReply('+447700900001', [
      c({ campaignSid: 'CP1', enterpriseSid: 'EN1', messaged: null }),
      c({ campaignSid: 'CP2', enterpriseSid: 'EN2', messaged: false }),
      c({ campaignSid: 'CP3', enterpriseSid: 'EN3', messaged: null }),
    ]);
    expect(r.map((a) => a.enterpriseSid)).toEqual(['EN1', 'EN3']);
  });

  it('on a shared address none can be shown to have used, gives it to all of them (the safe side)', () => {
    const r = attributeReply('+447700900001', [c({ campaignSid: 'CP1', enterpriseSid: 'EN1' }), c({ campaignSid: 'CP2', enterpriseSid: 'EN2' })]);
    expect(r.map((a) => a.enterpriseSid)).toEqual(['EN1', 'EN2']);
  });

  it('attributes nothing when no campaign sends from that address', () => {
    expect(attributeReply('+447700900005', [c({ campaignSid: 'CP1', enterpriseSid: 'EN1' })])).toEqual([]);
    expect(attributeReply('+447700900005', [])).toEqual([]);
  });
});
