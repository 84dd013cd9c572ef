import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CALL_DETAILS_PAGE_MAX, Errors, type CallDetailsPage, type CallStatusReported, type GetCallDetails } from '@clarion/contracts';
import { Platform, type MessageContext } from '@clarion/platform';
import { publishGrouped } from './sends.repository';
import { quietClock } from './quiet-hours';
import { DispatchEngine } from './dispatch.engine';
import { applyCallOutcomes, callDetails } from '../voice/calls.repository';
import { finalCallStatus } from '../voice/call.decider';

/**
 * The voice carrier's status callbacks, checked by the gateway (voice.callbacks.v1): a call's final
 * status settles its number, or defers it to a retry (voice/call.decider.ts), in the transaction
 * that commits the message, so none is lost and a repeated one finds nothing left to change. And
 * the call details of a campaign, which only dispatch holds.
 */
@Controller()
export class CallStatusHandlers {
  constructor(
    private readonly engine: DispatchEngine,
    private readonly platform: Platform,
  ) {}

  @EventPattern('CallStatusReported')
  async reported(@Payload() m: CallStatusReported, @Ctx() ctx: MessageContext): Promise<void> {
    const { callSid, to, status, durationSeconds, reference } = m.data;
    // Ringing, answered and the like say the call goes on: only its end settles the number.
    const final = finalCallStatus(status);
    if (!final) return;
    const finals = await applyCallOutcomes(ctx.db, [{ callSid, msisdn: to, status: final, durationSeconds, reference }], {
      nowMs: quietClock.nowMs(),
      minuteMs: this.engine.voiceCalls.retryMinuteMs,
      pendingKeepMs: this.engine.config.pendingReceiptKeepMs,
    });
    await publishGrouped(ctx.db, finals);
  }

  /** Every call attempt of one of the enterprise's campaigns; another enterprise's sid answers as an unknown one. */
  @EventPattern('GetCallDetails')
  async callDetails(@Payload() m: GetCallDetails, @Ctx() ctx: MessageContext): Promise<void> {
    const { campaignSid, enterpriseSid, offset, limit } = m.data;
    // A query runs outside any transaction: it reads through the pool.
    const [c] = await this.platform.query('SELECT 1 FROM dispatch_campaigns WHERE campaign_sid = $1 AND enterprise_sid = $2', [campaignSid, enterpriseSid]);
    if (!c) return ctx.replyError(Errors.enterpriseCampaignNotFound);
    const page = await callDetails(this.platform, campaignSid, Math.max(0, offset), Math.min(Math.max(1, limit), CALL_DETAILS_PAGE_MAX));
    const answer: CallDetailsPage = {
      total: page.total,
      data: page.data.map((r) => ({
        number: r.msisdn,
        attempt: r.attempt,
        callSid: r.call_sid,
        status: r.status,
        durationSeconds: r.duration_seconds,
        startedAt: new Date(r.started_at).toISOString(),
        endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
      })),
    };
    ctx.replyOk(answer);
  }
}
