import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CARRIER_REPORT_MS, TOPIC, message } from '@clarion/contracts';
import { Platform, intFromEnv, sleep } from '@clarion/platform';
import { readVoiceSettings, webhooksAllowPrivate } from '@clarion/voice';
import type { CarrierPort } from './carrier.port';
import { VoiceAdapter } from './voice.adapter';
import { readDispatchConfig, readVoiceCallConfig, readVoiceDispatchConfig, type DispatchConfig, type VoiceCallConfig } from './dispatch.config';
import { quietClock } from './quiet-hours';
import { VoiceLines } from '../voice/voice-lines';
import { VoiceTimer } from '../voice/voice.timer';
import { WebhookDelivery } from '../webhooks/webhooks';
import { CampaignHealth } from './health';
import { InboundReplies } from './inbound';
import { Lease } from './lease';
import { ReceiptSink } from './receipt-sink';
import { Sender } from './sender';
import { SmppAdapter } from './smpp.adapter';
import { CompletionTimer } from './timers/completion.timer';
import { Every } from './timers/every';
import { InDoubtTimer } from './timers/in-doubt.timer';
import { OptedOutTimer } from './timers/opted-out.timer';
import { ProgressTimer, readProgressSettings } from './timers/progress.timer';
import { StartTimer } from './timers/start.timer';
import { UpkeepTimer } from './timers/upkeep.timer';

/**
 * The sending side of dispatch, put together: the carrier (behind its port), the receipt sink, the
 * lease, the sender loops, and the timers (start, in-doubt, completion, upkeep), each a small unit
 * of its own. Every step is driven by rows in the database, so any instance can pick up after any
 * other. This class only wires them and starts and stops them in order.
 */
