import { parseFromNumbers, validateCampaignFields } from './campaign-request';

const now = new Date('2026-06-01T12:00:00Z');
const code = (fields: Record<string, string>, hasFromFile = false) => {
  const r = validateCampaignFields(fields, hasFromFile, now);
  return r.ok ? null : r.error.code;
};

describe('create-campaign fields', () => {
  const valid = { name: 'n', body: 'Happy New Year', fromPrefix: '91' };
  it('names the missing mandatory field with 4000', () => {
    const r = validateCampaignFields({ body: 'x', fromPrefix: '1' }, false, now);
    expect(r).toMatchObject({ ok: false, error: { code: 4000, status: 409 } });
    expect(!r.ok && r.error.message).toContain('name');
    expect(code({ name: 'n', fromPrefix: '1' })).toBe(4000);
    expect(code({ name: 'n', body: 'b' })).toBe(4000);
    expect(code({ name: 'n', body: 'b' }, true)).toBeNull();
  });
  it('checks the start time: 498 when malformed, 489 when past', () => {
    expect(code({ ...valid, startTime: '2026/07/01' })).toBe(498);
    expect(code({ ...valid, startTime: '2026-05-31T23:59:59' })).toBe(489);
    const r = validateCampaignFields({ ...valid, startTime: '2026-06-01T18:00:00+0530' }, false, now);
    expect(r.ok && r.value.startTime?.toISOString()).toBe('2026-06-01T12:30:00.000Z');
  });
  it('prices a short GSM body at one credit and a long one by segments', () => {
    const short = validateCampaignFields(valid, false, now);
    expect(short.ok && short.value.creditsPerRecipient).toBe(1);
    const long = validateCampaignFields({ ...valid, body: 'x'.repeat(200) }, false, now);
    expect(long.ok && long.value.creditsPerRecipient).toBe(2);
  });
  it('refuses voice (not yet available), unknown channels and over-long bodies', () => {
    expect(code({ ...valid, channel: 'voice' })).toBe(4001);
    expect(code({ ...valid, channel: 'fax' })).toBe(4001);
    expect(code({ ...valid, body: 'x'.repeat(1601) })).toBe(4001);
  });
  it('reads from numbers as E.164 or alphanumeric sender ids', () => {
    expect(parseFromNumbers(['919960639903', ' +1 415 555 0100 ', 'ACME', '', 'bad!number'])).toEqual(['+919960639903', '+14155550100', 'ACME']);
  });
});
