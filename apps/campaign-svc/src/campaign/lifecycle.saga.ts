import { TOPIC, message, type CampaignStatus, type CampaignStatusChanged, type Message } from '@clarion/contracts';
import type { CampaignEvent, CampaignState } from './campaign.decider';
import type { OutgoingRecord } from '@clarion/platform';

/**
 * The lifecycle process manager: what the rest of the system must hear after each campaign event.
 * Its state is the campaign's own stream (it needs nothing else), so it survives restarts with the
 * aggregate; its inputs are the aggregate's events, its outputs commands and public events. It is
 * pure: the adapter writes what it returns to the outbox in the same transaction as the events.
 */
export function react(before: CampaignState, after: CampaignState, event: CampaignEvent, causedBy: Message): OutgoingRecord[] {
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
      out.push({ topic: TOPIC.creditCommands, key: enterpriseSid, message: message('ReserveCredits', { holdId: sid, enterpriseSid, amount: event.amount }, opts) });
      break;
    case 'CampaignScheduled':
      if (after.status !== 'scheduled') break;
      statusChange();
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
          },
          opts,
        ),
      });
      break;
    case 'CampaignFailed':
      statusChange({ failureCode: event.failureCode, failureMessage: event.failureMessage });
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignFailed', { campaignSid: sid, enterpriseSid, failureCode: event.failureCode, failureMessage: event.failureMessage, failedAt: event.at }, opts) });
      break;
    case 'CampaignStarted':
      statusChange();
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignStarted', { campaignSid: sid, enterpriseSid, startedAt: event.at }, opts) });
      break;
    case 'CampaignCancelled':
      statusChange();
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignCancelled', { campaignSid: sid, enterpriseSid, cancelledAt: event.at }, opts) });
      out.push({ topic: TOPIC.creditCommands, key: enterpriseSid, message: message('ReleaseCredits', { holdId: sid, enterpriseSid }, opts) });
      break;
    case 'CampaignCompleted':
      statusChange();
      out.push({ topic: TOPIC.campaignEvents, key: sid, message: message('CampaignCompleted', { campaignSid: sid, enterpriseSid, usedCredits: event.usedCredits, completedAt: event.at }, opts) });
      // Commit posts what was used; the ledger releases the rest of the hold in the same step.
      out.push({ topic: TOPIC.creditCommands, key: enterpriseSid, message: message('CommitCredits', { holdId: sid, enterpriseSid, amount: event.usedCredits }, opts) });
      break;
    default: {
      const never: never = event;
      throw new Error(`unhandled event ${JSON.stringify(never)}`);
    }
  }
  return out;
}
