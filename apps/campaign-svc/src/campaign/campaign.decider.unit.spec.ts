import fc from 'fast-check';
import type { CampaignDefinition } from '@clarion/contracts';
import { decide, evolve, initialState, toView, type CampaignCommand, type CampaignEvent, type CampaignState } from './campaign.decider';

const at = '2026-01-01T00:00:00.000Z';
const def: CampaignDefinition = {
  campaignSid: 'CP' + '1'.repeat(32),
  enterpriseSid: 'EN' + '2'.repeat(32),
  accountSid: 'AC' + '3'.repeat(32),
  accountEmail: 'a@b.c',
  name: 'n',
  channel: 'sms',
  body: 'hello',
  creditsPerRecipient: 2,
  fromNumbers: [],
  fromPrefix: '91',
  startTime: null,
  optOut: null,
  optIn: null,
};
const create: CampaignCommand = { type: 'CreateCampaign', def, at };
const batch = (batchNo: number, received: number, unique: number): CampaignCommand => ({ type: 'RecordRecipientBatch', batchNo, received, unique, at });
const seal = (batchCount: number): CampaignCommand => ({ type: 'SealRecipients', batchCount, invalidCount: 1, at });
const filtered = (batchNo: number, accepted: number, optedOut: number): CampaignCommand => ({ type: 'RecordFilteredBatch', batchNo, accepted, optedOut, at });
const reserved = (amount: number): CampaignCommand => ({ type: 'RecordReservation', reserved: true, amount, at });

function run(commands: CampaignCommand[], state: CampaignState = initialState()): { state: CampaignState; events: CampaignEvent[] } {
  const events: CampaignEvent[] = [];
  for (const c of commands) {
    const d = decide(c, state);
    if (!d.ok) throw new Error(`refused ${c.type}: ${d.error.code}`);
    for (const e of d.events) {
      state = evolve(state, e);
      events.push(e);
    }
  }
  return { state, events };
}
const types = (events: CampaignEvent[]) => events.map((e) => e.type);
const errorCode = (c: CampaignCommand, s: CampaignState) => {
  const d = decide(c, s);
  return d.ok ? null : d.error.code;
};
const scheduled = () => run([create, batch(0, 10, 8), seal(1), filtered(0, 6, 2), reserved(12)]).state;

