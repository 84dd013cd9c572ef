import { Errors, type CampaignDefinition, type CampaignStatus, type CampaignView, type ClarionError } from '@clarion/contracts';

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
}

export type CampaignState =
  | { status: 'absent' }
  | (Known & { status: 'initiating' })
  | (Known & { status: 'scheduled' })
  | (Known & { status: 'in-progress'; startedAt: string })
  | (Known & { status: 'paused'; startedAt: string })
  | (Known & { status: 'completed'; startedAt: string; completedAt: string })
  | (Known & { status: 'failed'; failureCode: number; failureMessage: string })
  | (Known & { status: 'cancelled' });

export type CampaignCommand =
  | { type: 'CreateCampaign'; def: CampaignDefinition; at: string }
  | { type: 'RecordRecipientBatch'; batchNo: number; received: number; unique: number; at: string }
  | { type: 'SealRecipients'; batchCount: number; invalidCount: number; at: string }
  | { type: 'RecordFilteredBatch'; batchNo: number; accepted: number; optedOut: number; at: string }
  | { type: 'RecordReservation'; reserved: boolean; amount: number; failureCode?: number; failureMessage?: string; at: string }
  | { type: 'StartCampaign'; at: string }
  | { type: 'CancelCampaign'; at: string }
  | { type: 'RecordDispatchCompleted'; usedCredits: number; at: string }
  /** A timer: the upload never finished (the gateway died mid-stream), so the campaign cannot be priced. */
  | { type: 'ExpireInitiation'; at: string };

export type CampaignEvent =
  | { type: 'CampaignCreated'; def: CampaignDefinition; at: string }
  | { type: 'RecipientBatchRecorded'; batchNo: number; received: number; unique: number; at: string }
  | { type: 'RecipientsSealed'; batchCount: number; invalidCount: number; at: string }
  | { type: 'RecipientBatchFiltered'; batchNo: number; accepted: number; optedOut: number; at: string }
  | { type: 'CreditReservationRequested'; amount: number; at: string }
  | { type: 'CampaignScheduled'; reserved: number; at: string }
  | { type: 'CampaignFailed'; failureCode: number; failureMessage: string; at: string }
  | { type: 'CampaignStarted'; at: string }
  | { type: 'CampaignCancelled'; at: string }
  | { type: 'CampaignCompleted'; usedCredits: number; at: string };

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

  switch (command.type) {
    case 'RecordRecipientBatch':
    case 'SealRecipients':
    case 'RecordFilteredBatch': {
      if (state.status !== 'initiating') return accept(); // late or repeated input after the decision changes nothing
      const event: CampaignEvent =
        command.type === 'RecordRecipientBatch'
          ? { type: 'RecipientBatchRecorded', batchNo: command.batchNo, received: command.received, unique: command.unique, at: command.at }
          : command.type === 'SealRecipients'
            ? { type: 'RecipientsSealed', batchCount: command.batchCount, invalidCount: command.invalidCount, at: command.at }
            : { type: 'RecipientBatchFiltered', batchNo: command.batchNo, accepted: command.accepted, optedOut: command.optedOut, at: command.at };
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
      return state.status === 'scheduled' ? accept({ type: 'CampaignStarted', at: command.at }) : accept();
    case 'CancelCampaign':
      return state.status === 'scheduled' ? accept({ type: 'CampaignCancelled', at: command.at }) : reject(Errors.campaignStatusCannotBeUpdated);
    case 'RecordDispatchCompleted':
      return state.status === 'in-progress' || state.status === 'paused'
        ? accept({ type: 'CampaignCompleted', usedCredits: Math.min(command.usedCredits, state.reserved), at: command.at })
        : accept();
    case 'ExpireInitiation':
      // Only a campaign still waiting for its recipients expires; once priced, the ledger decides.
      return state.status === 'initiating' && !state.reservationRequested
        ? accept({ type: 'CampaignFailed', failureCode: Errors.uploadIncomplete.code, failureMessage: Errors.uploadIncomplete.message, at: command.at })
        : accept();
    default:
      return assertNever(command);
  }
}

/** Once every batch is in and filtered, price the campaign, or fail it when nobody is left. */
function whenRecipientsComplete(state: CampaignState, at: string): CampaignEvent[] {
  if (state.status !== 'initiating' || state.reservationRequested) return [];
  if (state.batchCount === null || state.batchesRecorded < state.batchCount || state.batchesAwaitingFilter > 0) return [];
  if (state.counts.accepted === 0) {
    return [{ type: 'CampaignFailed', failureCode: Errors.noValidRecipients.code, failureMessage: 'No recipient is left after de-duplication and Do-Not-Disturb filtering', at }];
  }
  return [{ type: 'CreditReservationRequested', amount: state.counts.accepted * state.def.creditsPerRecipient, at }];
}

export function evolve(state: CampaignState, event: CampaignEvent): CampaignState {
  if (event.type === 'CampaignCreated') {
    return {
      status: 'initiating',
      def: event.def,
      createdAt: event.at,
      updatedAt: event.at,
      counts: { received: 0, unique: 0, duplicates: 0, invalid: 0, optedOut: 0, accepted: 0 },
      batchesRecorded: 0,
      batchesAwaitingFilter: 0,
      batchCount: null,
      reservationRequested: false,
      reserved: 0,
      used: 0,
    };
  }
  if (state.status === 'absent') throw new Error(`event ${event.type} on a campaign that was never created`);
  const base = { ...state, updatedAt: event.at };
  switch (event.type) {
    case 'RecipientBatchRecorded':
      return {
        ...base,
        counts: { ...base.counts, received: base.counts.received + event.received, unique: base.counts.unique + event.unique, duplicates: base.counts.duplicates + (event.received - event.unique) },
        batchesRecorded: base.batchesRecorded + 1,
        batchesAwaitingFilter: base.batchesAwaitingFilter + (event.unique > 0 ? 1 : 0),
      };
    case 'RecipientsSealed':
      return { ...base, batchCount: event.batchCount, counts: { ...base.counts, invalid: event.invalidCount } };
    case 'RecipientBatchFiltered':
      return {
        ...base,
        batchesAwaitingFilter: base.batchesAwaitingFilter - 1,
        counts: { ...base.counts, accepted: base.counts.accepted + event.accepted, optedOut: base.counts.optedOut + event.optedOut },
      };
    case 'CreditReservationRequested':
      return { ...base, reservationRequested: true };
    case 'CampaignScheduled':
      return { ...base, status: 'scheduled', reserved: event.reserved };
    case 'CampaignFailed':
      return { ...base, status: 'failed', failureCode: event.failureCode, failureMessage: event.failureMessage };
    case 'CampaignStarted':
      return { ...base, status: 'in-progress', startedAt: event.at };
    case 'CampaignCancelled':
      return { ...base, status: 'cancelled' };
    case 'CampaignCompleted':
      return { ...base, status: 'completed', startedAt: 'startedAt' in base ? base.startedAt : event.at, completedAt: event.at, used: event.usedCredits };
    default:
      return assertNever(event);
  }
}

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
    status: state.status as CampaignStatus,
    startTime: d.startTime ?? state.createdAt,
    dateCreated: state.createdAt,
    dateUpdated: state.updatedAt,
    total: state.status === 'completed' ? state.used : state.reserved,
    recipients: { ...state.counts },
    ...(state.status === 'failed' ? { failureCode: state.failureCode, failureMessage: state.failureMessage } : {}),
    uri: `/campaignmanager/campaigns/search/${d.campaignSid}`,
  };
}

function assertNever(x: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(x)}`);
}
