import { ViewCache } from './view-cache';

describe('the campaign view cache', () => {
  let now = 0;
  const cache = () => new ViewCache<{ version: number; name: string }>(250, 2, () => now);

  it('serves a view for its time to live, then reads it again', async () => {
    const c = cache();
    let loads = 0;
    const load = async () => ({ version: ++loads, name: 'a' });
    expect(await c.get('x', load)).toEqual({ version: 1, name: 'a' });
    now += 249;
    expect(await c.get('x', load)).toEqual({ version: 1, name: 'a' });
    expect(loads).toBe(1);
    now += 1;
    // Expired: still served while the second read runs, which the next request sees.
    expect(await c.get('x', load)).toEqual({ version: 1, name: 'a' });
    expect(loads).toBe(2);
    await new Promise((r) => setImmediate(r));
    expect(await c.get('x', load)).toEqual({ version: 2, name: 'a' });
  });

  it('shares one load among concurrent misses', async () => {
    const c = cache();
    let loads = 0;
    const load = () => new Promise<{ version: number; name: string }>((resolve) => setTimeout(() => resolve({ version: ++loads, name: 'a' }), 5));
    const got = await Promise.all([c.get('x', load), c.get('x', load), c.get('x', load)]);
    expect(loads).toBe(1);
    expect(got.map((g) => g?.version)).toEqual([1, 1, 1]);
  });

  it('keeps what this instance wrote unless it is older, and holds at most `max` entries', async () => {
    const c = cache();
    c.put('x', { version: 3, name: 'new' });
    c.put('x', { version: 2, name: 'old' });
    expect(await c.get('x', async () => null)).toEqual({ version: 3, name: 'new' });
    c.put('y', { version: 1, name: 'y' });
    c.put('z', { version: 1, name: 'z' });
    let loaded = false;
    await c.get('x', async () => ((loaded = true), null));
    expect(loaded).toBe(true); // x was the oldest, evicted by z
  });
});

describe('the campaign view cache past its time to live', () => {
  let now = 0;
  const cache = () => new ViewCache<{ version: number; name: string }>(250, 10, () => now, 1000);
  const deferred = () => {
    let resolve!: (v: { version: number; name: string } | null) => void;
    const promise = new Promise<{ version: number; name: string } | null>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('serves the held view at once while one load refreshes it, then the fresh one', async () => {
    now = 0;
    const c = cache();
    c.put('x', { version: 1, name: 'held' });
    now = 300;
    const slow = deferred();
    let loads = 0;
    const load = () => (loads++, slow.promise);
    // Neither poll waits for the slow query; both start only one.
    expect(await c.get('x', load)).toEqual({ version: 1, name: 'held' });
    expect(await c.get('x', load)).toEqual({ version: 1, name: 'held' });
    expect(loads).toBe(1);
    slow.resolve({ version: 2, name: 'fresh' });
    await slow.promise;
    await new Promise((r) => setImmediate(r));
    expect(await c.get('x', load)).toEqual({ version: 2, name: 'fresh' });
    expect(loads).toBe(1);
  });

  it('waits for the load once the held view is older than its time to live and the stale allowance', async () => {
    now = 0;
    const c = cache();
    c.put('x', { version: 1, name: 'held' });
    now = 250 + 1000;
    expect(await c.get('x', async () => ({ version: 5, name: 'read' }))).toEqual({ version: 5, name: 'read' });
  });

  it('keeps a write that lands while an older load is under way, and a failed refresh leaves the held view', async () => {
    now = 0;
    const c = cache();
    c.put('x', { version: 1, name: 'held' });
    now = 300;
    const slow = deferred();
    await c.get('x', () => slow.promise);
    c.put('x', { version: 3, name: 'written' });
    slow.resolve({ version: 2, name: 'read before the write' });
    await new Promise((r) => setImmediate(r));
    expect(await c.get('x', async () => null)).toEqual({ version: 3, name: 'written' });

    now = 700;
    let failed = 0;
    const failing = () => (failed++, Promise.reject(new Error('database unreachable')));
    expect(await c.get('x', failing)).toEqual({ version: 3, name: 'written' });
    await new Promise((r) => setImmediate(r));
    // The next read tries again.
    expect(await c.get('x', failing)).toEqual({ version: 3, name: 'written' });
    expect(failed).toBe(2);
  });
});
