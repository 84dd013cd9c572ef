import fc from 'fast-check';
import { TOPIC, message } from '@clarion/contracts';
import { REPORT_STATUSES, latestState, statusRank, type ReportStatus } from './recipient-status';
import { parseReportRecord, type ReportRow } from './report-records';
import { campaignFactsOf, csvCopySql, latestStatesSql } from './report.store';

const CP = 'CP' + 'a'.repeat(32);
const CP2 = 'CP' + 'b'.repeat(32);
const EN = 'EN' + 'c'.repeat(32);
const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();

describe('status precedence', () => {
  it('puts queued below sent and sent below every other final state', () => {
    expect(statusRank('queued')).toBeLessThan(statusRank('sent'));
    for (const s of ['delivered', 'undelivered', 'failed', 'opted-out', 'expired', 'unknown'] as const) expect(statusRank(s)).toBeGreaterThan(statusRank('sent'));
  });

  it('shows the receipt, not the sent, whichever arrived first', () => {
    expect(
      latestState([
        { status: 'delivered', occurredAt: at(5) },
        { status: 'sent', occurredAt: at(9) },
      ])?.status,
    ).toBe('delivered');
    expect(
      latestState([
        { status: 'queued', occurredAt: at(9) },
        { status: 'sent', occurredAt: at(1) },
      ])?.status,
    ).toBe('sent');
    expect(
      latestState([
        { status: 'unknown', occurredAt: at(1) },
        { status: 'delivered', occurredAt: at(2) },
      ])?.status,
    ).toBe('delivered');
    expect(latestState([])).toBeNull();
  });

  it('does not depend on the order records arrive in, nor on repeats', () => {
    const state = fc.record({ status: fc.constantFrom(...REPORT_STATUSES), occurredAt: fc.integer({ min: 0, max: 50 }).map(at) });
    const statesAndReordering = fc
      .array(state, { minLength: 1, maxLength: 12 })
      .chain((states) => fc.tuple(fc.constant(states), fc.shuffledSubarray([...states, ...states.slice(0, 3)], { minLength: states.length + Math.min(3, states.length) })));
    fc.assert(
      fc.property(statesAndReordering, ([states, reordered]) => {
        const a = latestState(states)!;
        const b = latestState(reordered)!;
        expect(statusRank(b.status)).toBe(statusRank(a.status));
        expect(b.occurredAt).toBe(a.occurredAt);
        // Nothing recorded outranks what is shown.
        for (const s of states) expect(statusRank(s.status) * 1e15 + Date.parse(s.occurredAt)).toBeLessThanOrEqual(statusRank(a.status) * 1e15 + Date.parse(a.occurredAt));
      }),
    );
  });
});