describe('campaign decider', () => {
  it('creates an initiating campaign once; a repeated create is a no-op', () => {
    const { state, events } = run([create, create]);
    expect(types(events)).toEqual(['CampaignCreated']);
    expect(state.status).toBe('initiating');
  });

  it('prices the campaign only when every batch is recorded, filtered and sealed, in any order', () => {
    const orders: CampaignCommand[][] = [
      [create, batch(0, 10, 8), batch(1, 5, 5), filtered(0, 6, 2), seal(2), filtered(1, 5, 0)],
      [create, batch(0, 10, 8), filtered(0, 6, 2), batch(1, 5, 5), filtered(1, 5, 0), seal(2)],
      [create, seal(2), batch(0, 10, 8), batch(1, 5, 5), filtered(1, 5, 0), filtered(0, 6, 2)],
    ];
    for (const commands of orders) {
      const { events, state } = run(commands);
      const requests = events.filter((e) => e.type === 'CreditReservationRequested');
      expect(requests).toEqual([{ type: 'CreditReservationRequested', amount: 11 * 2, at }]);
      expect(events[events.length - 1].type).toBe('CreditReservationRequested'); // not before the last input
      expect(toView(state as Exclude<CampaignState, { status: 'absent' }>).recipients).toEqual({ received: 15, unique: 13, duplicates: 2, invalid: 1, optedOut: 2, accepted: 11 });
    }
  });

  it('fails with 499 when nobody is left after filtering', () => {
    const { state } = run([create, batch(0, 3, 3), seal(1), filtered(0, 0, 3)]);
    expect(state).toMatchObject({ status: 'failed', failureCode: 499 });
  });

  it('fails with the ledger’s code when the reservation is refused, and is scheduled when it succeeds', () => {
    const base = [create, batch(0, 3, 3), seal(1), filtered(0, 3, 0)];
    const refused = run([...base, { type: 'RecordReservation', reserved: false, amount: 6, failureCode: 488, failureMessage: 'Credit is not enough', at }]).state;
    expect(refused).toMatchObject({ status: 'failed', failureCode: 488, failureMessage: 'Credit is not enough' });
    const view = toView(refused as Exclude<CampaignState, { status: 'absent' }>);
    expect(view).toMatchObject({ failureCode: 488, failureMessage: 'Credit is not enough', total: 0 });
    const ok = run([...base, reserved(6)]).state;
    expect(ok.status).toBe('scheduled');
    expect(toView(ok as Exclude<CampaignState, { status: 'absent' }>)).not.toHaveProperty('failureCode');
    expect(toView(ok as Exclude<CampaignState, { status: 'absent' }>).total).toBe(6);
  });

  it('decides the race between the start timer and a cancel: exactly one wins', () => {
    const started = run([{ type: 'StartCampaign', at }], scheduled());
    expect(types(started.events)).toEqual(['CampaignStarted']);
    expect(errorCode({ type: 'CancelCampaign', at }, started.state)).toBe(487);

    const cancelled = run([{ type: 'CancelCampaign', at }], scheduled());
    expect(types(cancelled.events)).toEqual(['CampaignCancelled']);
    expect(run([{ type: 'StartCampaign', at }], cancelled.state).events).toEqual([]);
    expect(errorCode({ type: 'CancelCampaign', at }, cancelled.state)).toBe(487);
  });

  it('completes an in-progress campaign with the used credits, never more than reserved', () => {
    const s = run([{ type: 'StartCampaign', at }], scheduled()).state;
    const done = run([{ type: 'RecordDispatchCompleted', usedCredits: 999, at }], s).state;
    expect(done).toMatchObject({ status: 'completed', used: 12 });
    expect(toView(done as Exclude<CampaignState, { status: 'absent' }>).total).toBe(12);
  });

  it('expires an upload that never completed, but not a campaign already priced', () => {
    const stuck = run([create, batch(0, 10, 8)]).state;
    expect(run([{ type: 'ExpireInitiation', at }], stuck).state).toMatchObject({ status: 'failed', failureCode: 497 });
    const priced = run([create, batch(0, 3, 3), seal(1), filtered(0, 3, 0)]).state;
    expect(run([{ type: 'ExpireInitiation', at }], priced).events).toEqual([]);
    expect(run([{ type: 'ExpireInitiation', at }], scheduled()).events).toEqual([]);
  });

  it('answers 463 for commands on a campaign that does not exist', () => {
    expect(errorCode({ type: 'CancelCampaign', at }, initialState())).toBe(463);
    expect(errorCode(batch(0, 1, 1), initialState())).toBe(463);
  });
});

const ALLOWED = new Set(['initiating>scheduled', 'initiating>failed', 'scheduled>cancelled', 'scheduled>in-progress', 'in-progress>completed']);
const FINAL = new Set(['completed', 'failed', 'cancelled']);

describe('campaign lifecycle property', () => {
  const cmd: fc.Arbitrary<CampaignCommand> = fc.oneof(
    fc.record({ type: fc.constant('RecordRecipientBatch' as const), batchNo: fc.nat(3), received: fc.integer({ min: 1, max: 5 }), unique: fc.integer({ min: 0, max: 1 }), at: fc.constant(at) }),
    fc.record({ type: fc.constant('SealRecipients' as const), batchCount: fc.integer({ min: 0, max: 3 }), invalidCount: fc.nat(2), at: fc.constant(at) }),
    fc.record({ type: fc.constant('RecordFilteredBatch' as const), batchNo: fc.nat(3), accepted: fc.nat(1), optedOut: fc.nat(1), at: fc.constant(at) }),
    fc.record({ type: fc.constant('RecordReservation' as const), reserved: fc.boolean(), amount: fc.nat(10), at: fc.constant(at) }),
    fc.constant<CampaignCommand>({ type: 'StartCampaign', at }),
    fc.constant<CampaignCommand>({ type: 'CancelCampaign', at }),
    fc.record({ type: fc.constant('RecordDispatchCompleted' as const), usedCredits: fc.nat(20), at: fc.constant(at) }),
    fc.constant<CampaignCommand>({ type: 'ExpireInitiation', at }),
  );

  it('only follows the allowed edges, and a final status never changes', () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 40 }), (commands) => {
        let state = run([create]).state;
        for (const c of commands) {
          const d = decide(c, state);
          if (!d.ok) continue;
          for (const e of d.events) {
            const next = evolve(state, e);
            if (next.status !== state.status) {
              expect(FINAL.has(state.status)).toBe(false);
              expect(ALLOWED.has(`${state.status}>${next.status}`)).toBe(true);
            }
            state = next;
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
