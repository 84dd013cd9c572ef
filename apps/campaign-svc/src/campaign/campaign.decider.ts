import {
  DISPATCH_COUNT_STATES,
  Errors,
  type CampaignDefinition,
  type CampaignStatus,
  type CampaignView,
  type ClarionError,
  type DeferredSends,
  type DispatchCounts,
  type RecipientCounts,
  type RecipientFields,
  type VoiceWebhookUrls,
  type CampaignEdits,
} from '@clarion/contracts';
import { creditsOfBatch } from './pricing';

/**
 * The campaign aggregate as a pure decider: decide(command, state) → events or a business error,
 * evolve(state, event) → state. Time and ids arrive in the commands; nothing here does I/O.
 */

export interface Counts {
  received: number;
  unique: number;
  duplicates: number;
  invalid: number;
  optedOut: number;
  /** Not on the campaign's opt-in list (absent in snapshots from before it was counted apart from optedOut). */
  notOptedIn?: number;
  accepted: number;
}

interface Known {
  def: CampaignDefinition;
  createdAt: string;
  updatedAt: string;
  counts: Counts;
  batchesRecorded: number;
  batchesAwaitingFilter: number;
  /** Set once the gateway has sent every batch; the campaign cannot be priced before. */
  batchCount: number | null;
  reservationRequested: boolean;
  reserved: number;
  used: number;
  /** Batches recorded (with new numbers) and not yet filtered: what a filtering re-request asks again. */
  pendingFilter: number[];
  /** Re-requests of the current step by the watchdog since the last progress. */
  rerequests: number;
  /**
   * Credits the accepted recipients cost together: each one's own text's segments (personalised
   * bodies differ per recipient). Absent in snapshots from before it existed: accepted × creditsPerRecipient.
   */
  acceptedCredits?: number;
  /** Time spent paused so far: the run limit counts only time the campaign could send. */
  pausedMs?: number;
  /** dispatch-svc's latest count of the recipients per state, and when it was read; absent before the start. */
  dispatchCounts?: { counts: DispatchCounts; asOf: string; deferred?: DeferredSends | null };
}

/** Settings of the watchdog, passed in with its command so the decider stays pure. */
export interface WatchdogSettings {
  stepTimeoutMs: number;
  stepRetriesMax: number;
  runLimitMs: number;
}

export type CampaignState =
  | { status: 'absent' }
  | (Known & { status: 'initiating' })
  | (Known & { status: 'scheduled' })
  | (Known & { status: 'in-progress'; startedAt: string })
  /** Paused by dispatch's auto-pause (health.ts): nothing is claimed until resumed or cancelled. */
  | (Known & { status: 'paused'; startedAt: string; pausedAt: string; pauseReason: string })
  | (Known & { status: 'completed'; startedAt: string; completedAt: string })
  | (Known & {
      status: 'failed';
      failureCode: number;
      failureMessage: string;
      /** A campaign that failed while it ran waits for dispatch's final count to charge what was sent. */
      settlement: 'none' | 'awaiting-dispatch' | 'settled';
    })
  /**
   * Cancelled while scheduled (everything released), or while paused: then it waits for dispatch's
   * final count, as a campaign that failed while running does, to be charged what was sent.
   */
  | (Known & { status: 'cancelled'; settlement?: 'awaiting-dispatch' | 'settled' })
  /** Deleted while scheduled: gone from every read side, its stream kept as history. */
  | (Known & { status: 'deleted' });

/** A start the dispatch clock asked for this much before the start time still counts (clocks differ a little). */
const START_SLACK_MS = 5000;

/** The definition fields an edit sets (only those it names). */
function editedFields(c: CampaignEdits): Partial<CampaignDefinition> {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Partial<CampaignDefinition>;
}

/** The pause reason of a campaign the account paused (auto-pause names a rate: failure-rate, stop-rate). */
export const ACCOUNT_PAUSE_REASON = 'paused';

