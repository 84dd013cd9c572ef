import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { OPT_OUT_LIST_NAME, type AddOptIns, type AddOptOuts, type DndBatchAdded } from '@clarion/contracts';
import type { MessageContext } from '@clarion/platform';
import { addNumbers } from './dnd.repository';

/**
 * One batch of an upload each. The gateway waits for each batch's answer before sending the
 * next, so when an upload is answered every number of it is on the list; a replayed batch adds
 * nothing twice (the unique constraints decide).
 */
@Controller()
export class ListUploadsHandler {
  @EventPattern('AddOptOuts')
  async addOptOuts(@Payload() m: AddOptOuts, @Ctx() ctx: MessageContext): Promise<void> {
    const { enterpriseSid, numbers } = m.data;
    const r = await addNumbers(ctx.db, 'optout', enterpriseSid, OPT_OUT_LIST_NAME, numbers);
    ctx.replyOk({ name: OPT_OUT_LIST_NAME, enterpriseSid, ...r } satisfies DndBatchAdded);
  }

  @EventPattern('AddOptIns')
  async addOptIns(@Payload() m: AddOptIns, @Ctx() ctx: MessageContext): Promise<void> {
    const { enterpriseSid, name, numbers } = m.data;
    const r = await addNumbers(ctx.db, 'optin', enterpriseSid, name, numbers);
    ctx.replyOk({ name, enterpriseSid, ...r } satisfies DndBatchAdded);
  }
}
