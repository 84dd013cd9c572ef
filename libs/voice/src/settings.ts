import { createHmac } from 'node:crypto';

/**
 * The voice carrier's settings, read the same way by dispatch-svc (which places calls) and the
 * gateway (which serves the call flows and takes the carrier's callbacks).
 */
export interface VoiceSettings {
  apiUrl: string;
  accountSid: string;
  authToken: string;
  /** Where the carrier reaches Clarion's gateway, without a trailing slash. */
  publicUrl: string;
  /** Signs the call-flow and audio URLs handed to the carrier (see signed-url.ts). */
  urlSecret: string;
  /** How long those URLs stay valid: a call must be answered within it. */
  urlTtlMs: number;
}

/** Path of the status callback, under PUBLIC_URL. */
export const CALL_STATUS_PATH = '/voice/status';
/** Path of a campaign's call flow (RCML), under PUBLIC_URL; the campaign sid follows. */
export const CALL_FLOW_PATH = '/voice/rcml/';
/** Path of a campaign's announcement audio, under PUBLIC_URL; the campaign sid follows. */
export const CALL_AUDIO_PATH = '/voice/audio/';

/** Null when no voice carrier is configured (VOICE_API_URL unset): voice campaigns then fail their calls. */
export function readVoiceSettings(env: NodeJS.ProcessEnv = process.env): VoiceSettings | null {
  const apiUrl = env.VOICE_API_URL?.trim();
  if (!apiUrl) return null;
  const accountSid = env.VOICE_ACCOUNT_SID?.trim();
  const authToken = env.VOICE_AUTH_TOKEN?.trim();
  if (!accountSid || !authToken) throw new Error('VOICE_API_URL is set: VOICE_ACCOUNT_SID and VOICE_AUTH_TOKEN must be set too');
  if (!/^https?:\/\//.test(apiUrl)) throw new Error(`VOICE_API_URL must be an http(s) URL, not ${apiUrl}`);
  const publicUrl = (env.PUBLIC_URL?.trim() || `http://127.0.0.1:${env.PORT || 3000}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(publicUrl)) throw new Error(`PUBLIC_URL must be an http(s) URL, not ${publicUrl}`);
  const ttlSeconds = Number(env.VOICE_URL_TTL_SECONDS ?? 3600);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > 7 * 86400) throw new Error('VOICE_URL_TTL_SECONDS must be an integer from 60 to 604800');
  return {
    apiUrl,
    accountSid,
    authToken,
    publicUrl,
    // Without a secret of its own, one derived from the auth token (never the token itself, which the carrier knows too).
    urlSecret: env.VOICE_URL_SECRET?.trim() || createHmac('sha256', authToken).update('clarion call-flow urls').digest('base64url'),
    urlTtlMs: ttlSeconds * 1000,
  };
}