export type CampaignCommand =
  | { type: 'CreateCampaign'; def: CampaignDefinition; at: string }
  | { type: 'RecordRecipientBatch'; batchNo: number; received: number; unique: number; at: string }
  | { type: 'SealRecipients'; batchCount: number; invalidCount: number; at: string }
  | { type: 'RecordFilteredBatch'; batchNo: number; accepted: number; optedOut: number; notOptedIn?: number; at: string; acceptedFields?: Array<RecipientFields | null> }
  | { type: 'RecordReservation'; reserved: boolean; amount: number; failureCode?: number; failureMessage?: string; at: string }
  | { type: 'StartCampaign'; at: string }
  | { type: 'CancelCampaign'; at: string }
  /** dispatch-svc paused the campaign (DispatchPaused). */
  | { type: 'RecordDispatchPaused'; reason: string; detail: string; at: string }
  | { type: 'ResumeCampaign'; at: string }
  /** The account pauses a running campaign (v2 `action: pause`). */
  | { type: 'PauseCampaign'; at: string }
  /** The settings of a campaign not started yet (the v2 API's update). */
  | { type: 'EditCampaign'; changes: CampaignEdits; at: string }
  /** A voice campaign's webhook URLs change (the v2 API allows it until the campaign ends). */
  | { type: 'UpdateWebhooks'; webhooks: VoiceWebhookUrls; at: string }
  | { type: 'DeleteCampaign'; at: string }
  | { type: 'RecordDispatchCompleted'; usedCredits: number; counts?: DispatchCounts; countsAsOf?: string; at: string }
  | { type: 'RecordDispatchCounts'; counts: DispatchCounts; asOf: string; deferred?: DeferredSends | null; at: string }
  /** A timer: the upload never finished (the gateway died mid-stream), so the campaign cannot be priced. */
  | { type: 'ExpireInitiation'; at: string }
  /** The watchdog's tick: re-request a step that waited too long, or fail the campaign. */
  | ({ type: 'CheckCampaign'; at: string } & WatchdogSettings)
  | { type: 'RecordDispatchProgress'; remaining: number; at: string };

export type CampaignEvent =
  | { type: 'CampaignCreated'; def: CampaignDefinition; at: string }
  | { type: 'RecipientBatchRecorded'; batchNo: number; received: number; unique: number; at: string }
  | { type: 'RecipientsSealed'; batchCount: number; invalidCount: number; at: string }
  | { type: 'RecipientBatchFiltered'; batchNo: number; accepted: number; optedOut: number; notOptedIn?: number; at: string; credits?: number }
  | { type: 'CreditReservationRequested'; amount: number; at: string }
  | { type: 'CampaignScheduled'; reserved: number; at: string }
  | { type: 'CampaignFailed'; failureCode: number; failureMessage: string; at: string }
  | { type: 'CampaignStarted'; at: string }
  | { type: 'CampaignCancelled'; at: string }
  | { type: 'CampaignPaused'; reason: string; detail: string; at: string }
  | { type: 'CampaignResumed'; at: string }
  | { type: 'WebhooksChanged'; webhooks: VoiceWebhookUrls; at: string }
  | { type: 'CampaignEdited'; changes: CampaignEdits; at: string }
  | { type: 'CampaignDeleted'; at: string }
  | { type: 'CampaignCompleted'; usedCredits: number; counts?: DispatchCounts; countsAsOf?: string; at: string }
  | { type: 'DispatchCountsRecorded'; counts: DispatchCounts; asOf: string; deferred?: DeferredSends | null; at: string }
  | { type: 'FilteringRerequested'; batchNos: number[]; at: string }
  | { type: 'ReservationRerequested'; amount: number; at: string }
  | { type: 'StartRerequested'; at: string }
  | { type: 'DispatchStatusRerequested'; at: string }
  | { type: 'DispatchProgressRecorded'; remaining: number; at: string }
  /** A campaign that failed while running: dispatch reported what it sent, which is charged. */
  | { type: 'FailedCampaignSettled'; usedCredits: number; counts?: DispatchCounts; countsAsOf?: string; at: string };

export type Decision = { ok: true; events: CampaignEvent[] } | { ok: false; error: ClarionError };

export const initialState = (): CampaignState => ({ status: 'absent' });

const accept = (...events: CampaignEvent[]): Decision => ({ ok: true, events });
const reject = (error: ClarionError): Decision => ({ ok: false, error });

