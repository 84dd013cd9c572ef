import { readVoiceSettings, type VoiceSettings } from '@clarion/voice';

/** The voice carrier's settings for the gateway's routes; `settings` null: no voice carrier is configured. */
export class VoiceConfig {
  constructor(readonly settings: VoiceSettings | null) {}
  static fromEnv(env: NodeJS.ProcessEnv): VoiceConfig {
    return new VoiceConfig(readVoiceSettings(env));
  }
}
