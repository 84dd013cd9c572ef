import { SmppCarrier, THROTTLING_STATUSES } from '@clarion/smpp';
import type { CarrierPort, CarrierStatus, OutboundMessage, ReceiptHandler, ReferenceAnswer } from './carrier.port';
import type { CarrierAnswer } from './send.decider';
import type { DispatchConfig } from './dispatch.config';

/** The carrier port over an SMPP v3.4 account: SMPP_BINDS sessions (libs/smpp). */
export class SmppAdapter implements CarrierPort {
  readonly name = 'smpp';
  private readonly carrier: SmppCarrier;
  readonly queryByReference: ((reference: string) => Promise<ReferenceAnswer>) | null;

  constructor(config: DispatchConfig, onReceipt: ReceiptHandler, onInbound?: (m: { from: string; to: string; text: string }) => Promise<void>) {
    this.carrier = new SmppCarrier({
      url: config.smppUrl,
      windowSize: config.windowSize,
      binds: config.binds,
      bindType: config.bindType,
      receiverBinds: config.receiverBinds,
      responseTimeoutMs: config.responseTimeoutMs,
      concatenation: config.concatenation,
      // The handset is the receipt's source address; together with the message id it names one send.
      onReceipt: (r) => onReceipt({ messageId: r.messageId, msisdn: r.from, stat: r.stat }),
      // Replies (MO): awaited, so the SMSC has its deliver_sm_resp only once the reply is stored.
      onInbound,
    });
    this.queryByReference = config.referenceQueries
      ? async (reference) => {
          const a = await this.carrier.queryByReference(reference);
          return a.kind === 'found' ? { kind: 'found', messageId: a.messageId } : a;
        }
      : null;
  }

  connect(): Promise<void> {
    return this.carrier.connect();
  }

  isReady(): boolean {
    return this.carrier.isBound();
  }

  capacity(): number {
    return this.carrier.capacity();
  }

  status(): CarrierStatus {
    return this.carrier.status();
  }

  /** ESME_RTHROTTLED and ESME_RMSGQFUL say "slow down", not "this message failed": the port calls them throttled. */
  async submit(m: OutboundMessage): Promise<CarrierAnswer> {
    const o = await this.carrier.submit({ from: m.from, to: m.to, text: m.text, registeredDelivery: true, reference: m.reference });
    return o.kind === 'rejected' && THROTTLING_STATUSES.has(o.commandStatus) ? { kind: 'throttled', commandStatus: o.commandStatus } : o;
  }

  close(): Promise<void> {
    return this.carrier.close();
  }
}
