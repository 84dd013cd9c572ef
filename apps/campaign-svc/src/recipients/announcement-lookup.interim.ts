import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Errors, type GetAnnouncement } from '@clarion/contracts';
import type { MessageContext } from '@clarion/platform';

/**
 * Interim answer to GetAnnouncement until campaign-svc owns announcements (the announcements use
 * cases replace this handler): this build records no announcement, so every sid is unknown and a
 * voice campaign naming one is refused with 500, as seed 000 says. Without an answer the gateway
 * would wait out its request timeout and answer 503 instead.
 */
@Controller()
export class AnnouncementLookupInterim {
  @EventPattern('GetAnnouncement')
  async get(@Payload() _m: GetAnnouncement, @Ctx() ctx: MessageContext): Promise<void> {
    ctx.replyError(Errors.announcementNotFound);
  }
}
