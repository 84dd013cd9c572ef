import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { CampaignResumed, ConsentChanged } from '@clarion/contracts';
import type { MessageContext } from '@clarion/platform';
import { DispatchEngine } from './dispatch.engine';

/**
 * Auto-pause's inputs from other services: STOP replies (consent.changes.v1, read by dispatch-svc's
 * own consumer group) count against their campaign's window, and a resume sends a paused campaign
 * back to the sender with a fresh window.
 */
@Controller()
export class StopRepliesHandlers {
  constructor(private readonly engine: DispatchEngine) {}

  @EventPattern('ConsentChanged')
  async consentChanged(@Payload() m: ConsentChanged): Promise<void> {
    const d = m.data;
    // Only a reply that opted out, attributed to a campaign, says something about that campaign.
    if (d.source !== 'reply' || d.consent !== 'opted-out' || !d.campaignSid) return;
    this.engine.health?.stopReplied(d.campaignSid);
  }

  @EventPattern('CampaignResumed')
  async resumed(@Payload() m: CampaignResumed, @Ctx() ctx: MessageContext): Promise<void> {
    await ctx.db.query(`UPDATE dispatch_campaigns SET status = 'sending', pause_reason = NULL, pause_detail = NULL, updated_at = now() WHERE campaign_sid = $1 AND status = 'paused'`, [
      m.data.campaignSid,
    ]);
    this.engine.health?.reset(m.data.campaignSid);
  }
}
