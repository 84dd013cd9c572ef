import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { TOPIC } from '@clarion/contracts';
import { PlatformModule, runMain, startService, type Platform, type ServiceDefinition, type StartOptions } from '@clarion/platform';
import { OptOutConsumer } from './consent/opt-out.consumer';
import { IntakeHandlers } from './intake/intake.handlers';
import { DispatchEngine } from './sending/dispatch.engine';
import {
  DispatchBatches4,
  DispatchClaimFunction5,
  DispatchPersonalised6,
  DispatchPipeline2,
  DispatchRate3,
  DispatchStateCounts7,
  DispatchTables1,
  DispatchAutoPause8,
  DispatchSendTimeOptOuts9,
  DispatchQuietHours10,
  DispatchDeferredIndex11,
  DispatchClaimOptOutProbe12,
  DispatchVoice13,
  DispatchVoiceCalls15,
  DispatchSendsBySeq16,
} from './migrations';
import { DispatchWebhooks14 } from './webhooks/webhooks.migrations';
import { StopRepliesHandlers } from './sending/stop-replies.handlers';
import { CallStatusHandlers } from './sending/call-status.handlers';

@Module({ controllers: [IntakeHandlers, StopRepliesHandlers, CallStatusHandlers], providers: [DispatchEngine, OptOutConsumer] })
class DispatchModule {}

export const dispatchService: ServiceDefinition = {
  name: 'dispatch-svc',
  schema: 'dispatch',
  migrations: [
    DispatchTables1,
    DispatchPipeline2,
    DispatchRate3,
    DispatchBatches4,
    DispatchClaimFunction5,
    DispatchPersonalised6,
    DispatchStateCounts7,
    DispatchAutoPause8,
    DispatchSendTimeOptOuts9,
    DispatchQuietHours10,
    DispatchDeferredIndex11,
    DispatchClaimOptOutProbe12,
    DispatchVoice13,
    DispatchWebhooks14,
    DispatchVoiceCalls15,
    DispatchSendsBySeq16,
  ],
  module: (platform: Platform) => ({ module: DispatchModule, imports: [PlatformModule.forRoot(platform)] }),
  commandTopics: [TOPIC.dndEvents, TOPIC.campaignEvents, TOPIC.consentChanges, TOPIC.voiceCallbacks],
  queryTopics: [TOPIC.dispatchQueries],
};

export const startDispatchService = (options?: StartOptions) => startService(dispatchService, options);

if (require.main === module) runMain((options) => startDispatchService(options), 'dispatch-svc');