export function decide(command: CampaignCommand, state: CampaignState): Decision {
  if (command.type === 'CreateCampaign') {
    // A redelivered create is a replay, not a second campaign.
    return state.status === 'absent' ? accept({ type: 'CampaignCreated', def: command.def, at: command.at }) : accept();
  }
  if (state.status === 'absent') return reject(Errors.campaignNotFound);
  // A deleted campaign is answered for as one that never existed; the timers' late inputs change nothing.
  if (state.status === 'deleted') return command.type === 'CancelCampaign' || command.type === 'DeleteCampaign' ? reject(Errors.campaignNotFound) : accept();

  switch (command.type) {
    case 'RecordRecipientBatch':
    case 'SealRecipients':
    case 'RecordFilteredBatch': {
      if (state.status !== 'initiating') return accept(); // late or repeated input after the decision changes nothing
      // A re-requested filtering makes dnd-svc answer a batch again: each batch counts once.
      if (command.type === 'RecordFilteredBatch' && !pendingFilterOf(state).includes(command.batchNo)) return accept();
      const event: CampaignEvent =
        command.type === 'RecordRecipientBatch'
          ? { type: 'RecipientBatchRecorded', batchNo: command.batchNo, received: command.received, unique: command.unique, at: command.at }
          : command.type === 'SealRecipients'
            ? { type: 'RecipientsSealed', batchCount: command.batchCount, invalidCount: command.invalidCount, at: command.at }
            : {
                type: 'RecipientBatchFiltered',
                batchNo: command.batchNo,
                accepted: command.accepted,
                optedOut: command.optedOut,
                ...(command.notOptedIn ? { notOptedIn: command.notOptedIn } : {}),
                credits: creditsOfBatch(state.def, command.accepted, command.acceptedFields),
                at: command.at,
              };
      return accept(event, ...whenRecipientsComplete(evolve(state, event), command.at));
    }
    case 'RecordReservation': {
      if (state.status !== 'initiating' || !state.reservationRequested) return accept();
      if (command.reserved) return accept({ type: 'CampaignScheduled', reserved: command.amount, at: command.at });
      return accept({
        type: 'CampaignFailed',
        failureCode: command.failureCode ?? Errors.creditNotEnough.code,
        failureMessage: command.failureMessage ?? Errors.creditNotEnough.message,
        at: command.at,
      });
    }
    case 'StartCampaign':
      // The start timer and a cancel may race: whichever the stream records first wins, and the
      // loser is a no-op here (start) or an error to the user (cancel).
      // A start earlier than the campaign's start time (it was moved later after dispatch-svc asked) waits for the next ask.
      if (state.status === 'scheduled' && state.def.startTime && Date.parse(state.def.startTime) > Date.parse(command.at) + START_SLACK_MS) return accept();
      return state.status === 'scheduled' ? accept({ type: 'CampaignStarted', at: command.at }) : accept();
    case 'CancelCampaign':
      // A user cancels only what has not started (seed 000), or what dispatch paused: a running
      // campaign cannot be stopped half-way by a cancel, a paused one already is.
      return state.status === 'scheduled' || state.status === 'paused' ? accept({ type: 'CampaignCancelled', at: command.at }) : reject(Errors.campaignStatusCannotBeUpdated);
    case 'RecordDispatchPaused':
      // Late (completed, failed, cancelled) or repeated: nothing to pause.
      return state.status === 'in-progress' ? accept({ type: 'CampaignPaused', reason: command.reason, detail: command.detail, at: command.at }) : accept();
    case 'ResumeCampaign':
      return state.status === 'paused' ? accept({ type: 'CampaignResumed', at: command.at }) : reject(Errors.campaignStatusCannotBeUpdated);
    case 'PauseCampaign':
      // A repeated pause is answered as the first one was; only a running campaign can be paused.
      if (state.status === 'paused') return accept();
      return state.status === 'in-progress' ? accept({ type: 'CampaignPaused', reason: ACCOUNT_PAUSE_REASON, detail: 'by the account', at: command.at }) : reject(Errors.campaignStatusCannotBeUpdated);
    case 'EditCampaign': {
      if (state.status !== 'initiating' && state.status !== 'scheduled') return reject(Errors.campaignStatusCannotBeUpdated);
      // What the hold was priced on stays: a change of the retry count would need another hold.
      const before = state.def.voiceOptions?.retries?.count ?? 0;
      const after = command.changes.voiceOptions ? (command.changes.voiceOptions.retries?.count ?? 0) : before;
      if (after !== before) return reject(Errors.invalidParameter('retries.number_of_retries cannot change once the campaign is created: delete it and create it again.'));
      return accept({ type: 'CampaignEdited', changes: command.changes, at: command.at });
    }
    case 'UpdateWebhooks':
      if (state.def.channel !== 'voice' || !['initiating', 'scheduled', 'in-progress', 'paused'].includes(state.status)) return reject(Errors.campaignStatusCannotBeUpdated);
      return accept({ type: 'WebhooksChanged', webhooks: command.webhooks, at: command.at });
    case 'DeleteCampaign':
      // Races the start timer exactly as a cancel does: whichever the stream records first wins.
      return state.status === 'scheduled' ? accept({ type: 'CampaignDeleted', at: command.at }) : reject(Errors.campaignNotScheduled);
    case 'RecordDispatchCompleted': {
      const usedCredits = Math.min(command.usedCredits, state.reserved);
      // The final count comes with the completion, so the view shows the status and the exact counts
      // together; unless a report read after it arrived first (reports do not wait in dispatch's outbox).
      const finalCount = command.counts ? { counts: command.counts, asOf: command.countsAsOf ?? command.at } : null;
      const counts = finalCount && isNewerCount(state.dispatchCounts, finalCount) ? { counts: finalCount.counts, countsAsOf: finalCount.asOf } : {};
      if (state.status === 'in-progress' || state.status === 'paused') return accept({ type: 'CampaignCompleted', usedCredits, ...counts, at: command.at });
      if ((state.status === 'failed' || state.status === 'cancelled') && state.settlement === 'awaiting-dispatch')
        return accept({ type: 'FailedCampaignSettled', usedCredits, ...counts, at: command.at });
      return accept();
    }
    case 'RecordDispatchCounts': {
      // Counts change after completion too (receipts of the last messages); a campaign that never ran has none.
      const ran =
        state.status === 'in-progress' ||
        state.status === 'paused' ||
        state.status === 'completed' ||
        (state.status === 'failed' && state.settlement !== 'none') ||
        (state.status === 'cancelled' && state.settlement !== undefined);
      // A change of the deferred sends alone (a window opened, counts not yet moved) is news too.
      const deferredMoved = command.deferred !== undefined && JSON.stringify(command.deferred) !== JSON.stringify(state.dispatchCounts?.deferred ?? null);
      const newer = isNewerCount(state.dispatchCounts, command) || (deferredMoved && Date.parse(command.asOf) > Date.parse(state.dispatchCounts?.asOf ?? '1970-01-01T00:00:00Z'));
      if (!ran || !newer) return accept();
      return accept({ type: 'DispatchCountsRecorded', counts: command.counts, asOf: command.asOf, ...(command.deferred !== undefined ? { deferred: command.deferred } : {}), at: command.at });
    }
    case 'RecordDispatchProgress':
      return state.status === 'in-progress' || state.status === 'paused' ? accept({ type: 'DispatchProgressRecorded', remaining: command.remaining, at: command.at }) : accept();
    case 'CheckCampaign':
      return check(state, command);
    case 'ExpireInitiation':
      // Only an upload that never arrived whole expires. Once every batch is in, the wait is for
      // dnd-svc or credit-svc, which the step watchdog re-requests (CheckCampaign), not a lost upload.
      return state.status === 'initiating' && !uploadComplete(state)
        ? accept({ type: 'CampaignFailed', failureCode: Errors.uploadIncomplete.code, failureMessage: Errors.uploadIncomplete.message, at: command.at })
        : accept();
    default:
      return assertNever(command);
  }
}

