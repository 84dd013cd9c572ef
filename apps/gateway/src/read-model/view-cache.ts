/**
 * A small read-through cache for the gateway's hottest read, one campaign by sid: entries live
 * `ttlMs` (so a view another gateway instance stored is seen at most that late), at most `max` of
 * them (the oldest go first), and concurrent misses of one key share one load (a burst of polls of a
 * campaign costs one query). Writes of this instance go through it, newer versions only, so a
 * client's own command is seen at once. Pure apart from the clock it is given.
 */
export class ViewCache<V extends { version: number }> {
  private readonly entries = new Map<string, { at: number; value: V | null }>();
  private readonly loading = new Map<string, Promise<V | null>>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    if (this.ttlMs <= 0) return load(); // off: every read goes to the database
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const p = load()
      .then((value) => {
        this.put(key, value, true);
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, p);
    return p;
  }

  /** A value this instance wrote: kept unless a newer version is held already. `replace`: a fresh load, kept as read. */
  put(key: string, value: V | null, replace = false): void {
    const held = this.entries.get(key)?.value;
    if (!replace && held && value && held.version > value.version) return;
    this.entries.delete(key); // re-inserted last: Map order is the eviction order
    this.entries.set(key, { at: this.now(), value });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