describe('parseReportRecord', () => {
  const filtered = (data: object, options = {}) => JSON.stringify(message('RecipientsFiltered', data, { occurredAt: new Date(at(3)), ...options }));

  it('makes accepted recipients queued and opted-out ones opted-out, at the event time', () => {
    const p = parseReportRecord(TOPIC.dndEvents, Buffer.from(filtered({ campaignSid: CP, enterpriseSid: EN, batchNo: 0, accepted: ['+12122000001', '+919960639903'], optedOut: ['+12122000002'] })));
    expect(p).toEqual({
      kind: 'rows',
      rows: [
        { campaignSid: CP, enterpriseSid: EN, msisdn: '12122000001', status: 'queued', rank: 0, occurredAt: at(3), errorCode: null, carrierMessageId: null },
        { campaignSid: CP, enterpriseSid: EN, msisdn: '919960639903', status: 'queued', rank: 0, occurredAt: at(3), errorCode: null, carrierMessageId: null },
        { campaignSid: CP, enterpriseSid: EN, msisdn: '12122000002', status: 'opted-out', rank: 2, occurredAt: at(3), errorCode: null, carrierMessageId: null },
      ],
    });
  });

  it('reads a public delivery record (fields at the top level)', () => {
    const wire = JSON.stringify({
      campaignSid: CP,
      enterpriseSid: EN,
      to: '+12122000001',
      status: 'undelivered',
      carrierMessageId: 'm-1',
      errorCode: '013',
      occurredAt: '2025-01-01T00:00:07.123Z',
      type: 'RecipientOutcomeRecorded',
      metadata: { messageId: 'x.0' },
    });
    expect(parseReportRecord(TOPIC.campaignDeliveries, Buffer.from(wire))).toEqual({
      kind: 'rows',
      rows: [{ campaignSid: CP, enterpriseSid: EN, msisdn: '12122000001', status: 'undelivered', rank: 2, occurredAt: '2025-01-01T00:00:07.123Z', errorCode: '013', carrierMessageId: 'm-1' }],
    });
    const noOwner = JSON.stringify({
      campaignSid: CP,
      enterpriseSid: '',
      to: '+12122000001',
      status: 'sent',
      carrierMessageId: null,
      errorCode: null,
      occurredAt: at(1),
      type: 'RecipientOutcomeRecorded',
    });
    expect(parseReportRecord(TOPIC.campaignDeliveries, noOwner)).toMatchObject({ kind: 'rows', rows: [{ enterpriseSid: '', status: 'sent', rank: 1 }] });
  });

  it('learns whose a campaign is from its status records, and when it ended', () => {
    const rec = (status: string) => JSON.stringify({ campaignSid: CP, enterpriseSid: EN, status, previousStatus: null, occurredAt: at(4), type: 'CampaignStatusChanged' });
    expect(parseReportRecord(TOPIC.campaignStatus, rec('initiating'))).toEqual({ kind: 'campaign', campaign: { campaignSid: CP, enterpriseSid: EN, endedAt: null } });
    for (const s of ['completed', 'cancelled', 'failed'])
      expect(parseReportRecord(TOPIC.campaignStatus, rec(s))).toEqual({ kind: 'campaign', campaign: { campaignSid: CP, enterpriseSid: EN, endedAt: at(4) } });
  });

  it("ignores the topics' other message types", () => {
    expect(parseReportRecord(TOPIC.dndEvents, JSON.stringify(message('OptOutsAdded', { enterpriseSid: EN })))).toEqual({ kind: 'ignored' });
    expect(parseReportRecord(TOPIC.campaignDeliveries, JSON.stringify({ type: 'Something', campaignSid: CP }))).toEqual({ kind: 'ignored' });
  });

  it('calls poison what breaks the contract', () => {
    const cases: [string, string | null][] = [
      [TOPIC.dndEvents, 'not json'],
      [TOPIC.dndEvents, null],
      [TOPIC.dndEvents, '[1]'],
      [TOPIC.dndEvents, filtered({ campaignSid: 'nope', enterpriseSid: EN, accepted: [], optedOut: [] })],
      [TOPIC.dndEvents, filtered({ campaignSid: CP, enterpriseSid: EN, accepted: ['12122000001'], optedOut: [] })],
      [TOPIC.dndEvents, filtered({ campaignSid: CP, enterpriseSid: EN, accepted: [1], optedOut: [] })],
      [TOPIC.dndEvents, filtered({ campaignSid: CP, enterpriseSid: EN, accepted: [], optedOut: [] }, { schemaVersion: 2 })],
      [TOPIC.campaignDeliveries, JSON.stringify({ type: 'RecipientOutcomeRecorded', campaignSid: CP, enterpriseSid: EN, to: '+12122000001', status: 'queued', occurredAt: at(1) })],
      [TOPIC.campaignDeliveries, JSON.stringify({ type: 'RecipientOutcomeRecorded', campaignSid: CP, enterpriseSid: EN, to: '+12122000001', status: 'sent', occurredAt: 'yesterday' })],
      [
        TOPIC.campaignDeliveries,
        JSON.stringify({ type: 'RecipientOutcomeRecorded', campaignSid: CP, enterpriseSid: EN, to: '+12122000001', status: 'sent', occurredAt: at(1), carrierMessageId: 'x'.repeat(300) }),
      ],
      [TOPIC.campaignDeliveries, JSON.stringify({ type: 'RecipientOutcomeRecorded', campaignSid: CP, enterpriseSid: 7, to: '+12122000001', status: 'sent', occurredAt: at(1) })],
      [TOPIC.campaignStatus, JSON.stringify({ type: 'CampaignStatusChanged', campaignSid: CP, status: 'completed', occurredAt: at(1) })],
    ];
    for (const [topic, value] of cases) expect(parseReportRecord(topic, value)).toMatchObject({ kind: 'poison', reason: expect.any(String) });
  });
});

describe('campaignFactsOf', () => {
  const row = (campaignSid: string, enterpriseSid: string): ReportRow => ({
    campaignSid,
    enterpriseSid,
    msisdn: '12122000001',
    status: 'sent',
    rank: 1,
    occurredAt: at(1),
    errorCode: null,
    carrierMessageId: null,
  });

  it('gives one entry per campaign in sid order, with the enterprise a record named and the latest end', () => {
    expect(
      campaignFactsOf(
        [row(CP2, ''), row(CP, ''), row(CP, EN), row(CP2, '')],
        [
          { campaignSid: CP2, enterpriseSid: EN, endedAt: at(2) },
          { campaignSid: CP2, enterpriseSid: EN, endedAt: at(5) },
        ],
      ),
    ).toEqual([
      { campaignSid: CP, enterpriseSid: EN, endedAt: null },
      { campaignSid: CP2, enterpriseSid: EN, endedAt: at(5) },
    ]);
    expect(campaignFactsOf([], [])).toEqual([]);
  });
});

describe('latestStatesSql', () => {
  it('writes only a numeric id and a known status into the statement', () => {
    expect(latestStatesSql('42', 'delivered', 'msisdn')).toContain("WHERE status = 'delivered'");
    expect(latestStatesSql('42', null, 'msisdn')).not.toContain('WHERE status');
    expect(() => latestStatesSql('1; DROP TABLE x', null, 'msisdn')).toThrow();
    expect(() => latestStatesSql('42', "x' OR '1'='1" as ReportStatus, 'msisdn')).toThrow();
    expect(csvCopySql('7', null)).toMatch(/^COPY \(SELECT .* TO STDOUT WITH \(FORMAT csv, HEADER true\)$/s);
  });
});
