import type { Tx } from './tx';

export interface StoredEvent<E = { type: string; data: unknown }> {
  streamId: string;
  version: number;
  event: E;
  metadata: Record<string, unknown>;
}

/** Another writer appended to the stream first; the caller reloads and decides again. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
  ) {
    super(`stream ${streamId} is past version ${expectedVersion}`);
  }
}

export interface Decider<State, Event extends { type: string }> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
}

/**
 * Loads a stream's state: the latest snapshot plus the events after it. The snapshot is only a
 * cache of evolve over the events (it is rewritten with every append) so a stream of thousands of
 * recipient batches does not replay from the start on each command.
 */
export async function loadStream<State, Event extends { type: string }>(
  tx: Tx,
  streamId: string,
  decider: Pick<Decider<State, Event>, 'initialState' | 'evolve'>,
  upcast: (raw: { type: string; data: unknown; schemaVersion: number }) => Event = (raw) => ({ type: raw.type, ...(raw.data as object) }) as unknown as Event,
): Promise<{ state: State; version: number }> {
  const [snap] = await tx.query<{ version: number; state: State }>('SELECT version, state FROM snapshots WHERE stream_id = $1', [streamId]);
  let state = snap ? snap.state : decider.initialState();
  let version = snap ? snap.version : 0;
  const rows = await tx.query<{ version: number; type: string; data: unknown; metadata: { schemaVersion?: number } }>(
    'SELECT version, type, data, metadata FROM events WHERE stream_id = $1 AND version > $2 ORDER BY version',
    [streamId, version],
  );
  for (const r of rows) {
    state = decider.evolve(state, upcast({ type: r.type, data: r.data, schemaVersion: r.metadata?.schemaVersion ?? 1 }));
    version = r.version;
  }
  return { state, version };
}

/** Appends events if the stream is still at expectedVersion, and stores the new snapshot. */
export async function appendToStream<State>(
  tx: Tx,
  streamId: string,
  expectedVersion: number,
  events: { type: string; data: unknown }[],
  metadata: Record<string, unknown>,
  newState: State,
): Promise<number> {
  if (events.length === 0) return expectedVersion;
  try {
    await tx.query(
      `INSERT INTO events (stream_id, version, type, data, metadata)
       SELECT $1, v, t, d::jsonb, $5::jsonb FROM unnest($2::int[], $3::text[], $4::text[]) AS x(v, t, d)`,
      [streamId, events.map((_, i) => expectedVersion + i + 1), events.map((e) => e.type), events.map((e) => JSON.stringify(e.data)), JSON.stringify({ schemaVersion: 1, ...metadata })],
    );
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new ConcurrencyError(streamId, expectedVersion);
    throw err;
  }
  const version = expectedVersion + events.length;
  await tx.query(
    `INSERT INTO snapshots (stream_id, version, state) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state`,
    [streamId, version, JSON.stringify(newState)],
  );
  return version;
}
