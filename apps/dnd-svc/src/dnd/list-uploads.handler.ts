import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { OPT_OUT_LIST_NAME, type AddOptIns, type AddOptOuts, type DndBatchAdded } from '@clarion/contracts';
import type { MessageContext } from '@clarion/platform';
import { recordConsentChanges } from '../consent/consent.repository';
import { addNumbers } from './dnd.repository';

/**
 * One batch of an upload each. The gateway waits for each batch's answer before sending the
 * next, so when an upload is answered every number of it is on the list; a replayed batch adds
 * nothing twice (the unique constraints decide). Only the numbers newly listed enter the consent
 * record and consent.changes.v1, so a re-upload changes nothing and publishes nothing.
 */
@Controller()
export class ListUploadsHandler {
  @EventPattern('AddOptOuts')
  async addOptOuts(@Payload() m: AddOptOuts, @Ctx() ctx: MessageContext): Promise<void> {
    const { enterpriseSid, uploadId, numbers } = m.data;
    const { addedNumbers, ...r } = await addNumbers(ctx.db, 'optout', enterpriseSid, OPT_OUT_LIST_NAME, numbers);
    await recordConsentChanges(ctx.db, { enterpriseSid, consent: 'opted-out', optInList: null, source: 'upload', campaignSid: null, uploadId, text: null }, addedNumbers, m);
    ctx.replyOk({ name: OPT_OUT_LIST_NAME, enterpriseSid, ...r } satisfies DndBatchAdded);
  }

  @EventPattern('AddOptIns')
  async addOptIns(@Payload() m: AddOptIns, @Ctx() ctx: MessageContext): Promise<void> {
    const { enterpriseSid, uploadId, name, numbers } = m.data;
    const { addedNumbers, ...r } = await addNumbers(ctx.db, 'optin', enterpriseSid, name, numbers);
    await recordConsentChanges(ctx.db, { enterpriseSid, consent: 'opted-in', optInList: name, source: 'upload', campaignSid: null, uploadId, text: null }, addedNumbers, m);
    ctx.replyOk({ name, enterpriseSid, ...r } satisfies DndBatchAdded);
  }
}
