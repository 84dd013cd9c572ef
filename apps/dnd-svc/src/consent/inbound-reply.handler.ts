import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { OPT_OUT_LIST_NAME, newSid, type InboundReply } from '@clarion/contracts';
import type { MessageContext } from '@clarion/platform';
import { classifyReply, decideReply, replyWords } from './consent.decider';
import { isOptedOut, optBackIn, optOut, recordConsentChanges } from './consent.repository';

/**
 * An SMS a recipient sent back, attributed by dispatch-svc to the enterprises that messaged them
 * from that address. A stop word puts the sender on each one's opt-out list, a start word takes
 * them off; anything else, and a repeat, changes nothing and publishes nothing.
 */
@Controller()
export class InboundReplyHandler {
  // Read once: the words are configuration, not per-message input.
  private readonly words = replyWords(process.env.CONSENT_STOP_WORDS ?? '', process.env.CONSENT_START_WORDS ?? '');

  @EventPattern('InboundReply')
  async handle(@Payload() m: InboundReply, @Ctx() ctx: MessageContext): Promise<void> {
    const { from, text, attributedTo } = m.data;
    const intent = classifyReply(text, this.words);
    if (intent === 'other') return;
    for (const { enterpriseSid, campaignSid } of attributedTo) {
      const decision = decideReply(intent, await isOptedOut(ctx.db, enterpriseSid, from));
      if (decision === 'none') continue;
      // The insert and the delete are themselves conditional, so two replies racing still change the list once.
      const changed = decision === 'add' ? await optOut(ctx.db, enterpriseSid, from, newSid('number'), OPT_OUT_LIST_NAME) : await optBackIn(ctx.db, enterpriseSid, from);
      if (!changed) continue;
      const consent = decision === 'add' ? 'opted-out' : 'opted-in';
      await recordConsentChanges(ctx.db, { enterpriseSid, consent, optInList: null, source: 'reply', campaignSid, uploadId: null, text }, [from], m);
    }
  }
}
