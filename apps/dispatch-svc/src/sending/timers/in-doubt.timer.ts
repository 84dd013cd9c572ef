import type { Platform } from '@clarion/platform';
import type { CarrierPort } from '../carrier.port';
import type { DispatchConfig } from '../dispatch.config';
import { nextSendState } from '../send.decider';
import { claimsInDoubt, publishGrouped, recordAnswers, sendsOfClaim, type Answer } from '../sends.repository';

/** Claims looked at per tick. */
const CLAIMS_PER_TICK_MAX = 50;
/** An own claim the sender does not know of is lost once it is this old (the sender registers a claim at once). */
const LOST_AFTER_MS = 5000;

/**
 * The in-doubt timer: sends whose answer never came, under a claim no live process holds (its
 * holder released it, or stopped beating). Where the carrier answers queries by Clarion's own
 * reference it is asked: found → sent; never received → queued again, which is safe because the
 * carrier says so. Otherwise, or while the carrier cannot be asked, a send stays in doubt until
 * the reconcile timeout, and is then final as `unknown`: never re-sent blindly. A claim of this very
 * instance that its sender does not know of committed while its result was lost (the database
 * connection broke at that moment): nothing of it was written, so it is queued again.
 */
export class InDoubtTimer {
  constructor(
    private readonly platform: Platform,
    /** The carrier of a channel's sends (null: none configured, so none can be asked). */
    private readonly carrierOf: (channel: string) => CarrierPort | null,
    private readonly config: DispatchConfig,
    /** This instance, and the claims its sender is working on (those are not in doubt). */
    private readonly me: () => { instanceId: string; activeClaimIds: string[] },
  ) {}

  async tick(): Promise<number> {
    const claims = await claimsInDoubt(this.platform, this.config.leaseMs, CLAIMS_PER_TICK_MAX, { ...this.me(), lostAfterMs: LOST_AFTER_MS });
    let settled = 0;
    for (const claim of claims) {
      const sends = await sendsOfClaim(this.platform, claim);
      const answers: Answer[] = [];
      const carrier = this.carrierOf(claim.channel);
      // A call cannot be looked up by Clarion's reference: the SMSC must never be asked about one (it would say "never received").
      const query = carrier?.queryByReference ?? null;
      if (sends.length > 0 && claim.lost) {
        // This process holds the claim but never saw it: certainly never written, queued again.
        for (const s of sends) {
          const next = nextSendState('sending', { type: 'claim-lost' })!;
          answers.push({ seq: s.seq, state: next.state, messageId: null, errorCode: next.errorCode ?? null });
        }
      } else if (sends.length > 0 && query) {
        // Nobody decides without asking the carrier, where it can be asked: wait until it can.
        if (!carrier!.isReady()) continue;
        const replies = await Promise.all(sends.map((s) => query(`${claim.campaign_sid}:${s.seq}`)));
        sends.forEach((s, i) => {
          const r = replies[i];
          if (r.kind === 'error') return;
          const next = nextSendState('sending', r.kind === 'found' ? { type: 'queried', found: true, messageId: r.messageId } : { type: 'queried', found: false });
          if (next) answers.push({ seq: s.seq, state: next.state, messageId: next.messageId ?? null, errorCode: next.errorCode ?? null });
        });
      } else if (sends.length > 0 && Date.now() - claim.claimed_at.getTime() > this.config.reconcileTimeoutMs) {
        const next = nextSendState('sending', { type: 'reconcile-timed-out' })!;
        for (const s of sends) answers.push({ seq: s.seq, state: next.state, messageId: null, errorCode: null });
      } else if (sends.length > 0) {
        continue;
      }
      await this.platform.tx(async (tx) => {
        const finished = await recordAnswers(tx, { id: claim.id, campaignSid: claim.campaign_sid }, answers, sends.length - answers.length);
        await publishGrouped(tx, finished);
      });
      settled += answers.length;
    }
    return settled;
  }
}