@Injectable()
export class DispatchEngine implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly config: DispatchConfig = readDispatchConfig();
  readonly voiceCalls: VoiceCallConfig = readVoiceCallConfig();
  private carrier: CarrierPort | null = null;
  /** The call-control carrier, when VOICE_API_URL configures one. */
  private voiceCarrier: VoiceAdapter | null = null;
  private voiceSender: Sender | null = null;
  private receipts: ReceiptSink | null = null;
  private lease: Lease | null = null;
  private sender: Sender | null = null;
  private timers: Every[] = [];
  /** Auto-pause's windows (health.ts); the STOP replies' handler feeds it too. */
  health: CampaignHealth | null = null;
  private reported = { key: '', at: 0 };

  constructor(private readonly platform: Platform) {}

  async onApplicationBootstrap(): Promise<void> {
    const { platform, config } = this;
    this.receipts = new ReceiptSink(platform, config.receiptFlushMs, () => this.sender?.recorded() ?? Promise.resolve());
    this.carrier = new SmppAdapter(config, this.receipts.accept, new InboundReplies(platform, config).accept);
    this.lease = new Lease(platform, config.leaseMs);
    await this.lease.start();
    this.health = new CampaignHealth(platform);
    const health = this.health;
    this.sender = new Sender(platform, this.carrier, config, this.lease, health);
    this.carrier.connect().catch((err: Error) => console.error(`[dispatch-svc] carrier bind failed, retrying: ${err.message}`));
    const voice = readVoiceSettings();
    if (voice) {
      const voiceConfig = readVoiceDispatchConfig(config, voice);
      this.voiceCarrier = new VoiceAdapter(voice, voiceConfig.windowSize, voiceConfig.responseTimeoutMs);
      const lines = this.voiceCalls.maxConcurrentCalls > 0 ? new VoiceLines(platform, voiceConfig.carrierKey, this.voiceCalls.maxConcurrentCalls) : null;
      this.voiceSender = new Sender(platform, this.voiceCarrier, voiceConfig, this.lease, health, 'voice', lines);
    }
    const start = new StartTimer(platform);
    const lease = this.lease;
    const sender = this.sender;
    const voiceSender = this.voiceSender;
    const carriers = { sms: this.carrier, voice: this.voiceCarrier };
    const inDoubt = new InDoubtTimer(
      platform,
      (channel) => (channel === 'voice' ? carriers.voice : carriers.sms),
      config,
      () => ({ instanceId: lease.instanceId, activeClaimIds: [...sender.activeClaimIds(), ...(voiceSender?.activeClaimIds() ?? [])] }),
    );
    const completion = new CompletionTimer(platform);
    const upkeep = new UpkeepTimer(platform, config);
    const progress = readProgressSettings();
    const optedOut = new OptedOutTimer(platform);
    const voiceTimer = new VoiceTimer(
      platform,
      this.voiceCarrier,
      { minuteMs: this.voiceCalls.retryMinuteMs, pendingKeepMs: config.pendingReceiptKeepMs, outcomeTimeoutMs: this.voiceCalls.outcomeTimeoutMs },
      quietClock,
    );
    const webhooks = new WebhookDelivery(platform, { allowPrivate: webhooksAllowPrivate() });
    this.timers = [
      new Every('start timer', config.tickMs, () => start.tick()),
      new Every('in-doubt timer', config.tickMs * 4, () => inDoubt.tick()),
      new Every('completion timer', config.tickMs, () => completion.tick()),
      new Every('upkeep', config.tickMs, () => upkeep.tick()),
      new Every('auto-pause windows', config.tickMs * 4, () => health.prune()),
      new Every('carrier status', 1000, () => this.reportCarrier()),
      new Every('progress timer', progress.intervalMs, () => new ProgressTimer(platform, progress.quietMs).tick()),
      new Every('opted-out timer', config.tickMs, () => optedOut.tick()),
      new Every('voice timer', config.tickMs, () => voiceTimer.tick()),
      new Every('webhooks', config.tickMs, () => webhooks.tick()),
    ];
    for (const t of this.timers) t.start();
    this.sender.start();
    this.voiceSender?.start();
  }

  /**
   * Stops claiming, then waits for the carrier's answers to the submits in flight and records them,
   * up to DISPATCH_SHUTDOWN_DRAIN_MS; what is still unanswered then is settled after the restart
   * (query by reference or 'unknown'), never re-sent. Receipts received meanwhile are stored.
   */
  async onApplicationShutdown(): Promise<void> {
    const drainMs = intFromEnv('DISPATCH_SHUTDOWN_DRAIN_MS', 20000);
    const drained = await Promise.race([Promise.all([this.sender?.stop(), this.voiceSender?.stop()]).then(() => true), sleep(drainMs).then(() => false)]);
    if (!drained) console.error(`[dispatch-svc] shutdown: carrier answers still in flight after ${drainMs} ms; they are settled after the restart`);
    await this.receipts?.stop();
    await Promise.all(this.timers.map((t) => t.stop()));
    await this.carrier?.close().catch(() => undefined);
    this.lease?.stop();
  }

  /**
   * While the carrier is unreachable, dispatch-svc's readiness says so, and since when; and every
   * change (and every CARRIER_REPORT_MS) is published, so a running campaign's data shows it too.
   */
  private async reportCarrier(): Promise<void> {
    // The voice carrier shows in readiness only (refused credentials say so there); the campaigns'
    // carrier field is the SMS one, whose reports campaign-svc and the gateway keep per instance.
    const voice = this.voiceCarrier?.status();
    if (voice?.state === 'unreachable') this.platform.health.markDegraded('carrier voice', `unreachable since ${voice.since}${voice.detail ? `: ${voice.detail}` : ''}`);
    else this.platform.health.clearDegraded('carrier voice');
    const status = this.carrier?.status();
    if (!status || !this.lease) return;
    const component = `carrier ${this.carrier!.name}`;
    if (status.state === 'connected') this.platform.health.clearDegraded(component);
    else this.platform.health.markDegraded(component, `${status.state} since ${status.since}${status.detail ? `: ${status.detail}` : ''}`);
    const key = `${status.state} ${status.since}`;
    if (key === this.reported.key && Date.now() - this.reported.at < CARRIER_REPORT_MS) return;
    const data = {
      carrier: this.carrier!.name,
      instanceId: this.lease.instanceId,
      state: status.state,
      since: status.since,
      ...(status.detail ? { detail: status.detail } : {}),
      at: new Date().toISOString(),
    };
    await this.platform.tx(async (tx) => tx.publish(TOPIC.dispatchEvents, data.carrier, message('CarrierStatusReported', data)));
    this.reported = { key, at: Date.now() };
  }
}
