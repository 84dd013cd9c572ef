import fc from 'fast-check';
import type { CampaignDefinition } from '@clarion/contracts';
import { decide, evolve, initialState, isNewerCount, toView, type CampaignCommand, type CampaignEvent, type CampaignState } from './campaign.decider';

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
      expect(toView(state as Exclude<CampaignState, { status: 'absent' }>).recipients).toEqual({ received: 15, unique: 13, duplicates: 2, invalid: 1, optedOut: 2, notOptedIn: 0, accepted: 11 });
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

  it('expires an upload that never completed, but not one whose batches all arrived, nor a campaign already priced', () => {
    const stuck = run([create, batch(0, 10, 8)]).state;
    expect(run([{ type: 'ExpireInitiation', at }], stuck).state).toMatchObject({ status: 'failed', failureCode: 497 });
    // Sealed with a batch missing: the upload is incomplete.
    const missingBatch = run([create, batch(0, 10, 8), seal(2)]).state;
    expect(run([{ type: 'ExpireInitiation', at }], missingBatch).state).toMatchObject({ status: 'failed', failureCode: 497 });
    // Every batch in, filtering still unanswered (dnd-svc down): the step watchdog waits on it, not this timer.
    const awaitingFilter = run([create, batch(0, 10, 8), seal(1)]).state;
    expect(run([{ type: 'ExpireInitiation', at }], awaitingFilter).events).toEqual([]);
    const priced = run([create, batch(0, 3, 3), seal(1), filtered(0, 3, 0)]).state;
    expect(run([{ type: 'ExpireInitiation', at }], priced).events).toEqual([]);
    expect(run([{ type: 'ExpireInitiation', at }], scheduled()).events).toEqual([]);
  });

  it('answers 463 for commands on a campaign that does not exist', () => {
    expect(errorCode({ type: 'CancelCampaign', at }, initialState())).toBe(463);
    expect(errorCode(batch(0, 1, 1), initialState())).toBe(463);
  });
});

const view = (s: CampaignState) => toView(s as Exclude<CampaignState, { status: 'absent' }>);
const zero = { queued: 0, sent: 0, delivered: 0, undelivered: 0, failed: 0, expired: 0, unknown: 0 };
const later = (ms: number) => new Date(Date.parse(at) + ms).toISOString();
const counts = (c: Partial<typeof zero>, asOfMs: number): CampaignCommand => ({ type: 'RecordDispatchCounts', counts: { ...zero, ...c }, asOf: later(asOfMs), at: later(asOfMs) });
const started = () => run([{ type: 'StartCampaign', at }], scheduled()).state;

describe('deleting a campaign', () => {
  it('given a scheduled campaign, when it is deleted, then CampaignDeleted, and it shows as it was (scheduled)', () => {
    const { state, events } = run([{ type: 'DeleteCampaign', at: later(5) }], scheduled());
    expect(events).toEqual([{ type: 'CampaignDeleted', at: later(5) }]);
    expect(state.status).toBe('deleted');
    expect(view(state)).toMatchObject({ status: 'scheduled', dateUpdated: later(5), total: 12 });
  });

  it('given a campaign that is not scheduled, when it is deleted, then 464', () => {
    expect(errorCode({ type: 'DeleteCampaign', at }, started())).toBe(464);
    expect(errorCode({ type: 'DeleteCampaign', at }, run([create]).state)).toBe(464);
    expect(errorCode({ type: 'DeleteCampaign', at }, run([{ type: 'CancelCampaign', at }], scheduled()).state)).toBe(464);
  });

  it('given no campaign, or a deleted one, when it is deleted or cancelled, then 463', () => {
    const deleted = run([{ type: 'DeleteCampaign', at }], scheduled()).state;
    expect(errorCode({ type: 'DeleteCampaign', at }, initialState())).toBe(463);
    expect(errorCode({ type: 'DeleteCampaign', at }, deleted)).toBe(463);
    expect(errorCode({ type: 'CancelCampaign', at }, deleted)).toBe(463);
  });

  it('races the start timer like a cancel: exactly one of them wins', () => {
    const deleted = run([{ type: 'DeleteCampaign', at }], scheduled()).state;
    for (const late of [{ type: 'StartCampaign', at }, { type: 'RecordDispatchCompleted', usedCredits: 3, at }, counts({ sent: 1 }, 10)] as CampaignCommand[]) {
      expect(run([late], deleted).events).toEqual([]);
    }
    expect(errorCode({ type: 'DeleteCampaign', at }, started())).toBe(464);
  });
});

