import type { Consumer, ConsumerConfig } from 'kafkajs';

/** Consumer restarts kafkajs may do on its own within RESTART_WINDOW_MS before the consumer is given up. */
export const RESTARTS_MAX = 10;
export const RESTART_WINDOW_MS = 5 * 60_000;
/**
 * How long a consumer that stopped may take to announce its restart. kafkajs's crash handler stops
 * the consumer (emitting STOP), disconnects from the cluster (a network round trip, longer while a
 * broker is away), asks restartOnFailure, and only then emits CRASH with its decision.
 */
export const STOP_GRACE_MS = 30_000;

/**
 * The retry settings of a consumer that kafkajs restarts after a crash, unless it crashed more than
 * RESTARTS_MAX times within RESTART_WINDOW_MS: a consumer that crashes again and again is stuck for
 * good, and the process exits so that its supervisor starts it afresh.
 */
export function restartingRetry(label: string, clock: () => number = Date.now): NonNullable<ConsumerConfig['retry']> {
  const restarts: number[] = [];
  return {
    retries: 10,
    initialRetryTime: 300,
    maxRetryTime: 10000,
    restartOnFailure: async (err: Error) => {
      const now = clock();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0] < now - RESTART_WINDOW_MS) restarts.shift();
      console.error(`[${label}] consumer crashed (${err.message}); restart ${restarts.length} of ${RESTARTS_MAX} in ${RESTART_WINDOW_MS / 60000} min`);
      return restarts.length <= RESTARTS_MAX;
    },
  };
}

/** The part of a kafkajs consumer the supervisor listens to. */
export type SupervisedConsumer = Pick<Consumer, 'on' | 'events'>;

/**
 * Turns a consumer's lifecycle events into one decision: is it gone for good? kafkajs emits STOP
 * both when it is told to stop and inside its own crash handling, before it says (CRASH, restart)
 * whether it restarts. A STOP therefore counts as fatal only when no restarting CRASH follows within
 * the grace; a CRASH that will not restart is fatal at once. Stops while the service is closing
 * are its own doing and never fatal.
 */
export function superviseConsumer(consumer: SupervisedConsumer, options: { closing: () => boolean; fatal: (reason: string) => void; graceMs?: number }): void {
  let pendingStop: NodeJS.Timeout | null = null;
  const clear = () => {
    if (pendingStop) clearTimeout(pendingStop);
    pendingStop = null;
  };
  consumer.on(consumer.events.STOP, () => {
    if (options.closing()) return;
    clear();
    pendingStop = setTimeout(() => {
      pendingStop = null;
      if (!options.closing()) options.fatal('consumer stopped and did not restart');
    }, options.graceMs ?? STOP_GRACE_MS);
    pendingStop.unref();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    clear();
    if (!payload.restart && !options.closing()) options.fatal(`consumer crashed and will not restart: ${payload.error?.message}`);
  });
}
