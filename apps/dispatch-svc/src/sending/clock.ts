/**
 * The "now" dispatch-svc reads for quiet hours. A test or an operator can start it at a given
 * instant (DISPATCH_CLOCK_START=ISO-8601), from which it runs at real speed, so a campaign can be
 * sent as if it were, say, a few seconds before 08:00 in London. Unset, it is the system clock.
 * Only quiet hours read it: leases, claims and the rate cap keep the database's and the system's
 * clocks, which must agree between instances.
 */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock reading `startMs` at the moment it is made, then advancing with `realNow`. */
export function clockStartingAt(startMs: number, realNow: () => number = Date.now): Clock {
  const skewMs = startMs - realNow();
  return { nowMs: () => realNow() + skewMs };
}

/** The clock DISPATCH_CLOCK_START describes; an unreadable value stops the service at start. */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const start = env.DISPATCH_CLOCK_START;
  if (start === undefined || start === '') return systemClock;
  const ms = Date.parse(start);
  if (!Number.isFinite(ms)) throw new Error(`DISPATCH_CLOCK_START must be an ISO-8601 instant, not ${start}`);
  return clockStartingAt(ms);
}
