/**
 * A small read-through cache for the gateway's hottest reads (one campaign by sid, the carrier's
 * state): entries are fresh for `ttlMs` (so a view another gateway instance stored is seen about that
 * late), at most `max` of them (the oldest go first). Past its time to live an entry is still served,
 * for at most `staleMs` more, while one load refreshes it in the background: waiting for that load
 * would hold every poll of the campaign behind one query, and under a dispatching campaign's load that
 * query took up to 200 ms — the GET's tail latency. Only a key held by nothing (or held too long)
 * waits, and concurrent waits share one load. Writes of this instance go through it, newer versions
 * only, so a client's own command is seen at once. Pure apart from the clock it is given.
 */
export class ViewCache<V extends { version: number }> {
  private readonly entries = new Map<string, { at: number; value: V | null }>();
  private readonly loading = new Map<string, Promise<V | null>>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number = Date.now,
    private readonly staleMs: number = 10 * ttlMs,
  ) {}

  async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    if (this.ttlMs <= 0) return load(); // off: every read goes to the database
    const hit = this.entries.get(key);
    const age = hit ? this.now() - hit.at : Infinity;
    if (hit && age < this.ttlMs) return hit.value;
    const pending = this.loading.get(key) ?? this.refresh(key, load);
    if (hit && age < this.ttlMs + this.staleMs) return hit.value;
    return pending;
  }

  private refresh(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const p = load()
      .then((value) => {
        this.put(key, value, true);
        return value;
      })
      .finally(() => this.loading.delete(key));
    // Served stale meanwhile, nobody may be waiting: a failed refresh is retried by the next read.
    p.catch(() => undefined);
    this.loading.set(key, p);
    return p;
  }

  /**
   * A value this instance wrote, or (`loaded`) one just read. Whichever version is newer is kept: a
   * load that started before a write must not undo it. A load renews the entry's time either way.
   */
  put(key: string, value: V | null, loaded = false): void {
    const held = this.entries.get(key)?.value ?? null;
    const heldIsNewer = held !== null && (value === null || held.version > value.version);
    if (heldIsNewer && !loaded) return;
    this.entries.delete(key); // re-inserted last: Map order is the eviction order
    this.entries.set(key, { at: this.now(), value: heldIsNewer ? held : value });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}
