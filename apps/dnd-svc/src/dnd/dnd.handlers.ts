import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC, message, newSid, type AddOptOuts, type FilterRecipients } from '@clarion/contracts';
import type { MessageContext } from '@clarion/platform';
import { splitByConsent } from './dnd.rules';

@Controller()
export class DndHandlers {
  @EventPattern('AddOptOuts')
  async addOptOuts(@Payload() m: AddOptOuts, @Ctx() ctx: MessageContext): Promise<void> {
    const { enterpriseSid, numbers } = m.data;
    const sids = numbers.map(() => newSid('number'));
    const inserted = await ctx.db.query(
      `INSERT INTO optouts (sid, enterprise_sid, msisdn) SELECT s, $1, n FROM unnest($2::text[], $3::text[]) AS x(s, n)
       ON CONFLICT (enterprise_sid, msisdn) DO NOTHING RETURNING sid`,
      [enterpriseSid, sids, numbers],
    );
    ctx.replyOk({ name: 'Opt-Out', enterpriseSid, added: inserted.length, alreadyListed: numbers.length - inserted.length });
  }

  @EventPattern('FilterRecipients')
  async filter(@Payload() m: FilterRecipients, @Ctx() ctx: MessageContext): Promise<void> {
    const { campaignSid, enterpriseSid, batchNo, numbers, optIn } = m.data;
    const out = await ctx.db.query<{ msisdn: string }>('SELECT msisdn FROM optouts WHERE enterprise_sid = $1 AND msisdn = ANY($2::text[])', [enterpriseSid, numbers]);
    let members: Set<string> | null = null;
    if (optIn) {
      const rows = await ctx.db.query<{ msisdn: string }>(
        'SELECT msisdn FROM optin_numbers WHERE enterprise_sid = $1 AND list_name = $2 AND msisdn = ANY($3::text[])',
        [enterpriseSid, optIn, numbers],
      );
      members = new Set(rows.map((r) => r.msisdn));
    }
    const split = splitByConsent(numbers, new Set(out.map((r) => r.msisdn)), members);
    ctx.db.publish(TOPIC.dndEvents, campaignSid, message('RecipientsFiltered', { campaignSid, enterpriseSid, batchNo, ...split }, { causedBy: m }));
  }
}