describe('recipient counts', () => {
  it('given a scheduled campaign, then every accepted recipient is queued and the opted-out ones are counted', () => {
    expect(view(scheduled()).counts).toEqual({ ...zero, queued: 6, 'opted-out': 2 });
    expect(view(run([{ type: 'CancelCampaign', at }], scheduled()).state).counts).toEqual({ ...zero, queued: 0, 'opted-out': 2 });
  });

  it('given a running campaign, when dispatch reports counts, then the view shows them; an older or unchanged report changes nothing', () => {
    const s = run([counts({ queued: 2, sent: 3, delivered: 1 }, 1000)], started());
    expect(types(s.events)).toEqual(['DispatchCountsRecorded']);
    expect(view(s.state).counts).toEqual({ ...zero, queued: 2, sent: 3, delivered: 1, 'opted-out': 2 });
    expect(run([counts({ queued: 4, sent: 2 }, 500)], s.state).events).toEqual([]); // read before the one held
    expect(run([counts({ queued: 2, sent: 3, delivered: 1 }, 2000)], s.state).events).toEqual([]); // nothing new
  });

  it('given counts on a campaign that never started, then they are ignored', () => {
    expect(run([counts({ sent: 1 }, 1000)], scheduled()).events).toEqual([]);
    expect(run([counts({ sent: 1 }, 1000)], run([{ type: 'CancelCampaign', at }], scheduled()).state).events).toEqual([]);
  });

  it('given the completion with its final count, then the view has it exactly; a report read before it never overrides it, a later one does', () => {
    const running = run([counts({ queued: 1, sent: 5 }, 1000)], started()).state;
    const done = run([{ type: 'RecordDispatchCompleted', usedCredits: 12, counts: { ...zero, sent: 1, delivered: 5 }, countsAsOf: later(3000), at: later(3000) }], running);
    expect(done.events[0]).toMatchObject({ type: 'CampaignCompleted', counts: { ...zero, sent: 1, delivered: 5 }, countsAsOf: later(3000) });
    expect(view(done.state)).toMatchObject({ status: 'completed', counts: { ...zero, sent: 1, delivered: 5, 'opted-out': 2 } });
    expect(run([counts({ queued: 1, sent: 5 }, 2500)], done.state).events).toEqual([]);
    const receipt = run([counts({ delivered: 6 }, 4000)], done.state);
    expect(view(receipt.state).counts).toEqual({ ...zero, delivered: 6, 'opted-out': 2 });
    expect(receipt.state.status).toBe('completed');
  });

  it('given a report read after the completion that arrived before it, then the completion does not move the counts back', () => {
    const ahead = run([counts({ delivered: 6 }, 4000)], started()).state;
    const done = run([{ type: 'RecordDispatchCompleted', usedCredits: 12, counts: { ...zero, sent: 6 }, countsAsOf: later(3000), at: later(5000) }], ahead);
    expect(done.state.status).toBe('completed');
    expect(done.events[0]).not.toHaveProperty('counts');
    expect(view(done.state).counts).toEqual({ ...zero, delivered: 6, 'opted-out': 2 });
  });

  it('keeps a report only when it was read later and differs (the versioning rule)', () => {
    const held = { counts: { ...zero, sent: 2 }, asOf: later(1000) };
    expect(isNewerCount(undefined, held)).toBe(true);
    expect(isNewerCount(held, { counts: { ...zero, sent: 3 }, asOf: later(1001) })).toBe(true);
    expect(isNewerCount(held, { counts: { ...zero, sent: 3 }, asOf: later(1000) })).toBe(false);
    expect(isNewerCount(held, { counts: { ...zero, sent: 3 }, asOf: later(999) })).toBe(false);
    expect(isNewerCount(held, { counts: { ...zero, sent: 2 }, asOf: later(5000) })).toBe(false);
  });
});

const ALLOWED = new Set([
  'initiating>scheduled',
  'initiating>failed',
  'scheduled>cancelled',
  'scheduled>deleted',
  'scheduled>in-progress',
  'in-progress>completed',
  'in-progress>paused',
  'paused>in-progress',
  'paused>cancelled',
  'paused>completed',
]);
const FINAL = new Set(['completed', 'failed', 'cancelled', 'deleted']);

