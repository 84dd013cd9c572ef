import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Errors, type FindOptInList } from '@clarion/contracts';
import { Platform, type MessageContext } from '@clarion/platform';
import { findOptInList } from './dnd.repository';

/** Campaign create asks here whether the opt-in list a campaign names exists (4001 if not). */
@Controller()
export class OptInListsHandler {
  constructor(private readonly platform: Platform) {}

  @EventPattern('FindOptInList')
  async find(@Payload() m: FindOptInList, @Ctx() ctx: MessageContext): Promise<void> {
    const list = await findOptInList(this.platform, m.data.enterpriseSid, m.data.name);
    if (!list) return ctx.replyError(Errors.optInListNotFound(m.data.name));
    ctx.replyOk(list);
  }
}
