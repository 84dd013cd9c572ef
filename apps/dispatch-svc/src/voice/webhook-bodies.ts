import type { VoiceCallSettings, VoiceWebhookUrls } from '@clarion/contracts';
import type { WebhookKind } from '../webhooks/webhooks';

/**
 * The bodies of a voice campaign's webhooks (seed 002's three callbacks), in that API's snake_case.
 * Pure: the repository decides when each is due and queues it in the same transaction.
 */
export interface CallWebhook {
  campaignSid: string;
  kind: WebhookKind;
  url: string;
  body: Record<string, unknown>;
  signingKey: string;
}

/** A campaign's webhook URLs and signing key, or null when it has none. */
export function webhooksOf(voice: VoiceCallSettings | null | undefined): { urls: VoiceWebhookUrls; signingKey: string; customField: string | null } | null {
  const urls = voice?.options?.webhooks;
  if (!urls || !voice?.webhookKey) return null;
  return { urls, signingKey: voice.webhookKey, customField: voice.options?.customField ?? null };
}

export function callStatusBody(
  campaignSid: string,
  number: string,
  attempt: number,
  o: { callSid: string; status: string; durationSeconds: number | null },
  customField: string | null,
): Record<string, unknown> {
  return {
    event: 'call_completed',
    campaign_id: campaignSid,
    call_sid: o.callSid,
    number,
    attempt,
    status: o.status,
    duration: o.durationSeconds,
    custom_field: customField,
    date_created: new Date().toISOString(),
  };
}

export function callScheduleBody(campaignSid: string, number: string, attempts: number, result: string, lastStatus: string, customField: string | null): Record<string, unknown> {
  return { event: 'number_completed', campaign_id: campaignSid, number, attempts, result, last_call_status: lastStatus, custom_field: customField, date_created: new Date().toISOString() };
}

export function campaignStatusBody(
  campaignSid: string,
  event: 'campaign_started' | 'campaign_completed',
  status: string,
  customField: string | null,
  counts?: Record<string, number>,
): Record<string, unknown> {
  return { event, campaign_id: campaignSid, status, custom_field: customField, ...(counts ? { stats: counts } : {}), date_created: new Date().toISOString() };
}

/** The campaign's status webhook, when it has one. */
export function statusWebhook(campaignSid: string, voice: VoiceCallSettings | null | undefined, body: Record<string, unknown>): CallWebhook | null {
  const w = webhooksOf(voice);
  return w?.urls.statusCallback ? { campaignSid, kind: 'status', url: w.urls.statusCallback, body, signingKey: w.signingKey } : null;
}
