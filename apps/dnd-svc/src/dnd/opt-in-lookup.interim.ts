import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Errors, type FindOptInList, type OptInListView } from '@clarion/contracts';
import { Platform, type MessageContext } from '@clarion/platform';

/**
 * Interim answer to FindOptInList (campaign create refuses an opt-in list the enterprise does not
 * have with 4001), until the opt-in use cases of dnd-svc replace it: a list exists while it has a
 * number.
 */
@Controller()
export class OptInLookupInterim {
  constructor(private readonly platform: Platform) {}

  @EventPattern('FindOptInList')
  async find(@Payload() m: FindOptInList, @Ctx() ctx: MessageContext): Promise<void> {
    const [row] = await this.platform.query<{ numbers: number }>('SELECT count(*)::int AS numbers FROM optin_numbers WHERE enterprise_sid = $1 AND list_name = $2', [m.data.enterpriseSid, m.data.name]);
    if (!row || row.numbers === 0) return ctx.replyError(Errors.optInListNotFound(m.data.name));
    const view: OptInListView = { name: m.data.name, numbers: row.numbers };
    ctx.replyOk(view);
  }
}
