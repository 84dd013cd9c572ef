/**
 * The read model's one rule: a record replaces what is stored only when its version (the campaign
 * stream's version when the view was made) is higher. So records that arrive out of order, twice,
 * or replayed from the start of the topic never move a campaign back, and a removal (the stream's
 * last event) is never undone. campaign-views.repository.ts states the same rule in SQL.
 */
export function replaces(stored: number | null, incoming: number): boolean {
  return stored === null || incoming > stored;
}
