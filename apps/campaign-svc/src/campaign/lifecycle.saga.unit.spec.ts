import { TOPIC, message, type CampaignDefinition } from '@clarion/contracts';
import { evolve, initialState, type CampaignEvent, type CampaignState } from './campaign.decider';
import { react } from './lifecycle.saga';

const at = '2026-01-01T00:00:00.000Z';
const def: CampaignDefinition = {
  campaignSid: 'CP' + '4'.repeat(32),
  enterpriseSid: 'EN' + '5'.repeat(32),
  accountSid: 'AC' + '6'.repeat(32),
  accountEmail: 'a@b.c',
  name: 'n',
  channel: 'sms',
  body: 'hi',
  creditsPerRecipient: 1,
  fromNumbers: ['+1'],
  fromPrefix: null,
  startTime: null,
  optOut: null,
  optIn: null,
};
const cause = message('Anything', {}, { correlationId: 'corr-1' });

function after(events: CampaignEvent[]): CampaignState {
  return events.reduce(evolve, initialState());
}
function reactTo(history: CampaignEvent[], event: CampaignEvent) {
  const before = after(history);
  return react(before, evolve(before, event), event, cause, { holdLifetimeMs: 86_400_000 });
}
const created: CampaignEvent = { type: 'CampaignCreated', def, at };
const ready: CampaignEvent[] = [
  created,
  { type: 'RecipientBatchRecorded', batchNo: 0, received: 3, unique: 3, at },
  { type: 'RecipientsSealed', batchCount: 1, invalidCount: 0, at },
  { type: 'RecipientBatchFiltered', batchNo: 0, accepted: 3, optedOut: 0, at },
  { type: 'CreditReservationRequested', amount: 3, at },
];

describe('campaign lifecycle saga', () => {
  it('announces a new campaign on the public status topic, keyed by its sid', () => {
    const out = reactTo([], created);
    expect(out).toHaveLength(1);
    expect(out[0].topic).toBe(TOPIC.campaignStatus);
    expect(out[0].key).toBe(def.campaignSid);
    expect(out[0].message.data).toMatchObject({ campaignSid: def.campaignSid, enterpriseSid: def.enterpriseSid, status: 'initiating', previousStatus: null, occurredAt: at });
    expect(out[0].message.metadata).toMatchObject({ correlationId: 'corr-1', causationId: cause.metadata.messageId });
  });

  it('asks the ledger for a hold named after the campaign', () => {
    const out = reactTo(ready.slice(0, 4), ready[4]);
    expect(out).toEqual([expect.objectContaining({ topic: TOPIC.creditCommands, key: def.enterpriseSid })]);
    expect(out[0].message).toMatchObject({ type: 'ReserveCredits', data: { holdId: def.campaignSid, enterpriseSid: def.enterpriseSid, amount: 3, expiresAt: '2026-01-02T00:00:00.000Z' } });
  });

  it('tells dispatch everything it needs once scheduled', () => {
    const out = reactTo(ready, { type: 'CampaignScheduled', reserved: 3, at });
    expect(out.map((o) => [o.topic, o.message.type])).toEqual([
      [TOPIC.campaignStatus, 'CampaignStatusChanged'],
      [TOPIC.campaignEvents, 'CampaignScheduled'],
    ]);
    expect(out[0].message.data).toMatchObject({ status: 'scheduled', previousStatus: 'initiating' });
    expect(out[1].message.data).toMatchObject({ acceptedCount: 3, reservedCredits: 3, body: 'hi', fromNumbers: ['+1'] });
  });

  it('given a deletion, then dispatch hears of it and the whole hold is released, with no status change', () => {
    const scheduled = [...ready, { type: 'CampaignScheduled', reserved: 3, at } as CampaignEvent];
    const deleted = reactTo(scheduled, { type: 'CampaignDeleted', at });
    expect(deleted.map((o) => [o.topic, o.message.type])).toEqual([
      [TOPIC.campaignEvents, 'CampaignDeleted'],
      [TOPIC.creditCommands, 'ReleaseCredits'],
    ]);
    expect(deleted[1].message.data).toEqual({ holdId: def.campaignSid, enterpriseSid: def.enterpriseSid });
  });

  it('releases the hold when cancelled and commits the used credits when completed', () => {
    const scheduled = [...ready, { type: 'CampaignScheduled', reserved: 3, at } as CampaignEvent];
    const cancelled = reactTo(scheduled, { type: 'CampaignCancelled', at });
    expect(cancelled.map((o) => o.message.type)).toEqual(['CampaignStatusChanged', 'CampaignCancelled', 'ReleaseCredits']);
    expect(cancelled[2].message.data).toEqual({ holdId: def.campaignSid, enterpriseSid: def.enterpriseSid });
    const started = [...scheduled, { type: 'CampaignStarted', at } as CampaignEvent];
    const completed = reactTo(started, { type: 'CampaignCompleted', usedCredits: 2, at });
    expect(completed.map((o) => o.message.type)).toEqual(['CampaignStatusChanged', 'CampaignCompleted', 'CommitCredits']);
    expect(completed[0].message.data).toMatchObject({ status: 'completed', previousStatus: 'in-progress' });
    expect(completed[2].message.data).toEqual({
      holdId: def.campaignSid,
      enterpriseSid: def.enterpriseSid,
      amount: 2,
      description: `Campaign ${def.campaignSid} "${def.name}"`,
      accountSid: def.accountSid,
      accountEmail: def.accountEmail,
    });
  });

  it('carries the failure on the status record', () => {
    const out = reactTo(ready, { type: 'CampaignFailed', failureCode: 488, failureMessage: 'Credit is not enough', at });
    expect(out[0].message.data).toMatchObject({ status: 'failed', previousStatus: 'initiating', failureCode: 488, failureMessage: 'Credit is not enough' });
  });

  it('says nothing for bookkeeping events', () => {
    expect(reactTo([created], { type: 'RecipientBatchRecorded', batchNo: 0, received: 1, unique: 1, at })).toEqual([]);
  });

  it('asks again for a reservation, a start and the status of a running campaign when the watchdog re-requests them', () => {
    const again = reactTo(ready, { type: 'ReservationRerequested', amount: 3, at });
    expect(again.map((o) => [o.topic, o.message.type, (o.message.data as { amount?: number }).amount])).toEqual([[TOPIC.creditCommands, 'ReserveCredits', 3]]);
    const scheduled = [...ready, { type: 'CampaignScheduled', reserved: 3, at } as CampaignEvent];
    const start = reactTo(scheduled, { type: 'StartRerequested', at });
    expect(start.map((o) => [o.topic, o.message.type])).toEqual([[TOPIC.campaignEvents, 'CampaignScheduled']]); // no second status record
    const running = [...scheduled, { type: 'CampaignStarted', at } as CampaignEvent];
    const status = reactTo(running, { type: 'DispatchStatusRerequested', at });
    expect(status.map((o) => [o.topic, o.message.type])).toEqual([[TOPIC.campaignEvents, 'DispatchStatusRequested']]);
  });

  it('releases the hold of a scheduled campaign that fails, and charges a failed running one what dispatch reports', () => {
    const scheduled = [...ready, { type: 'CampaignScheduled', reserved: 3, at } as CampaignEvent];
    const stalled = reactTo(scheduled, { type: 'CampaignFailed', failureCode: 495, failureMessage: 'stalled', at });
    expect(stalled.map((o) => o.message.type)).toEqual(['CampaignStatusChanged', 'CampaignFailed', 'ReleaseCredits']);
    const running = [...scheduled, { type: 'CampaignStarted', at } as CampaignEvent];
    const overRun = reactTo(running, { type: 'CampaignFailed', failureCode: 496, failureMessage: 'run limit', at });
    expect(overRun.map((o) => o.message.type)).toEqual(['CampaignStatusChanged', 'CampaignFailed']); // the hold waits for the count
    const failed = [...running, { type: 'CampaignFailed', failureCode: 496, failureMessage: 'run limit', at } as CampaignEvent];
    const settled = reactTo(failed, { type: 'FailedCampaignSettled', usedCredits: 2, at });
    expect(settled.map((o) => [o.message.type, o.message.data])).toEqual([
      ['CommitCredits', expect.objectContaining({ holdId: def.campaignSid, enterpriseSid: def.enterpriseSid, amount: 2, description: `Campaign ${def.campaignSid} "${def.name}"` })],
    ]);
  });
});

