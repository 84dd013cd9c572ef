import fc from 'fast-check';
import { dispatchCounts, sameCounts, stateDeltas } from './state-counts';

const A = 'CP' + 'a'.repeat(32);
const B = 'CP' + 'b'.repeat(32);

describe('state counts', () => {
  it('given answers to submits, then each final state gains its sends (sending and queued are not counted)', () => {
    const rows = [
      { campaign_sid: A, state: 'sent' },
      { campaign_sid: A, state: 'sent' },
      { campaign_sid: A, state: 'failed' },
      { campaign_sid: A, state: 'sending' },
    ];
    expect(stateDeltas('sending', rows)).toEqual([
      { campaignSid: A, state: 'failed', delta: 1 },
      { campaignSid: A, state: 'sent', delta: 2 },
    ]);
  });

  it('given receipts, then a delivered message moves out of sent (never counted twice), and a receipt that leaves it sent changes nothing', () => {
    const rows = [
      { campaign_sid: B, state: 'delivered' },
      { campaign_sid: A, state: 'undelivered' },
      { campaign_sid: A, state: 'delivered' },
      { campaign_sid: A, state: 'sent' },
    ];
    // Sorted by campaign and state, so concurrent transactions lock the counter rows in one order.
    expect(stateDeltas('sent', rows)).toEqual([
      { campaignSid: A, state: 'delivered', delta: 1 },
      { campaignSid: A, state: 'sent', delta: -2 },
      { campaignSid: A, state: 'undelivered', delta: 1 },
      { campaignSid: B, state: 'delivered', delta: 1 },
      { campaignSid: B, state: 'sent', delta: -1 },
    ]);
  });

  it('given queued sends that expire, then expired gains them', () => {
    expect(stateDeltas('queued', [{ campaign_sid: A, state: 'expired' }])).toEqual([{ campaignSid: A, state: 'expired', delta: 1 }]);
  });

  it('derives queued from the accepted count and never below zero', () => {
    // 'opted-out' here is a send skipped at send time: it was accepted, so it is no longer queued.
    expect(dispatchCounts(10, { sent: 3, delivered: 4, 'opted-out': 2 })).toEqual({ queued: 1, sent: 3, delivered: 4, undelivered: 0, failed: 0, expired: 0, unknown: 0, 'opted-out': 2 });
    expect(dispatchCounts(1, { sent: 3 }).queued).toBe(0);
    expect(sameCounts(null, dispatchCounts(1, {}))).toBe(false);
    expect(sameCounts(dispatchCounts(2, { sent: 1 }), dispatchCounts(2, { sent: 1 }))).toBe(true);
  });

  it('keeps the sum of the counts equal to the accepted count through any sequence of moves (property)', () => {
    const FINAL = ['sent', 'failed', 'unknown'];
    const RECEIPT = ['delivered', 'undelivered', 'expired', 'unknown', 'sent'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...FINAL), fc.constantFrom(...RECEIPT)), { minLength: 1, maxLength: 60 }), (moves) => {
        const accepted = moves.length;
        const actual = new Map<number, string>();
        const counters: Record<string, number> = {};
        const apply = (from: string, rows: { campaign_sid: string; state: string }[]) => {
          for (const d of stateDeltas(from, rows)) counters[d.state] = (counters[d.state] ?? 0) + d.delta;
        };
        moves.forEach(([answer], i) => {
          actual.set(i, answer);
          apply('sending', [{ campaign_sid: A, state: answer }]);
        });
        moves.forEach(([, receipt], i) => {
          if (actual.get(i) !== 'sent') return;
          actual.set(i, receipt);
          apply('sent', [{ campaign_sid: A, state: receipt }]);
        });
        const scanned: Record<string, number> = {};
        for (const s of actual.values()) scanned[s] = (scanned[s] ?? 0) + 1;
        expect(dispatchCounts(accepted, counters)).toEqual(dispatchCounts(accepted, scanned));
        const c = dispatchCounts(accepted, counters);
        expect(Object.values(c).reduce((a, b) => a + b, 0)).toBe(accepted);
      }),
    );
  });
});
