import { setTimeout as sleep } from 'node:timers/promises';
import { carrierSignature, parseRcml, type CallFlow, type CallStatus } from '@clarion/voice';
import { isWav } from './call-api';
import { describeFetchError, readCapped } from './http-io';

/**
 * The requests a carrier makes to Clarion: the call flow (RCML and the audio it plays) once a call
 * is answered, and the status callbacks. Each is signed as the call-control API signs it, bounded
 * in time and in bytes, and abandoned when `signal` aborts.
 */

/** RCML documents read, like every body the simulator takes in. */
export const RCML_BYTES_MAX = 64 * 1024;
const FETCH_TIMEOUT_MS = 5_000;
const CALLBACK_TIMEOUT_MS = 5_000;
const AUDIO_BYTES_MAX = 10 * 1024 * 1024;
/** A WAV file says what it is in its first 12 bytes. */
const AUDIO_HEAD_BYTES = 12;
/** `<Play>` verbs fetched per call; an RCML document of 64 KiB could name thousands. */
const PLAYS_FETCHED_MAX = 16;
/** A callback's answer is read only so that its connection can carry the next one. */
const CALLBACK_ANSWER_BYTES_MAX = 64 * 1024;
const CALLBACK_BACKOFF_MS = 100;
const USER_AGENT = 'clarion-voice-sim/1.0';

export interface RcmlFetch {
  httpStatus: number;
  body: string;
  verbs: CallFlow[] | null;
  signatureSent: string;
}

export interface AudioFetch {
  /** The `<Play>` URL, resolved against the RCML URL as a carrier resolves a relative one. */
  url: string;
  /** 0 when no HTTP answer came (see `error`). */
  httpStatus: number;
  /** Bytes of the body read, at most 10 MiB. */
  bytes: number;
  /** The body starts as a WAV file does: RIFF, then WAVE at bytes 8 to 11. */
  wav: boolean;
  truncated?: boolean;
  error?: string;
}

export interface CallFlowFetch {
  /** The answer to the RCML request, when one came. */
  rcml?: RcmlFetch;
  /** Why the flow cannot be played (no answer, an error status, not RCML). */
  rcmlError?: string;
  audioFetches: AudioFetch[];
}

/**
 * What a carrier does once the callee answers: POSTs the call's parameters to its `Url` and
 * fetches the audio of each `<Play>`. Never throws; null when `signal` aborted it.
 */
export async function fetchCallFlow(url: string, params: Record<string, string>, authToken: string, signal: AbortSignal): Promise<CallFlowFetch | null> {
  const signatureSent = carrierSignature(authToken, url, params);
  let httpStatus: number;
  let body: { head: Buffer; truncated: boolean };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signatureSent, 'user-agent': USER_AGENT },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.any([signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]),
    });
    httpStatus = res.status;
    body = await readCapped(res.body, RCML_BYTES_MAX, RCML_BYTES_MAX);
  } catch (err) {
    return signal.aborted ? null : { rcmlError: `RCML request failed: ${describeFetchError(err, FETCH_TIMEOUT_MS)}`, audioFetches: [] };
  }
  const text = body.head.toString('utf8');
  const ok = httpStatus >= 200 && httpStatus < 300;
  const verbs = ok && !body.truncated ? parseRcml(text) : null;
  const rcmlError = !ok
    ? `RCML request answered ${httpStatus}`
    : body.truncated
      ? `RCML longer than ${RCML_BYTES_MAX} bytes`
      : verbs === null
        ? 'RCML is not a <Response> of <Say> and <Play> verbs'
        : undefined;
  const audioFetches: AudioFetch[] = [];
  for (const verb of (verbs ?? []).filter(isPlay).slice(0, PLAYS_FETCHED_MAX)) {
    audioFetches.push(await fetchAudio(url, verb.audioUrl, authToken, signal));
    if (signal.aborted) return null;
  }
  return { rcml: { httpStatus, body: text, verbs, signatureSent }, ...(rcmlError === undefined ? {} : { rcmlError }), audioFetches };
}

const isPlay = (v: CallFlow): v is Extract<CallFlow, { kind: 'play' }> => v.kind === 'play';

async function fetchAudio(rcmlUrl: string, audioUrl: string, authToken: string, signal: AbortSignal): Promise<AudioFetch> {
  let url: string;
  try {
    url = new URL(audioUrl, rcmlUrl).href;
  } catch {
    return { url: audioUrl, httpStatus: 0, bytes: 0, wav: false, error: 'not a URL' };
  }
  try {
    // A GET is signed over its URL alone.
    const headers = { 'x-twilio-signature': carrierSignature(authToken, url), 'user-agent': USER_AGENT };
    const res = await fetch(url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]) });
    const body = await readCapped(res.body, AUDIO_BYTES_MAX, AUDIO_HEAD_BYTES);
    return { url, httpStatus: res.status, bytes: body.bytes, wav: isWav(body.head), ...(body.truncated ? { truncated: true } : {}) };
  } catch (err) {
    return { url, httpStatus: 0, bytes: 0, wav: false, error: describeFetchError(err, FETCH_TIMEOUT_MS) };
  }
}

export interface CallbackRecord {
  status: CallStatus;
  sequenceNumber: number;
  /** Deliveries tried so far; 0 while the callback waits behind the call's earlier ones. */
  deliveries: number;
  /** The last delivery's HTTP status; 0 when it got no HTTP answer (see `error`) or none was tried yet. */
  httpStatus: number;
  error?: string;
}

/**
 * Delivers one status callback, the same signed request each time, while it gets no 2xx answer,
 * up to `tries` deliveries with backoff 100 ms × 2^n between them. Progress is written to `record`
 * as it happens, so that an inspection sees a callback that is still being retried. Never throws.
 */
export async function deliverCallback(url: string, params: Record<string, string>, authToken: string, tries: number, record: CallbackRecord, signal: AbortSignal): Promise<void> {
  const body = new URLSearchParams(params).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': carrierSignature(authToken, url, params), 'user-agent': USER_AGENT };
  for (let n = 0; n < tries; n++) {
    try {
      if (n > 0) await sleep(CALLBACK_BACKOFF_MS * 2 ** (n - 1), undefined, { signal });
      if (signal.aborted) return;
      record.deliveries++;
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]) });
      record.httpStatus = res.status;
      delete record.error;
      // A 2xx is taken even if its body then breaks off: the receiver has the callback, and sending it again would repeat it.
      await readCapped(res.body, CALLBACK_ANSWER_BYTES_MAX, 0).catch(() => undefined);
      if (res.ok) return;
    } catch (err) {
      if (signal.aborted) return;
      record.httpStatus = 0;
      record.error = describeFetchError(err, CALLBACK_TIMEOUT_MS);
    }
  }
}
