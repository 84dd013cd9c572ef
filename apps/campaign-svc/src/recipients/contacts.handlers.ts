import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Errors, type CampaignView, type ContactView, type ContactsPage, type ListCampaignContacts } from '@clarion/contracts';
import { Platform, type MessageContext } from '@clarion/platform';

/**
 * A campaign's recipients as uploaded (after de-duplication, before Do-Not-Disturb filtering), with
 * seed 001's fields, in pages ordered by number: the recipients table's primary key, so a page is an
 * index range whatever the campaign's size. The total is the campaign's unique count, not a count(*).
 */
@Controller()
export class ContactsHandlers {
  constructor(private readonly platform: Platform) {}

  @EventPattern('ListCampaignContacts')
  async list(@Payload() m: ListCampaignContacts, @Ctx() ctx: MessageContext): Promise<void> {
    const { campaignSid, enterpriseSid, page, pageSize } = m.data;
    // Another enterprise's campaign answers exactly as a missing one.
    const [c] = await this.platform.query<{ view: CampaignView }>('SELECT view FROM campaigns WHERE sid = $1 AND enterprise_sid = $2', [campaignSid, enterpriseSid]);
    if (!c) return ctx.replyError(Errors.campaignNotFound);
    const rows = await this.platform.query<{ msisdn: string; name: string | null; custom1: string | null; custom2: string | null }>(
      'SELECT msisdn, name, custom1, custom2 FROM recipients WHERE campaign_sid = $1 ORDER BY msisdn LIMIT $2 OFFSET $3',
      [campaignSid, pageSize, page * pageSize],
    );
    const data: ContactView[] = rows.map((r) => ({ phoneNumber: r.msisdn, name: r.name, custom1: r.custom1, custom2: r.custom2 }));
    const answer: ContactsPage = { total: c.view.recipients.unique, data };
    ctx.replyOk(answer);
  }
}
