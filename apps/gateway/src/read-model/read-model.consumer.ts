import { TOPIC, type CampaignViewChanged, type CampaignViewRemoved, type CarrierStatusReported } from '@clarion/contracts';
import { KafkaTransport, intFromEnv, type MessageContext, type Platform } from '@clarion/platform';
import type { CampaignReadModel } from './campaign-views.repository';

/**
 * Keeps the read model current: the consumer group `gateway.read-model` (shared by every gateway
 * instance, which share the tables) reads the views topic from its beginning and dispatch's
 * carrier reports. It runs on the platform's Kafka transport, so each record is applied once in a
 * transaction with the inbox, a database outage is waited out with the partition paused, and a
 * record that can never apply goes to the dead-letter topic.
 */
export async function startReadModelConsumer(
  platform: Platform,
  readModel: CampaignReadModel,
  env: NodeJS.ProcessEnv = process.env,
  /** A consumer that stopped for good ends the process, so that its supervisor starts it again. */
  onFatal?: (reason: string) => void,
): Promise<KafkaTransport> {
  const transport = new KafkaTransport({
    kafka: platform.kafka,
    producer: platform.producer,
    ds: platform.ds,
    relay: platform.relay,
    health: platform.health,
    groupId: 'gateway.read-model',
    topicPrefix: platform.config.topicPrefix,
    commandTopics: [TOPIC.campaignViews, TOPIC.dispatchEvents],
    bugAttemptsMax: intFromEnv('CLARION_TRANSPORT_BUG_ATTEMPTS_MAX', 3, env),
    retryDelayMsMax: intFromEnv('CLARION_TRANSPORT_RETRY_DELAY_MS_MAX', 2000, env),
    onFatal,
  });
  const on = <M>(type: string, handle: (m: M, ctx: MessageContext) => Promise<void>) => transport.addHandler(type, (m: M, ctx: MessageContext) => handle(m, ctx), true);
  on<CampaignViewChanged>('CampaignViewChanged', (m, ctx) => readModel.upsert(m.data.view, ctx.db));
  on<CampaignViewRemoved>('CampaignViewRemoved', (m, ctx) => readModel.remove(m.data.campaignSid, m.data.enterpriseSid, m.data.version, ctx.db));
  on<CarrierStatusReported>('CarrierStatusReported', (m, ctx) => readModel.recordCarrier(m.data, ctx.db));
  await new Promise<void>((resolve, reject) => transport.listen((err?: unknown) => (err ? reject(err) : resolve())));
  return transport;
}
