import { DIAL_TIMEOUT_DEFAULT_SECONDS, TOPIC, message, type CampaignDefinition, type VoiceCallSettings, type CampaignStatus, type CampaignStatusChanged, type Message } from '@clarion/contracts';
import { ACCOUNT_PAUSE_REASON, type CampaignEvent, type CampaignState } from './campaign.decider';
import type { OutgoingRecord } from '@clarion/platform';

/**
 * The lifecycle process manager: what the rest of the system must hear after each campaign event.
 * Its state is the campaign's own stream (it needs nothing else), so it survives restarts with the
 * aggregate; its inputs are the aggregate's events, its outputs commands and public events. It is
 * pure: the adapter writes what it returns to the outbox in the same transaction as the events.
 */
/** What the saga needs besides the events: how long a credit hold must outlive its campaign's start. */
export interface SagaSettings {
  holdLifetimeMs: number;
}

/**
 * The hold outlives everything that can still resolve it: the run limit and every re-request of the
 * watchdog, plus an hour. So the ledger's expiry only fires when campaign-svc never settled it.
 */
export function holdLifetimeMs(w: { runLimitMs: number; stepTimeoutMs: number; stepRetriesMax: number }): number {
  return w.runLimitMs + w.stepTimeoutMs * (w.stepRetriesMax + 1) + 3600_000;
}

