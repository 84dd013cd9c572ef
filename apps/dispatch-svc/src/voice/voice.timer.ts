import type { Platform } from '@clarion/platform';
import { expireQueued, publishGrouped, publishOutcomes } from '../sending/sends.repository';
import type { Clock } from '../sending/clock';
import type { VoiceAdapter } from '../sending/voice.adapter';
import { applyPendingCallOutcomes, callsUnderWay, expireSilentCalls, type CallSettings } from './calls.repository';

/** Rows each pass of the timer handles at most. */
const ROWS_PER_TICK_MAX = 500;
/** Hang-ups in flight at once at end_at. */
const HANG_UPS_IN_FLIGHT = 8;

export interface VoiceTimerSettings {
  minuteMs: number;
  pendingKeepMs: number;
  /** A call with no outcome after this long ends its number as 'unknown'. */
  outcomeTimeoutMs: number;
}

/**
 * The voice campaigns' timer: outcomes that overtook their call's answer are applied once the
 * answer is recorded; at a campaign's end_at the numbers not reached expire (uncharged) and the
 * calls still ringing are hung up; calls whose outcome never came end 'unknown'.
 */
export class VoiceTimer {
  constructor(
    private readonly platform: Platform,
    private readonly carrier: VoiceAdapter | null,
    private readonly settings: VoiceTimerSettings,
    private readonly clock: Clock,
  ) {}

  private callSettings(): CallSettings {
    return { nowMs: this.clock.nowMs(), minuteMs: this.settings.minuteMs, pendingKeepMs: this.settings.pendingKeepMs };
  }

  async tick(): Promise<void> {
    await this.platform.tx(async (tx) => publishGrouped(tx, await applyPendingCallOutcomes(tx, this.callSettings(), ROWS_PER_TICK_MAX)));
    await this.endWindows();
    await this.platform.tx(async (tx) => publishGrouped(tx, await expireSilentCalls(tx, this.settings.outcomeTimeoutMs, ROWS_PER_TICK_MAX)));
  }

  /** Campaigns whose send window closed: the rest expires, ringing calls are hung up, and the campaign completes once those end. */
  private async endWindows(): Promise<void> {
    // Ended ones stay here until they complete: a call that was claimed and then not placed
    // (the window closed while it waited for its slot) comes back queued, and expires on a later tick.
    const due = await this.platform.query<{ campaign_sid: string; enterprise_sid: string; ended: boolean }>(
      `SELECT campaign_sid, enterprise_sid, coalesce((voice ->> 'ended')::boolean, false) AS ended FROM dispatch_campaigns
       WHERE channel = 'voice' AND status IN ('sending', 'paused')
         AND (voice -> 'options' ->> 'endAt')::timestamptz <= to_timestamp($1 / 1000.0)
       LIMIT 20`,
      [this.clock.nowMs()],
    );
    for (const c of due) {
      await this.platform.tx(async (tx) => {
        const expired = await expireQueued(tx, c.campaign_sid, 'end-at');
        publishOutcomes(tx, c.campaign_sid, c.enterprise_sid, expired);
        // A paused campaign ends too: back to 'sending', where the completion timer finds it.
        // Written once (and again only if a pause came after the end), not on every tick until completion.
        await tx.query(
          `UPDATE dispatch_campaigns SET status = 'sending', voice = voice || '{"ended": true}'::jsonb, updated_at = now()
           WHERE campaign_sid = $1 AND (status = 'paused' OR NOT coalesce((voice ->> 'ended')::boolean, false))`,
          [c.campaign_sid],
        );
      });
      if (c.ended) continue;
      const calls = await callsUnderWay(this.platform, c.campaign_sid);
      // Ringing calls are cancelled; their outcome (canceled: expired) arrives as any other.
      for (let i = 0; i < calls.length && this.carrier; i += HANG_UPS_IN_FLIGHT) await Promise.all(calls.slice(i, i + HANG_UPS_IN_FLIGHT).map((sid) => this.carrier!.hangUp(sid)));
    }
  }
}