/**
 * The watchdog: a step that has waited longer than the step timeout is asked for again (every
 * re-request is idempotent at its receiver), up to stepRetriesMax times; then a campaign that has not
 * started fails with 495. A running campaign is never failed for silence, only past its run limit (496).
 */
function check(state: Exclude<CampaignState, { status: 'absent' }>, c: Extract<CampaignCommand, { type: 'CheckCampaign' }>): Decision {
  const now = Date.parse(c.at);
  const idleMs = now - Date.parse(state.updatedAt);
  const stalled = (step: string): Decision => {
    const e = Errors.campaignStalled(step);
    return accept({ type: 'CampaignFailed', failureCode: e.code, failureMessage: e.message, at: c.at });
  };
  const retriesLeft = (state.rerequests ?? 0) < c.stepRetriesMax;
  switch (state.status) {
    case 'initiating': {
      if (idleMs < c.stepTimeoutMs) return accept();
      if (state.reservationRequested) {
        const amount = reservationAmount(state);
        return retriesLeft ? accept({ type: 'ReservationRerequested', amount, at: c.at }) : stalled('credit reservation');
      }
      // Until the upload is sealed the initiation timeout (497) watches it.
      const unfiltered = pendingFilterOf(state);
      if (state.batchCount === null || unfiltered.length === 0) return accept();
      return retriesLeft ? accept({ type: 'FilteringRerequested', batchNos: unfiltered, at: c.at }) : stalled('recipient filtering');
    }
    case 'scheduled': {
      const dueMs = Math.max(Date.parse(state.def.startTime ?? state.createdAt), Date.parse(state.updatedAt));
      if (now - dueMs < c.stepTimeoutMs) return accept();
      return retriesLeft ? accept({ type: 'StartRerequested', at: c.at }) : stalled('campaign start');
    }
    case 'paused':
      // Waits for a person (resume or cancel): never failed for silence or for its run limit.
      return accept();
    case 'in-progress': {
      if (now - Date.parse(state.startedAt) - (state.pausedMs ?? 0) > c.runLimitMs) {
        return accept({ type: 'CampaignFailed', failureCode: Errors.campaignRunLimit.code, failureMessage: Errors.campaignRunLimit.message, at: c.at });
      }
      return idleMs < c.stepTimeoutMs ? accept() : accept({ type: 'DispatchStatusRerequested', at: c.at });
    }
    case 'completed':
    case 'failed':
    case 'cancelled':
    case 'deleted':
      return accept();
    default:
      return assertNever(state);
  }
}

