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
    now += 1;
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