describe('campaign lifecycle saga: auto-pause', () => {
  const running: CampaignEvent[] = [...ready, { type: 'CampaignScheduled', reserved: 3, at }, { type: 'CampaignStarted', at }];
  const paused: CampaignEvent = { type: 'CampaignPaused', reason: 'failure-rate', detail: '3 of the last 10 submits failed', at };
  const names = (out: ReturnType<typeof reactTo>) => out.map((o) => `${o.topic} ${o.message.type}`);

  it('tells dispatch of a pause the account asked for (dispatch did not pause it itself)', () => {
    const out = reactTo(running, { type: 'CampaignPaused', reason: 'paused', detail: 'by the account', at });
    expect(names(out)).toEqual([`${TOPIC.campaignStatus} CampaignStatusChanged`, `${TOPIC.campaignEvents} CampaignPaused`]);
  });

  it('publishes the pause with its reason on the status topic, and nothing to dispatch (it paused already)', () => {
    const out = reactTo(running, paused);
    expect(names(out)).toEqual([`${TOPIC.campaignStatus} CampaignStatusChanged`]);
    expect(out[0].message.data).toMatchObject({ status: 'paused', previousStatus: 'in-progress', pauseReason: 'failure-rate: 3 of the last 10 submits failed' });
  });

  it('a resume tells dispatch to go on', () => {
    const out = reactTo([...running, paused], { type: 'CampaignResumed', at });
    expect(names(out)).toEqual([`${TOPIC.campaignStatus} CampaignStatusChanged`, `${TOPIC.campaignEvents} CampaignResumed`]);
    expect(out[0].message.data).toMatchObject({ status: 'in-progress', previousStatus: 'paused' });
    expect(out[0].message.data).not.toHaveProperty('pauseReason');
  });

  it('a cancel from paused waits for the final count to commit what was sent (no release); from scheduled it releases all', () => {
    expect(names(reactTo([...running, paused], { type: 'CampaignCancelled', at }))).toEqual([`${TOPIC.campaignStatus} CampaignStatusChanged`, `${TOPIC.campaignEvents} CampaignCancelled`]);
    expect(names(reactTo([...ready, { type: 'CampaignScheduled', reserved: 3, at }], { type: 'CampaignCancelled', at }))).toContain(`${TOPIC.creditCommands} ReleaseCredits`);
    const settled = reactTo([...running, paused, { type: 'CampaignCancelled', at }], { type: 'FailedCampaignSettled', usedCredits: 2, at });
    expect(names(settled)).toEqual([`${TOPIC.creditCommands} CommitCredits`]);
    expect(settled[0].message.data).toMatchObject({ amount: 2 });
  });
});
