import { TOPIC, message } from '@clarion/contracts';
import { contextFromHeaders, withSpan, type Platform } from '@clarion/platform';
import { dueCampaigns } from '../sends.repository';

/**
 * The start timer: a scheduled campaign whose time has come and whose recipients have all arrived
 * is asked to start. The aggregate decides: a cancel that got there first wins, and a repeated
 * start changes nothing.
 */
export class StartTimer {
  constructor(private readonly platform: Platform) {}

  async tick(): Promise<number> {
    const due = await dueCampaigns(this.platform);
    // A campaign just loaded up to a million rows: without fresh statistics the planner takes the
    // sends table for the small one it was and scans it for every claim until autovacuum's next
    // round (up to a minute later).
    if (due.length > 0) await this.platform.query('ANALYZE sends');
    for (const c of due) {
      await withSpan('dispatch.start-timer', { parent: contextFromHeaders(c.trace_headers) }, () =>
        this.platform.tx(async (tx) => {
          const [claimed] = await tx.query(`UPDATE dispatch_campaigns SET status = 'starting', updated_at = now() WHERE campaign_sid = $1 AND status = 'scheduled' RETURNING campaign_sid`, [
            c.campaign_sid,
          ]);
          if (claimed) tx.publish(TOPIC.campaignCommands, c.campaign_sid, message('StartCampaign', { campaignSid: c.campaign_sid, at: new Date().toISOString() }));
        }),
      );
    }
    return due.length;
  }
}
