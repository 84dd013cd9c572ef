import { CallFlowController } from './call-flow.controller';
import { CallStatusController } from './call-status.controller';

export { GatewayVoiceTables1 } from './voice.migrations';
export { VoiceConfig } from './voice.config';
export { CallFlows, callFlowOf } from './call-flows.repository';
export const VOICE_CONTROLLERS = [CallFlowController, CallStatusController];
