import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CallStatusReported } from '@clarion/contracts';
import { isCallStatus, receiptStatOfCall } from '@clarion/voice';
import { DispatchEngine } from './dispatch.engine';

/**
 * The voice carrier's status callbacks, checked by the gateway (voice.callbacks.v1): a call's final
 * status is its send's receipt. The offset is committed only once the receipt is stored, so none is
 * lost; a repeated callback finds its send final already and changes nothing.
 */
@Controller()
export class CallStatusHandlers {
  constructor(private readonly engine: DispatchEngine) {}

  @EventPattern('CallStatusReported')
  async reported(@Payload() m: CallStatusReported): Promise<void> {
    const { callSid, to, status } = m.data;
    // Ringing, answered and the like say the call goes on: only its end settles the send.
    const stat = isCallStatus(status) ? receiptStatOfCall(status) : null;
    if (stat) await this.engine.receiptOfCall({ messageId: callSid, msisdn: to, stat });
  }
}