export function react(before: CampaignState, after: CampaignState, event: CampaignEvent, causedBy: Message, settings: SagaSettings): OutgoingRecord[] {
  if (after.status === 'absent') return [];
  const sid = after.def.campaignSid;
  const enterpriseSid = after.def.enterpriseSid;
  const opts = { causedBy };
  const out: OutgoingRecord[] = [];
  const statusChange = (failure?: { failureCode: number; failureMessage: string }) => {
    const data: CampaignStatusChanged = {
      campaignSid: sid,
      enterpriseSid,
      status: after.status as CampaignStatus,
      previousStatus: before.status === 'absent' ? null : (before.status as CampaignStatus),
      occurredAt: event.at,
      ...(failure ?? {}),
      ...(after.status === 'paused' ? { pauseReason: after.pauseReason } : {}),
    };
    out.push({ topic: TOPIC.campaignStatus, key: sid, message: message('CampaignStatusChanged', data, opts) });
  };

  switch (event.type) {
    case 'CampaignCreated':
      statusChange();
      break;
    case 'RecipientBatchRecorded':
    case 'RecipientsSealed':
    case 'RecipientBatchFiltered':
      break;
    case 'CreditReservationRequested':
    case 'ReservationRerequested': {
      // A replayed reservation is answered again by the ledger (CreditsReserved), never doubled.
      const startMs = Math.max(Date.parse(after.def.startTime ?? event.at), Date.parse(event.at));
      const expiresAt = new Date(startMs + settings.holdLifetimeMs).toISOString();
      out.push({ topic: TOPIC.creditCommands, key: enterpriseSid, message: message('ReserveCredits', { holdId: sid, enterpriseSid, amount: event.amount, expiresAt }, opts) });
      break;
    }
    case 'FilteringRerequested':
      // The adapter re-reads each listed batch's numbers and asks dnd-svc again (see refilter()).
      break;
    case 'CampaignScheduled':
    case 'StartRerequested':
      if (after.status !== 'scheduled') break;
      if (event.type === 'CampaignScheduled') statusChange();
      // On a re-request dispatch-svc hears the schedule again (it ignores what it already has); the
      // adapter also re-sends every batch through filtering, so dispatch gets recipients it lost.
      out.push({
        topic: TOPIC.campaignEvents,
        key: sid,
        message: message(
          'CampaignScheduled',
          {
            campaignSid: sid,
            enterpriseSid,
            channel: after.def.channel,
            body: after.def.body,
            fromNumbers: after.def.fromNumbers,
            fromPrefix: after.def.fromPrefix,
            startTime: after.def.startTime,
            acceptedCount: after.counts.accepted,
            optedOutCount: after.counts.optedOut,
            reservedCredits: after.reserved,
            creditsPerRecipient: after.def.creditsPerRecipient,
            // Passed on only when the campaign has them, so campaigns from before quiet hours read as before.
            ...(after.def.quietHours !== undefined ? { quietHours: after.def.quietHours } : {}),
            ...(after.def.ignoreQuietHours !== undefined ? { ignoreQuietHours: after.def.ignoreQuietHours } : {}),
            ...(after.def.channel === 'voice' ? { voice: voiceSettings(after.def) } : {}),
          },
          opts,
        ),
      });
      break;
    case 'CampaignFailed':
      statusChange({ failureCode: event.failureCode, failureMessage: event.failureMessage });
      out.push({
        topic: TOPIC.campaignEvents,
        key: sid,
        message: message('CampaignFailed', { campaignSid: sid, enterpriseSid, failureCode: event.failureCode, failureMessage: event.failureMessage, failedAt: event.at }, opts),
      });
      // A campaign that held credits but never ran gives them all back; one that ran waits for
      // dispatch's final count (FailedCampaignSettled) to be charged what it sent.
      if (before.status === 'scheduled') out.push({ topic: TOPIC.creditCommands, key: enterpriseSid, message: message('ReleaseCredits', { holdId: sid, enterpriseSid }, opts) });
      break;
    case 'FailedCampaignSettled':
      out.push({
        topic: TOPIC.creditCommands,
        key: enterpriseSid,
        message: message(
          'CommitCredits',
          { holdId: sid, enterpriseSid, amount: event.usedCredits, description: `Campaign ${sid} "${after.def.name}"`, accountSid: after.def.accountSid, accountEmail: after.def.accountEmail },
          opts,
        ),
      });
      break;
    case 'DispatchStatusRerequested':
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('DispatchStatusRequested', { campaignSid: sid, enterpriseSid }, opts) });
      break;
    case 'DispatchProgressRecorded':
    case 'DispatchCountsRecorded':
      break;
    case 'CampaignDeleted':
      // No status change to publish: the campaign did not move to another state, it is gone. dispatch-svc
      // drops what it loaded for it, and the whole reservation comes back, as for a cancel.
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignDeleted', { campaignSid: sid, enterpriseSid, deletedAt: event.at }, opts) });
      out.push({ topic: TOPIC.creditCommands, key: enterpriseSid, message: message('ReleaseCredits', { holdId: sid, enterpriseSid }, opts) });
      break;
    case 'CampaignStarted':
      statusChange();
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignStarted', { campaignSid: sid, enterpriseSid, startedAt: event.at }, opts) });
      break;
    case 'CampaignCancelled':
      statusChange();
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignCancelled', { campaignSid: sid, enterpriseSid, cancelledAt: event.at }, opts) });
      // A scheduled campaign sent nothing: all comes back. A paused one sent some: dispatch's final
      // count (FailedCampaignSettled) commits what was sent, which releases the rest.
      if (before.status !== 'paused') out.push({ topic: TOPIC.creditCommands, key: enterpriseSid, message: message('ReleaseCredits', { holdId: sid, enterpriseSid }, opts) });
      break;
    case 'CampaignPaused':
      statusChange();
      // An auto-pause comes from dispatch-svc, which paused already; the account's pause reaches dispatch-svc here.
      if (event.reason === ACCOUNT_PAUSE_REASON)
        out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignPaused', { campaignSid: sid, enterpriseSid, reason: event.reason, pausedAt: event.at }, opts) });
      break;
    case 'CampaignEdited':
      out.push({
        topic: TOPIC.campaignEvents,
        key: sid,
        message: message('CampaignEdited', { campaignSid: sid, enterpriseSid, fromNumbers: after.def.fromNumbers, startTime: after.def.startTime, voice: voiceSettings(after.def) }, opts),
      });
      break;
    case 'WebhooksChanged':
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignWebhooksChanged', { campaignSid: sid, enterpriseSid, webhooks: event.webhooks }, opts) });
      break;
    case 'CampaignResumed':
      statusChange();
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignResumed', { campaignSid: sid, enterpriseSid, resumedAt: event.at }, opts) });
      break;
    case 'CampaignCompleted':
      statusChange();
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignCompleted', { campaignSid: sid, enterpriseSid, usedCredits: event.usedCredits, completedAt: event.at }, opts) });
      // Commit posts what was used; the ledger releases the rest of the hold in the same step.
      out.push({
        topic: TOPIC.creditCommands,
        key: enterpriseSid,
        message: message(
          'CommitCredits',
          { holdId: sid, enterpriseSid, amount: event.usedCredits, description: `Campaign ${sid} "${after.def.name}"`, accountSid: after.def.accountSid, accountEmail: after.def.accountEmail },
          opts,
        ),
      });
      break;
    default: {
      const never: never = event;
      throw new Error(`unhandled event ${JSON.stringify(never)}`);
    }
  }
  return out;
}

/** What dispatch-svc needs of a voice campaign's definition; null for an SMS one. */
function voiceSettings(def: CampaignDefinition): VoiceCallSettings | null {
  if (def.channel !== 'voice') return null;
  return {
    announcementSid: def.announcementSid ?? null,
    rcmlUrl: def.rcmlUrl ?? null,
    dialTimeoutSeconds: def.dialTimeoutSeconds ?? DIAL_TIMEOUT_DEFAULT_SECONDS,
    options: def.voiceOptions ?? null,
    webhookKey: def.webhookKey ?? null,
  };
}
