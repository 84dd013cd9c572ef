import type { ConsentChange } from '@clarion/contracts';

export interface ConsentRow extends ConsentChange {
  messageId: string;
}

export type ParsedConsentRecord = { kind: 'row'; row: ConsentRow } | { kind: 'ignored' } | { kind: 'poison'; reason: string };

const E164 = /^\+[1-9][0-9]{1,14}$/;
const CONSENTS = new Set(['opted-out', 'opted-in']);
const SOURCES = new Set(['reply', 'upload', 'api']);
const textOrNull = (v: unknown) => v === null || v === undefined || typeof v === 'string';

/**
 * One record of the public consent.changes.v1 (its fields at the top level, next to type and
 * metadata). Other types are none of the read model's business; a record that breaks the
 * contract can never be applied.
 */
export function parseConsentRecord(value: Buffer | string | null): ParsedConsentRecord {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(value === null ? 'null' : value.toString());
  } catch (err) {
    return { kind: 'poison', reason: `undecodable record: ${(err as Error).message}` };
  }
  if (!doc || typeof doc !== 'object' || typeof doc.type !== 'string') return { kind: 'poison', reason: 'not a message (no type)' };
  if (doc.type !== 'ConsentChanged') return { kind: 'ignored' };
  const metadata = doc.metadata as Record<string, unknown> | undefined;
  const { enterpriseSid, phoneNumber, consent, optInList, source, campaignSid, uploadId, text, at } = doc;
  if (typeof metadata?.messageId !== 'string') return { kind: 'poison', reason: 'ConsentChanged without metadata.messageId' };
  if (typeof enterpriseSid !== 'string' || typeof phoneNumber !== 'string' || !E164.test(phoneNumber))
    return { kind: 'poison', reason: 'ConsentChanged without enterpriseSid or an E.164 phoneNumber' };
  if (typeof consent !== 'string' || !CONSENTS.has(consent) || typeof source !== 'string' || !SOURCES.has(source))
    return { kind: 'poison', reason: 'ConsentChanged with an unknown consent or source' };
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return { kind: 'poison', reason: 'ConsentChanged without a valid at' };
  if (![optInList, campaignSid, uploadId, text].every(textOrNull)) return { kind: 'poison', reason: 'ConsentChanged with a non-text optional field' };
  return {
    kind: 'row',
    row: {
      messageId: metadata.messageId,
      enterpriseSid,
      phoneNumber,
      consent: consent as ConsentChange['consent'],
      optInList: (optInList as string | null | undefined) ?? null,
      source: source as ConsentChange['source'],
      campaignSid: (campaignSid as string | null | undefined) ?? null,
      uploadId: (uploadId as string | null | undefined) ?? null,
      text: (text as string | null | undefined) ?? null,
      at: new Date(at).toISOString(),
    },
  };
}
