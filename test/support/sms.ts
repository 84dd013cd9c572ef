/* Test helpers for what reaches the carrier: the parts of concatenated messages and each recipient's send state. */
import { Client } from 'pg';
import type { RawPart } from '../../tools/smsc-sim/src/smsc-simulator';
import { waitFor } from './stack';

const UDH_INDICATOR = 0x40;
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

/** GSM-7 septets of a text, counted independently of the encoder: an extension character takes two (escape and code). */
export const septets = (text: string) => Array.from(text).reduce((n, ch) => n + (GSM_EXTENSION.has(ch) ? 2 : 1), 0);

/**
 * The parts one message to `to` arrived in, ordered by their number, after checking that they
 * are tied together as `mode` says: a UDH of IE 0x00 (length 3, one reference for all parts, the
 * total, numbers 1..n) behind the UDH indicator, or SAR TLVs with neither indicator nor header.
 */
export function expectParts(parts: readonly RawPart[], to: string, mode: 'udh' | 'sar', total: number): RawPart[] {
  const mine = parts.filter((p) => p.to === to);
  expect(mine).toHaveLength(total);
  const tie = (p: RawPart) => (mode === 'udh' ? { ref: p.udh![3], total: p.udh![4], seq: p.udh![5] } : p.sar!);
  for (const p of mine) {
    if (mode === 'udh') {
      expect(p.esmClass & UDH_INDICATOR).toBe(UDH_INDICATOR);
      expect(p.udh).toEqual([0x05, 0x00, 0x03, expect.any(Number), total, expect.any(Number)]);
      expect(p.sar).toBeNull();
    } else {
      expect(p.esmClass & UDH_INDICATOR).toBe(0);
      expect(p.udh).toBeNull();
      expect(p.sar).toEqual({ ref: expect.any(Number), total, seq: expect.any(Number) });
    }
  }
  const ordered = [...mine].sort((a, b) => tie(a).seq - tie(b).seq);
  expect(ordered.map((p) => tie(p).seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  expect(new Set(mine.map((p) => tie(p).ref)).size).toBe(1);
  return ordered;
}

/** Each recipient's send state in dispatch-svc's `sends` table (its schema `dispatch`), by number. */
export async function sendStates(databaseUrl: string, campaignSid: string): Promise<Map<string, string>> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const rows = await db.query<{ msisdn: string; state: string }>('SELECT msisdn, state FROM dispatch.sends WHERE campaign_sid = $1', [campaignSid]);
    return new Map(rows.rows.map((r) => [r.msisdn, r.state]));
  } finally {
    await db.end();
  }
}

/** Waits until every one of `count` sends has left `sent` (its receipt came) and returns their states. */
export function waitForReceipts(databaseUrl: string, campaignSid: string, count: number, timeoutMs = 60000): Promise<Map<string, string>> {
  return waitFor(
    `receipts for ${count} sends of ${campaignSid}`,
    async () => {
      const states = await sendStates(databaseUrl, campaignSid);
      const waiting = [...states.values()].filter((s) => s === 'queued' || s === 'sending' || s === 'sent').length;
      if (states.size === count && waiting === 0) return states;
      throw new Error(`${states.size} sends, ${waiting} still waiting`);
    },
    timeoutMs,
  );
}
