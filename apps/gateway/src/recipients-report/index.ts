import { intFromEnv, waitFor, type Platform } from '@clarion/platform';
import { RecipientsReportConsumer } from './report.consumer';
import { ReportRetention } from './report.retention';

export { RecipientsReportTables1 } from './report.migrations';

export interface RunningReport {
  stop(): Promise<void>;
}

/**
 * Starts keeping the recipients report: its consumer (once the gateway's schema is migrated and it
 * serves; joining the group is waited for in the background, so a slow rejoin after a crash never
 * holds the API back) and its retention pass.
 */
export function startRecipientsReport(platform: Platform, env: NodeJS.ProcessEnv, onFatal?: (reason: string) => void): RunningReport {
  const consumer = new RecipientsReportConsumer(
    platform,
    { bugAttemptsMax: intFromEnv('CLARION_TRANSPORT_BUG_ATTEMPTS_MAX', 3, env), retryDelayMsMax: intFromEnv('CLARION_TRANSPORT_RETRY_DELAY_MS_MAX', 2000, env) },
    onFatal,
  );
  const retention = new ReportRetention(platform, { retentionDays: intFromEnv('CLARION_REPORT_RETENTION_DAYS', 30, env) });
  let stopped = false;
  const started = waitFor('the recipients report consumer', async () => {
    if (!stopped) await consumer.start();
  }).catch((err: Error) => {
    console.error(`[gateway] the recipients report consumer did not start: ${err.message}`);
    onFatal?.(err.message);
  });
  retention.start();
  return {
    stop: async () => {
      stopped = true;
      await started;
      await Promise.all([consumer.stop(), retention.stop()]);
    },
  };
}