/**
 * A count report is taken when it was read later than the one the campaign holds and says
 * something new: reports of several dispatch instances, or a redelivered one, never move it back.
 */
export function isNewerCount(held: { counts: DispatchCounts; asOf: string } | undefined, report: { counts: DispatchCounts; asOf: string }): boolean {
  if (!held) return true;
  if (Date.parse(report.asOf) <= Date.parse(held.asOf)) return false;
  return DISPATCH_COUNT_STATES.some((s) => held.counts[s] !== report.counts[s]);
}

/** Every batch the gateway announced when it sealed the upload has been recorded. */
const uploadComplete = (state: Known): boolean => state.batchCount !== null && state.batchesRecorded >= state.batchCount;

/** Snapshots written before the watchdog existed have no list; their batches are all filtered or lost. */
const pendingFilterOf = (state: Known): number[] => state.pendingFilter ?? [];

/** Once every batch is in and filtered, price the campaign, or fail it when nobody is left. */
function whenRecipientsComplete(state: CampaignState, at: string): CampaignEvent[] {
  if (state.status !== 'initiating' || state.reservationRequested) return [];
  if (state.batchCount === null || state.batchesRecorded < state.batchCount || state.batchesAwaitingFilter > 0) return [];
  if (state.counts.accepted === 0) {
    return [{ type: 'CampaignFailed', failureCode: Errors.noValidRecipients.code, failureMessage: 'No recipient is left after de-duplication and Do-Not-Disturb filtering', at }];
  }
  return [{ type: 'CreditReservationRequested', amount: reservationAmount(state), at }];
}

/** What the campaign reserves: the accepted recipients' credits (1 per SMS segment of each one's text, 1 per call). */
export const reservationAmount = (state: Known): number => state.acceptedCredits ?? state.counts.accepted * state.def.creditsPerRecipient;

