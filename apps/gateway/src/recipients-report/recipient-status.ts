import { RECIPIENT_FINAL_STATES, type RecipientFinalState } from '@clarion/contracts';

/** What the report shows for one recipient: accepted but not sent yet, or one of the final states. */
export const REPORT_STATUSES = ['queued', ...RECIPIENT_FINAL_STATES] as const;
export type ReportStatus = 'queued' | RecipientFinalState;

/**
 * Which of a recipient's recorded states the report shows: the one of the highest rank, and of
 * those the latest. 'queued' (accepted by dnd-svc) is overtaken by anything dispatch reports;
 * 'sent' is overtaken by its receipt (delivered, undelivered, expired, unknown), the only move
 * dispatch makes out of a final state. The others never follow one another for one recipient, so
 * time only breaks ties between repeats. The order of arrival plays no part: a record redelivered
 * late, or a dnd-svc event read after dispatch's outcomes, cannot turn a recipient back.
 */
export function statusRank(status: ReportStatus): number {
  switch (status) {
    case 'queued':
      return 0;
    case 'sent':
      return 1;
    case 'delivered':
    case 'undelivered':
    case 'failed':
    case 'opted-out':
    case 'expired':
    case 'unknown':
      return 2;
    default: {
      const never: never = status;
      throw new Error(`unknown recipient status ${String(never)}`);
    }
  }
}

export function isReportStatus(value: unknown): value is ReportStatus {
  return typeof value === 'string' && (REPORT_STATUSES as readonly string[]).includes(value);
}

/** A recorded state of one recipient, as the report keeps it. */
export interface RecipientState {
  status: ReportStatus;
  occurredAt: string;
}

/** The state the report shows among those recorded for one recipient (the rule of statusRank). */
export function latestState<T extends RecipientState>(states: readonly T[]): T | null {
  let best: T | null = null;
  for (const s of states) {
    if (!best) {
      best = s;
      continue;
    }
    const byRank = statusRank(s.status) - statusRank(best.status);
    if (byRank > 0 || (byRank === 0 && Date.parse(s.occurredAt) > Date.parse(best.occurredAt))) best = s;
  }
  return best;
}