describe('campaign lifecycle property', () => {
  const cmd: fc.Arbitrary<CampaignCommand> = fc.oneof(
    fc.record({ type: fc.constant('RecordRecipientBatch' as const), batchNo: fc.nat(3), received: fc.integer({ min: 1, max: 5 }), unique: fc.integer({ min: 0, max: 1 }), at: fc.constant(at) }),
    fc.record({ type: fc.constant('SealRecipients' as const), batchCount: fc.integer({ min: 0, max: 3 }), invalidCount: fc.nat(2), at: fc.constant(at) }),
    fc.record({ type: fc.constant('RecordFilteredBatch' as const), batchNo: fc.nat(3), accepted: fc.nat(1), optedOut: fc.nat(1), at: fc.constant(at) }),
    fc.record({ type: fc.constant('RecordReservation' as const), reserved: fc.boolean(), amount: fc.nat(10), at: fc.constant(at) }),
    fc.constant<CampaignCommand>({ type: 'StartCampaign', at }),
    fc.constant<CampaignCommand>({ type: 'CancelCampaign', at }),
    fc.constant<CampaignCommand>({ type: 'DeleteCampaign', at }),
    fc.record({ type: fc.constant('RecordDispatchCompleted' as const), usedCredits: fc.nat(20), at: fc.constant(at) }),
    fc.constant<CampaignCommand>({ type: 'ExpireInitiation', at }),
    fc.constant<CampaignCommand>({ type: 'RecordDispatchPaused', reason: 'failure-rate', detail: '3 of the last 10 submits failed', at }),
    fc.constant<CampaignCommand>({ type: 'ResumeCampaign', at }),
    fc.constant<CampaignCommand>({ type: 'PauseCampaign', at }),
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

describe('campaign watchdog (CheckCampaign)', () => {
  const settings = { stepTimeoutMs: 60_000, stepRetriesMax: 2, runLimitMs: 3_600_000 };
  const check = (atIso: string): CampaignCommand => ({ type: 'CheckCampaign', at: atIso, ...settings });
  const later = (ms: number) => new Date(Date.parse(at) + ms).toISOString();
  const sealedAwaitingFilter = [create, batch(0, 3, 3), batch(1, 2, 2), seal(2), filtered(0, 3, 0)];

  it('does nothing before the step timeout', () => {
    expect(run([check(later(59_000))], run(sealedAwaitingFilter).state).events).toEqual([]);
  });

  it('re-requests the filtering of the batches still unfiltered, then fails with 495 past the retries', () => {
    let s = run(sealedAwaitingFilter).state;
    const first = run([check(later(61_000))], s);
    expect(first.events).toEqual([{ type: 'FilteringRerequested', batchNos: [1], at: later(61_000) }]);
    s = first.state;
    s = run([check(later(122_000))], s).state;
    const last = run([check(later(183_000))], s);
    expect(types(last.events)).toEqual(['CampaignFailed']);
    expect(last.state).toMatchObject({ status: 'failed', failureCode: 495, settlement: 'none' });
  });

  it('counts a batch answered twice (a re-request and the late original) once', () => {
    const s = run([...sealedAwaitingFilter, check(later(61_000)), filtered(1, 2, 0), filtered(1, 2, 0)]).state;
    expect(s.status).toBe('initiating');
    expect((s as Extract<CampaignState, { status: 'initiating' }>).counts).toMatchObject({ accepted: 5, optedOut: 0 });
    expect((s as Extract<CampaignState, { status: 'initiating' }>).reservationRequested).toBe(true);
  });

  it('leaves a campaign whose upload is not sealed to the initiation timeout', () => {
    expect(run([check(later(3_600_000))], run([create, batch(0, 3, 3)]).state).events).toEqual([]);
  });

  it('re-requests an unanswered reservation with its amount', () => {
    const s = run([create, batch(0, 3, 3), seal(1), filtered(0, 3, 0)]).state;
    expect(run([check(later(61_000))], s).events).toEqual([{ type: 'ReservationRerequested', amount: 6, at: later(61_000) }]);
  });

  it('re-requests the start of a scheduled campaign only once its start time has passed by a step', () => {
    const future = { ...def, startTime: later(600_000) };
    const s = run([{ type: 'CreateCampaign', def: future, at }, batch(0, 3, 3), seal(1), filtered(0, 3, 0), reserved(6)]).state;
    expect(run([check(later(300_000))], s).events).toEqual([]);
    expect(types(run([check(later(661_000))], s).events)).toEqual(['StartRerequested']);
  });

  it('asks a running campaign for its status, and fails it past its run limit, awaiting the final count to charge it', () => {
    const running = run([create, batch(0, 3, 3), seal(1), filtered(0, 3, 0), reserved(6), { type: 'StartCampaign', at }]).state;
    expect(types(run([check(later(61_000))], running).events)).toEqual(['DispatchStatusRerequested']);
    // Silence alone never fails a running campaign.
    let s = running;
    for (let i = 1; i <= 5; i++) s = run([check(later(i * 61_000))], s).state;
    expect(s.status).toBe('in-progress');
    const overRun = run([check(later(3_600_001))], running);
    expect(overRun.state).toMatchObject({ status: 'failed', failureCode: 496, settlement: 'awaiting-dispatch' });
    const settled = run([{ type: 'RecordDispatchCompleted', usedCredits: 4, at: later(3_700_000) }], overRun.state);
    expect(settled.events).toEqual([{ type: 'FailedCampaignSettled', usedCredits: 4, at: later(3_700_000) }]);
    expect(toView(settled.state as Exclude<CampaignState, { status: 'absent' }>).total).toBe(4);
    expect(run([{ type: 'RecordDispatchCompleted', usedCredits: 4, at: later(3_800_000) }], settled.state).events).toEqual([]); // charged once
  });

  it('treats progress as progress: a status answer resets the re-request count', () => {
    const running = run([create, batch(0, 3, 3), seal(1), filtered(0, 3, 0), reserved(6), { type: 'StartCampaign', at }]).state;
    const asked = run([check(later(61_000))], running).state;
    const answered = run([{ type: 'RecordDispatchProgress', remaining: 2, at: later(62_000) }], asked);
    expect(types(answered.events)).toEqual(['DispatchProgressRecorded']);
    expect((answered.state as { rerequests: number }).rerequests).toBe(0);
    expect(run([check(later(100_000))], answered.state).events).toEqual([]); // the answer bumped the clock
  });

  it('never double-counts recipients or leaves the lifecycle, whatever the watchdog interleaves', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 40 }), (picks) => {
        let s = run([create, batch(0, 3, 3), batch(1, 2, 2), seal(2)]).state;
        let t = 0;
        for (const p of picks) {
          t += 30_000;
          const c: CampaignCommand =
            p <= 2
              ? check(later(t))
              : p === 3
                ? filtered(0, 3, 0)
                : p === 4
                  ? filtered(1, 1, 1)
                  : p === 5
                    ? reserved(8)
                    : p === 6
                      ? { type: 'StartCampaign', at: later(t) }
                      : { type: 'RecordDispatchCompleted', usedCredits: 8, at: later(t) };
          const d = decide(c, s);
          if (!d.ok) continue;
          for (const e of d.events) s = evolve(s, e);
          if (s.status !== 'absent') {
            expect(s.counts.accepted).toBeLessThanOrEqual(4);
            expect(s.counts.optedOut).toBeLessThanOrEqual(1);
            expect(['initiating', 'scheduled', 'in-progress', 'completed', 'failed']).toContain(s.status);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('auto-pause (DispatchPaused, resume, cancel from paused)', () => {
  const running = () => run([{ type: 'StartCampaign', at }], scheduled()).state;
  const t = (ms: number) => new Date(Date.parse(at) + ms).toISOString();
  const pause: CampaignCommand = { type: 'RecordDispatchPaused', reason: 'failure-rate', detail: '62 of the last 200 submits failed', at: t(1000) };

  it('pauses a running campaign with its reason, once; the view shows it', () => {
    const { state, events } = run([pause, pause], running());
    expect(types(events)).toEqual(['CampaignPaused']);
    expect(state.status).toBe('paused');
    if (state.status === 'absent') throw new Error('absent');
    expect(toView(state)).toMatchObject({ status: 'paused', pauseReason: 'failure-rate: 62 of the last 200 submits failed' });
    // A pause that arrives after the campaign ended changes nothing.
    const done = run([{ type: 'RecordDispatchCompleted', usedCredits: 4, at }], running()).state;
    expect(run([pause], done).events).toEqual([]);
  });

  it('resumes only a paused campaign (else 487), and the view drops the reason', () => {
    expect(errorCode({ type: 'ResumeCampaign', at }, running())).toBe(487);
    expect(errorCode({ type: 'ResumeCampaign', at }, scheduled())).toBe(487);
    const { state, events } = run([pause, { type: 'ResumeCampaign', at: t(61_000) }], running());
    expect(types(events)).toEqual(['CampaignPaused', 'CampaignResumed']);
    expect(state.status).toBe('in-progress');
    if (state.status === 'absent') throw new Error('absent');
    expect(toView(state).pauseReason).toBeUndefined();
  });

  it('pauses at the account’s request only a running campaign (else 487); a second pause changes nothing', () => {
    expect(errorCode({ type: 'PauseCampaign', at }, scheduled())).toBe(487);
    const { state, events } = run(
      [
        { type: 'PauseCampaign', at },
        { type: 'PauseCampaign', at },
      ],
      running(),
    );
    expect(types(events)).toEqual(['CampaignPaused']);
    expect(state.status).toBe('paused');
    if (state.status === 'absent') throw new Error('absent');
    expect(toView(state).pauseReason).toBe('paused: by the account');
  });

  it('edits a campaign until it starts; a start asked before its (moved) start time waits', () => {
    const later = new Date(Date.parse(at) + 3600_000).toISOString();
    const { state, events } = run([{ type: 'EditCampaign', changes: { name: 'Renamed', startTime: later }, at }], scheduled());
    expect(types(events)).toEqual(['CampaignEdited']);
    expect(run([{ type: 'StartCampaign', at }], state).events).toEqual([]);
    expect(types(run([{ type: 'StartCampaign', at: later }], state).events)).toEqual(['CampaignStarted']);
    if (state.status === 'absent') throw new Error('absent');
    expect(toView(state)).toMatchObject({ name: 'Renamed', startTime: later });
    expect(errorCode({ type: 'EditCampaign', changes: { name: 'x' }, at }, running())).toBe(487);
    // The hold was priced on the count of retries: it cannot change.
    const retries = { count: 1, intervalMins: 1, mechanism: 'linear' as const, onStatus: ['busy' as const] };
    expect(errorCode({ type: 'EditCampaign', changes: { voiceOptions: { retries, endAt: null, webhooks: null, customField: null, callDuplicateNumbers: false } }, at }, scheduled())).toBe(4001);
  });

  it('changes a voice campaign’s webhook URLs until it ends, and never an SMS campaign’s', () => {
    const webhooks = { statusCallback: 'https://example.com/s', callStatusCallback: null, callScheduleCallback: null };
    expect(errorCode({ type: 'UpdateWebhooks', webhooks, at }, running())).toBe(487);
    const voice = run([{ ...create, def: { ...def, channel: 'voice', rcmlUrl: 'https://example.com/flow' } } as CampaignCommand]).state;
    const { state } = run([{ type: 'UpdateWebhooks', webhooks, at }], voice);
    if (state.status === 'absent') throw new Error('absent');
    expect(toView(state).voiceOptions?.webhooks).toEqual(webhooks);
  });

  it('the watchdog never fails a paused campaign, and the run limit leaves out the time paused', () => {
    const settings = { stepTimeoutMs: 60_000, stepRetriesMax: 2, runLimitMs: 3_600_000 };
    const paused = run([pause], running()).state;
    expect(run([{ type: 'CheckCampaign', at: t(10 * 3_600_000), ...settings }], paused).events).toEqual([]);
    // Paused for 9 h, then resumed: an hour of sending later it is within its limit, 2 h later it is not.
    const resumed = run([{ type: 'ResumeCampaign', at: t(9 * 3_600_000) }], paused).state;
    expect(types(run([{ type: 'CheckCampaign', at: t(9.5 * 3_600_000), ...settings }], resumed).events)).not.toContain('CampaignFailed');
    expect(types(run([{ type: 'CheckCampaign', at: t(11 * 3_600_000), ...settings }], resumed).events)).toContain('CampaignFailed');
  });

  it('cancels a paused campaign and charges what dispatch reports it sent, as a failed running one', () => {
    const { state, events } = run([pause, { type: 'CancelCampaign', at }, { type: 'RecordDispatchCompleted', usedCredits: 4, at }], running());
    expect(types(events)).toEqual(['CampaignPaused', 'CampaignCancelled', 'FailedCampaignSettled']);
    expect(state.status).toBe('cancelled');
    if (state.status === 'absent') throw new Error('absent');
    expect(toView(state).total).toBe(4);
    // A running campaign that is not paused still cannot be cancelled (seed 000).
    expect(errorCode({ type: 'CancelCampaign', at }, running())).toBe(487);
  });
});
