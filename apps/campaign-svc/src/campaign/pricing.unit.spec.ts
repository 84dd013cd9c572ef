import fc from 'fast-check';
import { fillTemplate, type CampaignDefinition, type RecipientFields } from '@clarion/contracts';
import { segmentsFor } from '@clarion/smpp';
import { decide, evolve, initialState, type CampaignCommand, type CampaignEvent, type CampaignState } from './campaign.decider';
import { creditsOfBatch } from './pricing';

const at = '2026-01-01T00:00:00.000Z';
const def = (body: string, channel: 'sms' | 'voice' = 'sms'): CampaignDefinition => ({
  campaignSid: 'CP' + '1'.repeat(32),
  enterpriseSid: 'EN' + '2'.repeat(32),
  accountSid: 'AC' + '3'.repeat(32),
  accountEmail: 'a@b.c',
  name: 'n',
  channel,
  body,
  creditsPerRecipient: channel === 'sms' ? segmentsFor(fillTemplate(body, null)) : 1,
  fromNumbers: [],
  fromPrefix: '91',
  startTime: null,
  optOut: null,
  optIn: null,
});

function run(commands: CampaignCommand[]): { state: CampaignState; events: CampaignEvent[] } {
  let state = initialState();
  const events: CampaignEvent[] = [];
  for (const c of commands) {
    const d = decide(c, state);
    if (!d.ok) throw new Error(`refused ${c.type}`);
    for (const e of d.events) {
      state = evolve(state, e);
      events.push(e);
    }
  }
  return { state, events };
}

describe('personalised pricing (seed 001)', () => {
  const body = 'Dear {{name}}, your code is {{custom1}}.';

  it('reserves the exact sum of each accepted recipient’s own segments, over batches', () => {
    const long = 'x'.repeat(150); // 1 segment alone, 2 once the body is around it
    const b0: Array<RecipientFields | null> = [{ name: 'Ann', custom1: '1' }, { name: long }, null];
    const b1: Array<RecipientFields | null> = [{ name: 'Дмитрий', custom1: '7' }]; // UCS-2: 70 per segment
    const expected = [...b0, ...b1].reduce((n, f) => n + segmentsFor(fillTemplate(body, f)), 0);
    expect(expected).toBe(1 + 2 + 1 + 1);
    const { events, state } = run([
      { type: 'CreateCampaign', def: def(body), at },
      { type: 'RecordRecipientBatch', batchNo: 0, received: 3, unique: 3, at },
      { type: 'RecordRecipientBatch', batchNo: 1, received: 1, unique: 1, at },
      { type: 'SealRecipients', batchCount: 2, invalidCount: 0, at },
      { type: 'RecordFilteredBatch', batchNo: 0, accepted: 3, optedOut: 0, acceptedFields: b0, at },
      { type: 'RecordFilteredBatch', batchNo: 1, accepted: 1, optedOut: 0, acceptedFields: b1, at },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'CreditReservationRequested', amount: expected });
    expect(state.status === 'initiating' && state.acceptedCredits).toBe(expected);
  });

  it('prices a body without placeholders, and voice, per recipient without rendering', () => {
    expect(creditsOfBatch(def('x'.repeat(200)), 3, [{ name: 'a'.repeat(100) }, null, null])).toBe(6);
    expect(creditsOfBatch(def('', 'voice'), 4, undefined)).toBe(4);
  });

  it('equals the sum of segmentsFor over the rendered texts for any fields', () => {
    const field = fc.option(fc.string({ maxLength: 100 }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(fc.option(fc.record({ name: field, custom1: field, custom2: field }), { nil: null }), { maxLength: 20 }), (fields) => {
        const d = def('Hi {{name}} {{custom1}}/{{custom2}} ' + 'y'.repeat(120));
        return creditsOfBatch(d, fields.length, fields) === fields.reduce((n, f) => n + segmentsFor(fillTemplate(d.body, f)), 0);
      }),
    );
  });
});
