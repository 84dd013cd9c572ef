import { AccountLimits, takeToken } from './account-limits';

describe('account limits', () => {
  it('lets a burst through, then one request per refill interval, and says how long to wait', () => {
    let bucket;
    const results: (number | null)[] = [];
    for (let i = 0; i < 5; i++) {
      const t = takeToken(bucket, 1000, 2, 3);
      bucket = t.bucket;
      results.push(t.ok ? null : t.retryAfterSeconds);
    }
    expect(results).toEqual([null, null, null, 1, 1]);
    expect(takeToken(bucket, 1500, 2, 3).ok).toBe(true); // half a second refills one token at 2/s
  });

  it('never refills above the burst', () => {
    const t = takeToken({ tokens: 0, atMs: 0 }, 3_600_000, 10, 5);
    expect(t.ok && t.bucket.tokens).toBe(4);
  });

  it('limits each account on its own', () => {
    const limits = new AccountLimits({ requestsPerSecond: 1, requestsBurst: 2, uploadsConcurrentMax: 2, accountsMax: 10 });
    expect([limits.request('A', 0), limits.request('A', 0), limits.request('A', 0)]).toEqual([null, null, 1]);
    expect(limits.request('B', 0)).toBeNull();
  });

  it('counts concurrent uploads and frees a slot once, however often it is released', () => {
    const limits = new AccountLimits({ requestsPerSecond: 1, requestsBurst: 1, uploadsConcurrentMax: 2, accountsMax: 10 });
    const a = limits.startUpload('A')!;
    const b = limits.startUpload('A')!;
    expect(limits.startUpload('A')).toBeNull();
    expect(limits.startUpload('B')).not.toBeNull();
    a();
    a();
    expect(limits.startUpload('A')).not.toBeNull();
    expect(limits.startUpload('A')).toBeNull();
    b();
  });

  it('forgets the idlest account past its bound', () => {
    const limits = new AccountLimits({ requestsPerSecond: 1, requestsBurst: 1, uploadsConcurrentMax: 1, accountsMax: 2 });
    limits.request('A', 0);
    limits.request('B', 0);
    limits.request('C', 0);
    expect(limits.request('A', 0)).toBeNull(); // A was forgotten: a fresh bucket
    expect(limits.request('C', 0)).toBe(1);
  });
});