export function evolve(state: CampaignState, event: CampaignEvent): CampaignState {
  if (event.type === 'CampaignCreated') {
    return {
      status: 'initiating',
      def: event.def,
      createdAt: event.at,
      updatedAt: event.at,
      counts: { received: 0, unique: 0, duplicates: 0, invalid: 0, optedOut: 0, notOptedIn: 0, accepted: 0 },
      batchesRecorded: 0,
      batchesAwaitingFilter: 0,
      batchCount: null,
      reservationRequested: false,
      reserved: 0,
      used: 0,
      pendingFilter: [],
      rerequests: 0,
      acceptedCredits: 0,
    };
  }
  if (state.status === 'absent') throw new Error(`event ${event.type} on a campaign that was never created`);
  // Every event but a re-request is progress: the watchdog's count starts again.
  const rerequests = event.type.endsWith('Rerequested') ? (state.rerequests ?? 0) + 1 : 0;
  const base = { ...state, updatedAt: event.at, rerequests };
  switch (event.type) {
    case 'RecipientBatchRecorded':
      return {
        ...base,
        counts: { ...base.counts, received: base.counts.received + event.received, unique: base.counts.unique + event.unique, duplicates: base.counts.duplicates + (event.received - event.unique) },
        batchesRecorded: base.batchesRecorded + 1,
        batchesAwaitingFilter: base.batchesAwaitingFilter + (event.unique > 0 ? 1 : 0),
        pendingFilter: event.unique > 0 ? [...pendingFilterOf(base), event.batchNo] : pendingFilterOf(base),
      };
    case 'RecipientsSealed':
      return { ...base, batchCount: event.batchCount, counts: { ...base.counts, invalid: event.invalidCount } };
    case 'RecipientBatchFiltered':
      return {
        ...base,
        batchesAwaitingFilter: base.batchesAwaitingFilter - 1,
        pendingFilter: pendingFilterOf(base).filter((n) => n !== event.batchNo),
        counts: {
          ...base.counts,
          accepted: base.counts.accepted + event.accepted,
          optedOut: base.counts.optedOut + event.optedOut,
          notOptedIn: (base.counts.notOptedIn ?? 0) + (event.notOptedIn ?? 0),
        },
        acceptedCredits: reservationAmount(base) + (event.credits ?? event.accepted * base.def.creditsPerRecipient),
      };
    case 'CreditReservationRequested':
      return { ...base, reservationRequested: true };
    case 'CampaignScheduled':
      return { ...base, status: 'scheduled', reserved: event.reserved };
    case 'CampaignFailed':
      return {
        ...base,
        status: 'failed',
        failureCode: event.failureCode,
        failureMessage: event.failureMessage,
        settlement: state.status === 'in-progress' || state.status === 'paused' ? 'awaiting-dispatch' : 'none',
      };
    case 'FailedCampaignSettled':
      return base.status === 'failed' || base.status === 'cancelled' ? { ...base, settlement: 'settled', used: event.usedCredits, ...countsFrom(event) } : base;
    case 'FilteringRerequested':
    case 'ReservationRerequested':
    case 'StartRerequested':
    case 'DispatchStatusRerequested':
    case 'DispatchProgressRecorded':
      return base;
    case 'CampaignStarted':
      return { ...base, status: 'in-progress', startedAt: event.at };
    case 'CampaignCancelled':
      return state.status === 'paused' ? { ...withoutPause(base), status: 'cancelled', settlement: 'awaiting-dispatch' } : { ...base, status: 'cancelled', settlement: undefined };
    case 'CampaignPaused':
      return base.status === 'in-progress' ? { ...base, status: 'paused', pausedAt: event.at, pauseReason: `${event.reason}: ${event.detail}` } : base;
    case 'CampaignResumed': {
      if (base.status !== 'paused') return base;
      const { pausedAt, pauseReason: _reason, ...rest } = base;
      return { ...rest, status: 'in-progress', pausedMs: (base.pausedMs ?? 0) + Math.max(0, Date.parse(event.at) - Date.parse(pausedAt)) };
    }
    case 'CampaignDeleted':
      return { ...base, status: 'deleted' };
    case 'CampaignEdited':
      return { ...base, def: { ...base.def, ...editedFields(event.changes) } };
    case 'WebhooksChanged': {
      const options = base.def.voiceOptions ?? { retries: null, endAt: null, webhooks: null, customField: null, callDuplicateNumbers: false };
      return { ...base, def: { ...base.def, voiceOptions: { ...options, webhooks: event.webhooks } } };
    }
    case 'DispatchCountsRecorded':
      return { ...base, dispatchCounts: { counts: event.counts, asOf: event.asOf, ...(event.deferred !== undefined ? { deferred: event.deferred } : {}) } };
    case 'CampaignCompleted':
      return { ...withoutPause(base), status: 'completed', startedAt: 'startedAt' in base ? base.startedAt : event.at, completedAt: event.at, used: event.usedCredits, ...countsFrom(event) };
    default:
      return assertNever(event);
  }
}

