import { carrierOf, type CarrierReport } from './carrier-status';

const now = Date.parse('2026-12-01T12:00:00Z');
const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
const report = (state: CarrierReport['state'], sinceAgo: number, reportedAgo = 1, detail?: string): CarrierReport => ({
  carrier: 'smpp',
  state,
  since: at(sinceAgo),
  reportedAt: at(reportedAgo),
  ...(detail ? { detail } : {}),
});

describe('carrierOf', () => {
  it('is absent without a fresh report', () => {
    expect(carrierOf([], now, 90_000)).toBeUndefined();
    expect(carrierOf([report('unreachable', 500, 100)], now, 90_000)).toBeUndefined();
  });

  it('says connected when any instance is bound, whatever the others say', () => {
    expect(carrierOf([report('unreachable', 50, 1, 'ECONNREFUSED'), report('connected', 30), report('connected', 40)], now, 90_000)).toEqual({ name: 'smpp', state: 'connected', since: at(40) });
  });

  it('otherwise reports the worst trouble, since it began, with its detail', () => {
    expect(carrierOf([report('connecting', 5), report('unreachable', 20, 1, 'ECONNREFUSED'), report('unreachable', 60, 2, 'timeout')], now, 90_000)).toEqual({
      name: 'smpp',
      state: 'unreachable',
      since: at(60),
      detail: 'timeout',
    });
  });

  it('ignores a stale connected report from an instance that stopped', () => {
    expect(carrierOf([report('connected', 300, 200), report('unreachable', 20, 1, 'ECONNREFUSED')], now, 90_000)).toMatchObject({ state: 'unreachable' });
  });
});
