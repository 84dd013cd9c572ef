import fc from 'fast-check';
import type { CampaignView } from '@clarion/contracts';
import { carrierOf } from '@clarion/contracts';
import { presentCampaign } from './present';
import { replaces } from './version';

const view: CampaignView & { version: number } = {
  sid: 'CP' + '1'.repeat(32),
  name: 'n',
  enterpriseSid: 'EN' + '2'.repeat(32),
  accountSid: 'AC' + '3'.repeat(32),
  accountEmail: 'a@b.c',
  channel: 'sms',
  body: 'hi',
  fromPrefix: '1',
  optOut: null,
  optIn: null,
  status: 'in-progress',
  startTime: '2026-01-01T10:00:00.000Z',
  dateCreated: '2026-01-01T09:59:58.123Z',
  dateUpdated: '2026-01-01T10:00:01.999Z',
  total: 3,
  recipients: { received: 3, unique: 3, duplicates: 0, invalid: 0, optedOut: 0, accepted: 3 },
  counts: { queued: 1, sent: 1, delivered: 1, undelivered: 0, failed: 0, 'opted-out': 0, expired: 0, unknown: 0 },
  version: 7,
  uri: '/campaignmanager/campaigns/search/CP' + '1'.repeat(32),
};

describe('read model version rule', () => {
  it('stores a record only over an older version', () => {
    expect(replaces(null, 1)).toBe(true);
    expect(replaces(3, 4)).toBe(true);
    expect(replaces(4, 4)).toBe(false);
    expect(replaces(5, 4)).toBe(false);
  });

  it('ends at the highest version whatever order and repeats the records arrive in (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 30 }), (versions) => {
        let stored: number | null = null;
        for (const v of versions) if (replaces(stored, v)) stored = v;
        expect(stored).toBe(Math.max(...versions));
      }),
    );
  });
});

describe('presenting a campaign', () => {
  it('gives every timestamp in the seed’s form, drops the version, and shows the carrier only while sending', () => {
    const carrier = { name: 'smpp', state: 'connected' as const, since: '2026-01-01T09:00:00.500Z' };
    const shown = presentCampaign(view, carrier);
    expect(shown).toMatchObject({
      startTime: '2026-01-01T10:00:00+0000',
      dateCreated: '2026-01-01T09:59:58+0000',
      dateUpdated: '2026-01-01T10:00:01+0000',
      carrier: { ...carrier, since: '2026-01-01T09:00:00+0000' },
    });
    expect(shown).not.toHaveProperty('version');
    expect(shown.counts).toEqual(view.counts);
    expect(presentCampaign({ ...view, status: 'completed' }, carrier)).not.toHaveProperty('carrier');
  });
});

describe('carrier state of running campaigns', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  it('is connected when any instance is bound, else the worst trouble since it began; stale reports count for nothing', () => {
    const now = Date.parse(at(100));
    const reports = [
      { carrier: 'smpp', state: 'unreachable' as const, since: at(10), detail: 'refused', reportedAt: at(95) },
      { carrier: 'smpp', state: 'connected' as const, since: at(20), reportedAt: at(99) },
    ];
    expect(carrierOf(reports, now, 90_000)).toEqual({ name: 'smpp', state: 'connected', since: at(20) });
    expect(carrierOf(reports.slice(0, 1), now, 90_000)).toEqual({ name: 'smpp', state: 'unreachable', since: at(10), detail: 'refused' });
    expect(carrierOf(reports, now, 1000)).toEqual({ name: 'smpp', state: 'connected', since: at(20) });
    expect(carrierOf(reports, now + 200_000, 90_000)).toBeUndefined();
  });
});
