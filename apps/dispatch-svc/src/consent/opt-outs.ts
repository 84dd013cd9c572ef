import type { ConsentChanged } from '@clarion/contracts';
import { fromWire } from '@clarion/platform';
import type { Sql } from '../sending/sends.repository';

/** What one batch of consent changes does to the opt-out lists: numbers to put on, numbers to take off. */
export interface OptOutDelta {
  add: { enterpriseSid: string; msisdn: string }[];
  remove: { enterpriseSid: string; msisdn: string }[];
}

/** A record of consent.changes.v1, read: a change, one that is not about an opt-out list, or one that can never be read. */
export type ParsedConsent = { kind: 'change'; enterpriseSid: string; msisdn: string; optedOut: boolean } | { kind: 'ignored' } | { kind: 'poison'; reason: string };

/** Reads one record (pure). Only changes of the opt-out list (optInList null) concern dispatch. */
export function parseConsentRecord(value: Buffer | string | null): ParsedConsent {
  if (value === null) return { kind: 'poison', reason: 'empty record' };
  let m: ConsentChanged;
  try {
    m = fromWire(JSON.parse(value.toString())) as ConsentChanged; // as the relay writes public topics: the data flattened
  } catch (err) {
    return { kind: 'poison', reason: `not JSON: ${(err as Error).message}` };
  }
  if (m?.type !== 'ConsentChanged') return { kind: 'ignored' };
  const d = m.data;
  if (!d || typeof d.enterpriseSid !== 'string' || typeof d.phoneNumber !== 'string' || (d.consent !== 'opted-out' && d.consent !== 'opted-in')) {
    return { kind: 'poison', reason: 'ConsentChanged without enterpriseSid, phoneNumber or a known consent' };
  }
  if (d.optInList !== null) return { kind: 'ignored' };
  return { kind: 'change', enterpriseSid: d.enterpriseSid, msisdn: d.phoneNumber, optedOut: d.consent === 'opted-out' };
}

/**
 * Folds a batch of changes, in the order they were published, into the lists' final difference
 * (pure): the last change of a number wins, so an opt-out followed by an opt-in in the same batch
 * leaves the number off the list, as applying them one by one would.
 */
export function foldChanges(changes: { enterpriseSid: string; msisdn: string; optedOut: boolean }[]): OptOutDelta {
  const last = new Map<string, { enterpriseSid: string; msisdn: string; optedOut: boolean }>();
  for (const c of changes) last.set(`${c.enterpriseSid}\u0000${c.msisdn}`, c);
  const delta: OptOutDelta = { add: [], remove: [] };
  for (const c of last.values()) (c.optedOut ? delta.add : delta.remove).push({ enterpriseSid: c.enterpriseSid, msisdn: c.msisdn });
  return delta;
}

/**
 * Applies a batch's difference in two set-based statements. Both are idempotent, so a batch read
 * again after a crash (its offset not yet committed) changes nothing: no inbox is needed.
 */
export async function applyOptOutDelta(tx: Sql, delta: OptOutDelta): Promise<void> {
  if (delta.remove.length > 0) {
    await tx.query(`DELETE FROM opt_outs o USING unnest($1::text[], $2::text[]) AS x(e, m) WHERE o.enterprise_sid = x.e AND o.msisdn = x.m`, [
      delta.remove.map((r) => r.enterpriseSid),
      delta.remove.map((r) => r.msisdn),
    ]);
  }
  if (delta.add.length > 0) {
    await tx.query(`INSERT INTO opt_outs (enterprise_sid, msisdn) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, [
      delta.add.map((r) => r.enterpriseSid),
      delta.add.map((r) => r.msisdn),
    ]);
  }
}
