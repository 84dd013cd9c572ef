import { decideHealth, newWindow, readPauseSettings, type PauseSettings } from './health';

const settings: PauseSettings = { window: 10, failureRate: 0.3, stopRate: 0.2 };
const answered = (failed: number, ok: number) => ({ type: 'answered' as const, failed, ok });

describe('auto-pause health decider', () => {
  it('pauses once the failures among the last N reach the rate × N, not before', () => {
    const w = newWindow(settings);
    expect(decideHealth(w, answered(2, 5), settings)).toEqual({ pause: false });
    expect(decideHealth(w, answered(1, 0), settings)).toEqual({ pause: true, reason: 'failure-rate', detail: '3 of the last 10 submits failed' });
    // Decided once: what comes after (answers in flight) does not pause it again.
    expect(decideHealth(w, answered(5, 0), settings)).toEqual({ pause: false });
  });

  it('forgets answers that left the window: failures spread thinner than the rate never pause', () => {
    const w = newWindow(settings);
    for (let i = 0; i < 100; i++) expect(decideHealth(w, answered(i % 5 === 0 ? 1 : 0, i % 5 === 0 ? 0 : 1), settings).pause).toBe(false);
    expect(w.failedTotal).toBe(2);
    expect(w.count).toBe(10);
  });

  it('pauses on STOP replies against the last N sent; STOPs leave the window with the answers of their time', () => {
    const w = newWindow(settings);
    decideHealth(w, answered(0, 5), settings);
    expect(decideHealth(w, { type: 'stop-replied' }, settings).pause).toBe(false);
    // Ten more answers push the STOP's answer out of the window: the count starts over.
    decideHealth(w, answered(0, 10), settings);
    expect(w.stopsTotal).toBe(0);
    expect(decideHealth(w, { type: 'stop-replied' }, settings).pause).toBe(false);
    expect(decideHealth(w, { type: 'stop-replied' }, settings)).toEqual({ pause: true, reason: 'stop-rate', detail: '2 STOP replies to the last 10 messages sent' });
  });

  it('a rate of 0 disables its check, a window of 0 disables both', () => {
    const noFailure = { ...settings, failureRate: 0 };
    expect(decideHealth(newWindow(noFailure), answered(10, 0), noFailure).pause).toBe(false);
    const off = { ...settings, window: 0 };
    const w = newWindow(off);
    expect(decideHealth(w, answered(10, 0), off).pause).toBe(false);
    expect(decideHealth(w, { type: 'stop-replied' }, off).pause).toBe(false);
  });

  it('reads its settings with defaults, and refuses rates outside 0..1', () => {
    expect(readPauseSettings({})).toEqual({ window: 200, failureRate: 0.2, stopRate: 0.02 });
    expect(readPauseSettings({ DISPATCH_PAUSE_WINDOW: '0', DISPATCH_PAUSE_FAILURE_RATE: '0', DISPATCH_PAUSE_STOP_RATE: '0.5' })).toEqual({ window: 0, failureRate: 0, stopRate: 0.5 });
    expect(() => readPauseSettings({ DISPATCH_PAUSE_FAILURE_RATE: '2' })).toThrow(/DISPATCH_PAUSE_FAILURE_RATE/);
  });
});
