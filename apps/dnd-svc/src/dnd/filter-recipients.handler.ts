import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC, message, type FilterRecipients } from '@clarion/contracts';
import type { MessageContext } from '@clarion/platform';
import { membersAmong, optedOutAmong } from './dnd.repository';
import { splitByConsent } from './dnd.rules';

/** A campaign's batch against the enterprise's opt-out list and, when the campaign names one, its opt-in list. */
@Controller()
export class FilterRecipientsHandler {
  @EventPattern('FilterRecipients')
  async filter(@Payload() m: FilterRecipients, @Ctx() ctx: MessageContext): Promise<void> {
    const { campaignSid, enterpriseSid, batchNo, numbers, optIn, fields } = m.data;
    const optedOut = await optedOutAmong(ctx.db, enterpriseSid, numbers);
    const members = optIn ? await membersAmong(ctx.db, enterpriseSid, optIn, numbers) : null;
    const split = splitByConsent(numbers, optedOut, members, fields);
    ctx.db.publish(TOPIC.dndEvents, campaignSid, message('RecipientsFiltered', { campaignSid, enterpriseSid, batchNo, ...split }, { causedBy: m }));
  }
}
