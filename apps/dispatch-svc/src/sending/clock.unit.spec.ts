import { clockFromEnv, clockStartingAt, systemClock } from './clock';

describe('dispatch clock', () => {
  it('starts at the given instant and runs at real speed', () => {
    let real = 1_000;
    const clock = clockStartingAt(Date.parse('2026-12-02T07:59:50Z'), () => real);
    expect(new Date(clock.nowMs()).toISOString()).toBe('2026-12-02T07:59:50.000Z');
    real += 10_000;
    expect(new Date(clock.nowMs()).toISOString()).toBe('2026-12-02T08:00:00.000Z');
  });
  it('is the system clock when DISPATCH_CLOCK_START is unset, and refuses a value it cannot read', () => {
    expect(clockFromEnv({})).toBe(systemClock);
    expect(Math.abs(clockFromEnv({ DISPATCH_CLOCK_START: '2030-01-01T00:00:00Z' }).nowMs() - Date.parse('2030-01-01T00:00:00Z'))).toBeLessThan(1_000);
    expect(() => clockFromEnv({ DISPATCH_CLOCK_START: 'tomorrow' })).toThrow(/ISO-8601/);
  });
});
