import type { Platform } from '@clarion/platform';
import { claimRange, type Claim } from '../sending/sends.repository';
import { CALLING } from '../sending/send.decider';

/**
 * The cap on calls under way at once with one carrier account (VOICE_MAX_CONCURRENT_CALLS), held
 * by every dispatch-svc instance together. A call takes a line from its claim until its outcome:
 * sends 'sending' under a voice claim (the request in flight) and sends 'calling' (placed, no
 * outcome yet). Counting those and claiming happen under one advisory lock per account, so two
 * instances never both see the same free line; the count is the sends' own state, so a crash
 * leaks nothing.
 */
export class VoiceLines {
  constructor(
    private readonly platform: Platform,
    private readonly carrierKey: string,
    readonly max: number,
  ) {}

  /** A claim of at most the free lines, null when the campaign has nothing left, 'busy' when every line is taken. */
  claim(campaignSid: string, width: number, instanceId: string): Promise<Claim | null | 'busy'> {
    return this.platform.tx(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`voice-lines:${this.carrierKey}`]);
      const [{ n }] = await tx.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM sends WHERE state = '${CALLING}')::int
              + (SELECT count(*) FROM dispatch_claims cl JOIN dispatch_campaigns c ON c.campaign_sid = cl.campaign_sid AND c.channel = 'voice'
                 JOIN sends s ON s.campaign_sid = cl.campaign_sid AND s.seq >= cl.seq_lo AND s.seq < cl.seq_hi AND s.claim_id = cl.id AND s.state = 'sending')::int AS n`,
      );
      const free = this.max - n;
      if (free <= 0) return 'busy';
      return claimRange(tx, campaignSid, Math.min(width, free), instanceId);
    });
  }
}
