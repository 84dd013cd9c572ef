import { RECIPIENT_FINAL_STATES, TOPIC, isSid, type RecipientFinalState } from '@clarion/contracts';
import { statusRank, type ReportStatus } from './recipient-status';

/** One recorded state of one recipient: a row of the append-only report table. */
export interface ReportRow {
  campaignSid: string;
  /** '' when the record did not name it (dispatch could not tell); a known one is never overwritten by ''. */
  enterpriseSid: string;
  /** E.164 without the '+': the table keeps it as a bigint, which sorts and compares cheaply. */
  msisdn: string;
  status: ReportStatus;
  rank: number;
  occurredAt: string;
  errorCode: string | null;
  carrierMessageId: string | null;
}

/**
 * What the report learns of a campaign from its public status records: whose it is, and when it
 * ended (retention counts from then).
 */
export interface CampaignFact {
  campaignSid: string;
  enterpriseSid: string;
  /** Set by a final status (completed, cancelled, failed); null otherwise. */
  endedAt: string | null;
}

export type ParsedRecord = { kind: 'rows'; rows: ReportRow[] } | { kind: 'campaign'; campaign: CampaignFact } | { kind: 'ignored' } | { kind: 'poison'; reason: string };

/** The topics the report is built from. */
export const REPORT_TOPICS = [TOPIC.dndEvents, TOPIC.campaignDeliveries, TOPIC.campaignStatus] as const;
const ENDED_STATUSES: readonly string[] = ['completed', 'cancelled', 'failed'];
/** The schema versions of dnd-svc's events this build reads (as the transport's SCHEMA_VERSION_MAX). */
const SCHEMA_VERSION_MAX = 1;
/** Carrier message ids and error codes are short (SMPP caps the id at 65 octets); anything longer is not one. */
export const TEXT_FIELD_CHARS_MAX = 255;

const E164 = /^\+[1-9][0-9]{1,14}$/;

/**
 * What one Kafka record adds to the report. dnd-svc's RecipientsFiltered (internal envelope)
 * makes its accepted recipients 'queued' and its opted-out ones 'opted-out'; each
 * RecipientOutcomeRecorded on the public deliveries topic (its fields at the top level) is one
 * outcome. Other message types on those topics are none of the report's business. A record that
 * cannot be read, or breaks the contract, is poison: it can never succeed.
 */
export function parseReportRecord(topic: string, value: Buffer | string | null): ParsedRecord {
  let doc: unknown;
  try {
    doc = JSON.parse(value === null ? 'null' : value.toString());
  } catch (err) {
    return poison(`undecodable record: ${(err as Error).message}`);
  }
  if (!isObject(doc) || typeof doc.type !== 'string') return poison('not a message (no type)');
  if (topic === TOPIC.dndEvents) return doc.type === 'RecipientsFiltered' ? recipientsFiltered(doc) : { kind: 'ignored' };
  if (topic === TOPIC.campaignDeliveries) return doc.type === 'RecipientOutcomeRecorded' ? outcome(doc) : { kind: 'ignored' };
  if (topic === TOPIC.campaignStatus) return doc.type === 'CampaignStatusChanged' ? statusChanged(doc) : { kind: 'ignored' };
  return { kind: 'ignored' };
}

function statusChanged(doc: Record<string, unknown>): ParsedRecord {
  const { campaignSid, enterpriseSid, status } = doc;
  const occurredAt = timestamp(doc.occurredAt);
  if (!isSid('campaign', campaignSid) || typeof enterpriseSid !== 'string' || typeof status !== 'string' || !occurredAt)
    return poison('CampaignStatusChanged without campaignSid, enterpriseSid, status or occurredAt');
  return { kind: 'campaign', campaign: { campaignSid, enterpriseSid, endedAt: ENDED_STATUSES.includes(status) ? occurredAt : null } };
}

function recipientsFiltered(doc: Record<string, unknown>): ParsedRecord {
  const metadata = doc.metadata;
  const data = doc.data;
  if (!isObject(metadata) || !isObject(data)) return poison('RecipientsFiltered without data or metadata');
  if (typeof metadata.schemaVersion === 'number' && metadata.schemaVersion > SCHEMA_VERSION_MAX)
    return poison(`RecipientsFiltered has schema version ${metadata.schemaVersion}; this build reads up to ${SCHEMA_VERSION_MAX}`);
  const occurredAt = timestamp(metadata.occurredAt);
  if (!occurredAt) return poison('RecipientsFiltered without a valid metadata.occurredAt');
  const { campaignSid, enterpriseSid, accepted, optedOut } = data;
  if (!isSid('campaign', campaignSid) || typeof enterpriseSid !== 'string') return poison('RecipientsFiltered without campaignSid or enterpriseSid');
  if (!isStringArray(accepted) || !isStringArray(optedOut)) return poison('RecipientsFiltered without accepted/optedOut lists');
  const rows: ReportRow[] = [];
  for (const [numbers, status] of [
    [accepted, 'queued'],
    [optedOut, 'opted-out'],
  ] as const) {
    for (const to of numbers) {
      if (!E164.test(to)) return poison(`RecipientsFiltered holds a number not in E.164: ${to.slice(0, 40)}`);
      rows.push({ campaignSid, enterpriseSid, msisdn: to.slice(1), status, rank: statusRank(status), occurredAt, errorCode: null, carrierMessageId: null });
    }
  }
  return { kind: 'rows', rows };
}

function outcome(doc: Record<string, unknown>): ParsedRecord {
  const { campaignSid, enterpriseSid, to, status, carrierMessageId, errorCode } = doc;
  const occurredAt = timestamp(doc.occurredAt);
  if (!isSid('campaign', campaignSid)) return poison('RecipientOutcomeRecorded without a campaignSid');
  const enterprise = typeof enterpriseSid === 'string' ? enterpriseSid : enterpriseSid === undefined || enterpriseSid === null ? '' : null;
  if (enterprise === null) return poison('RecipientOutcomeRecorded with a non-text enterpriseSid');
  if (typeof to !== 'string' || !E164.test(to)) return poison('RecipientOutcomeRecorded without an E.164 number');
  if (typeof status !== 'string' || !(RECIPIENT_FINAL_STATES as readonly string[]).includes(status)) return poison(`RecipientOutcomeRecorded with unknown status ${String(status).slice(0, 40)}`);
  if (!occurredAt) return poison('RecipientOutcomeRecorded without a valid occurredAt');
  if (!isShortTextOrNull(carrierMessageId) || !isShortTextOrNull(errorCode)) return poison('RecipientOutcomeRecorded with a malformed carrierMessageId or errorCode');
  const s = status as RecipientFinalState;
  return {
    kind: 'rows',
    rows: [{ campaignSid, enterpriseSid: enterprise, msisdn: to.slice(1), status: s, rank: statusRank(s), occurredAt, errorCode: errorCode ?? null, carrierMessageId: carrierMessageId ?? null }],
  };
}

/** An ISO-8601 instant, normalised; null for anything else. */
function timestamp(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

const poison = (reason: string): ParsedRecord => ({ kind: 'poison', reason });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isShortTextOrNull = (v: unknown): v is string | null | undefined => v === null || v === undefined || (typeof v === 'string' && v.length <= TEXT_FIELD_CHARS_MAX);
