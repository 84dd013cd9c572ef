import { TOPIC, message, type InboundReply, type ReplyAttribution } from '@clarion/contracts';
import type { Platform } from '@clarion/platform';
import type { DispatchConfig } from './dispatch.config';

/** How far back a reply may answer a campaign: the 30 days. */
export const REPLY_ATTRIBUTION_WINDOW_MS = 30 * 24 * 3600_000;
/** Campaigns looked at per reply: more than any one address plausibly carries in 30 days, and a bound on the lookup. */
export const REPLY_CANDIDATES_MAX = 1000;
/** fromNumberFor pads a from_prefix with random digits to this many. */
const PREFIXED_ADDRESS_DIGITS = 12;

/** A campaign that may have sent the message a reply answers. */
export interface ReplyCandidate {
  campaignSid: string;
  enterpriseSid: string;
  fromNumbers: readonly string[];
  fromPrefix: string | null;
  createdAt: Date;
  /** Whether it messaged the replying number: null when its sends are already pruned and nobody can tell. */
  messaged: boolean | null;
}

const digits = (address: string) => address.replace(/\D/g, '');

/**
 * Whether a campaign sends from `to`, as send.decider's fromNumberFor chooses addresses: one of
 * its from numbers, or, with none, its prefix padded with digits (no prefix: any address of that
 * length, so such campaigns always count as sharing the address).
 */
export function sendsFrom(c: Pick<ReplyCandidate, 'fromNumbers' | 'fromPrefix'>, to: string): boolean {
  const d = digits(to);
  const numeric = (a: string) => /^\+?\d+$/.test(a);
  // An alphanumeric sender id matches only itself; a number matches with or without its '+'.
  if (c.fromNumbers.length > 0) return c.fromNumbers.some((n) => n === to || (numeric(n) && numeric(to) && digits(n) === d));
  if (!numeric(to)) return false;
  const prefix = digits(c.fromPrefix ?? '');
  return d.startsWith(prefix) && d.length === Math.max(PREFIXED_ADDRESS_DIGITS, prefix.length);
}

/**
 * Who a reply sent to `to` belongs to, pure. One enterprise sending from that address: it, with
 * its latest such campaign. Several sharing it: those whose campaign messaged the number, and
 * those that might have (their sends are pruned). When none of them can be shown to have messaged
 * it, all of them: the number did reply to that address, and wrongly keeping a STOP from an
 * enterprise costs far more than wrongly applying it. Each enterprise appears once, with its latest
 * campaign (one that messaged the number when there is one).
 */
export function attributeReply(to: string, candidates: readonly ReplyCandidate[]): ReplyAttribution[] {
  const matching = candidates.filter((c) => sendsFrom(c, to));
  const enterprises = new Set(matching.map((c) => c.enterpriseSid));
  let chosen = matching;
  if (enterprises.size > 1) {
    const messaged = matching.filter((c) => c.messaged !== false);
    if (messaged.length > 0) chosen = messaged;
  }
  const latest = new Map<string, ReplyCandidate>();
  for (const c of chosen) {
    const best = latest.get(c.enterpriseSid);
    if (!best || outranks(c, best)) latest.set(c.enterpriseSid, c);
  }
  return [...latest.values()].sort((a, b) => a.enterpriseSid.localeCompare(b.enterpriseSid)).map((c) => ({ enterpriseSid: c.enterpriseSid, campaignSid: c.campaignSid }));
}

/** A campaign known to have messaged the number outranks one that may have; then the later one wins, then the sid (a fixed order). */
function outranks(a: ReplyCandidate, b: ReplyCandidate): boolean {
  if ((a.messaged === true) !== (b.messaged === true)) return a.messaged === true;
  if (a.createdAt.getTime() !== b.createdAt.getTime()) return a.createdAt.getTime() > b.createdAt.getTime();
  return a.campaignSid > b.campaignSid;
}

interface CandidateRow {
  campaign_sid: string;
  enterprise_sid: string;
  from_numbers: string[];
  from_prefix: string | null;
  created_at: Date;
  pruned: boolean;
  messaged: boolean;
}

/**
 * The carrier's inbound messages (MO). Each is attributed and handed to dnd-svc as an InboundReply
 * through the outbox; the carrier acknowledges the deliver_sm only once that has committed, so a
 * STOP survives a crash or a database outage (the SMSC delivers it again).
 */
export class InboundReplies {
  constructor(
    private readonly platform: Platform,
    private readonly config: Pick<DispatchConfig, 'sendsRetentionMs'>,
  ) {}

  readonly accept = async (m: { from: string; to: string; text: string }): Promise<void> => {
    const receivedAt = new Date();
    await this.platform.tx(async (tx) => {
      // The sends lookup goes by (campaign_sid, msisdn), an index of its own (sends_msisdn), for the few candidate campaigns.
      const rows = await tx.query<CandidateRow>(
        `SELECT c.campaign_sid, c.enterprise_sid, c.from_numbers, c.from_prefix, c.created_at,
           (c.status IN ('completed', 'cancelled', 'failed') AND c.updated_at < now() - ($3::bigint * interval '1 millisecond')) AS pruned,
           EXISTS (SELECT 1 FROM sends s WHERE s.campaign_sid = c.campaign_sid AND s.msisdn = $1) AS messaged
         FROM dispatch_campaigns c
         WHERE c.created_at > now() - ($4::bigint * interval '1 millisecond')
           AND (c.from_numbers ?| $2::text[] OR jsonb_array_length(c.from_numbers) = 0)
         ORDER BY c.created_at DESC LIMIT $5`,
        // A sender id may be stored with or without its '+': both spellings find it.
        [m.from, [m.to, digits(m.to), '+' + digits(m.to)], this.config.sendsRetentionMs, REPLY_ATTRIBUTION_WINDOW_MS, REPLY_CANDIDATES_MAX],
      );
      const candidates: ReplyCandidate[] = rows.map((r) => ({
        campaignSid: r.campaign_sid,
        enterpriseSid: r.enterprise_sid,
        fromNumbers: r.from_numbers,
        fromPrefix: r.from_prefix,
        createdAt: new Date(r.created_at),
        messaged: r.messaged ? true : r.pruned ? null : false,
      }));
      const attributedTo = attributeReply(m.to, candidates);
      const reply: InboundReply = message('InboundReply', { from: m.from, to: m.to, text: m.text, receivedAt: receivedAt.toISOString(), attributedTo });
      tx.publish(TOPIC.dndCommands, m.from, reply);
    });
  };
}