/** A state's fields without those of a pause (the campaign left 'paused'). */
function withoutPause<T extends object>(s: T): Omit<T, 'pausedAt' | 'pauseReason'> {
  const { pausedAt: _at, pauseReason: _reason, ...rest } = s as T & { pausedAt?: string; pauseReason?: string };
  return rest;
}

/** The final count an event brought, if it brought one (events recorded before counts existed did not). */
const countsFrom = (e: { counts?: DispatchCounts; countsAsOf?: string; at: string }): Pick<Known, 'dispatchCounts'> =>
  e.counts ? { dispatchCounts: { counts: e.counts, asOf: e.countsAsOf ?? e.at } } : {};

/**
 * Recipients per state as the view shows them: dispatch-svc's count once it has one; before that
 * every accepted recipient waits (queued) while the campaign can still run, and none does after.
 * Opted-out recipients never reach dispatch: campaign-svc's own filtering count is exact.
 */
export function recipientCounts(state: Exclude<CampaignState, { status: 'absent' }>): RecipientCounts {
  const dispatched = state.dispatchCounts?.counts;
  const waiting = state.status === 'initiating' || state.status === 'scheduled' || state.status === 'in-progress' || state.status === 'paused' ? state.counts.accepted : 0;
  return {
    queued: dispatched ? dispatched.queued : waiting,
    sent: dispatched?.sent ?? 0,
    delivered: dispatched?.delivered ?? 0,
    undelivered: dispatched?.undelivered ?? 0,
    failed: dispatched?.failed ?? 0,
    // Filtered out at creation (campaign-svc's count, opt-in misses included), and skipped at send time (dispatch's).
    'opted-out': state.counts.optedOut + (state.counts.notOptedIn ?? 0) + (dispatched?.['opted-out'] ?? 0),
    expired: dispatched?.expired ?? 0,
    unknown: dispatched?.unknown ?? 0,
  };
}

/**
 * The campaign as the API shows it. A deleted campaign shows as it was when it was deleted
 * (scheduled: only a scheduled one can be), which is what the delete answers with.
 */
export function toView(state: Exclude<CampaignState, { status: 'absent' }>): CampaignView {
  const d = state.def;
  return {
    sid: d.campaignSid,
    name: d.name,
    enterpriseSid: d.enterpriseSid,
    accountSid: d.accountSid,
    accountEmail: d.accountEmail,
    channel: d.channel,
    body: d.body,
    fromPrefix: d.fromPrefix,
    optOut: d.optOut,
    optIn: d.optIn,
    status: (state.status === 'deleted' ? 'scheduled' : state.status) as CampaignStatus,
    startTime: d.startTime ?? state.createdAt,
    dateCreated: state.createdAt,
    dateUpdated: state.updatedAt,
    total:
      state.status === 'completed'
        ? state.used
        : state.status === 'failed'
          ? state.settlement === 'settled'
            ? state.used
            : 0
          : state.status === 'cancelled' && state.settlement !== undefined
            ? state.settlement === 'settled'
              ? state.used
              : 0
            : state.reserved,
    recipients: { ...state.counts },
    counts: recipientCounts(state),
    ...(state.status === 'failed' ? { failureCode: state.failureCode, failureMessage: state.failureMessage } : {}),
    ...(state.status === 'paused' ? { pauseReason: state.pauseReason } : {}),
    ...(d.fromNumbers.length > 0 ? { sender: d.fromNumbers[0] } : {}),
    ...(d.channel === 'voice' ? { announcementSid: d.announcementSid ?? null, rcmlUrl: d.rcmlUrl ?? null, dialTimeout: d.dialTimeoutSeconds ?? 30 } : {}),
    ...(d.channel === 'voice' && d.voiceOptions ? { voiceOptions: d.voiceOptions } : {}),
    ignoreQuietHours: d.ignoreQuietHours === true,
    ...((state.status === 'in-progress' || state.status === 'paused') && state.dispatchCounts?.deferred ? { deferred: state.dispatchCounts.deferred } : {}),
    uri: `/campaignmanager/campaigns/search/${d.campaignSid}`,
  };
}

function assertNever(x: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(x)}`);
}
