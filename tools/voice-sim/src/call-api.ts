import { sameText } from '@clarion/voice';

/**
 * The call-control REST API's side of the simulator as pure functions: which resource a path names,
 * whether the credentials hold, what a create request asks for, and the JSON the carrier answers.
 */

export const API_VERSION = '2010-04-01';
/** The longest ring time the call-control API accepts (`Timeout`), and what it uses when none is given. */
const TIMEOUT_SECONDS_MAX = 600;
const TIMEOUT_SECONDS_DEFAULT = 60;
const E164 = /^\+[1-9]\d{6,14}$/;

export interface ApiError {
  httpStatus: number;
  body: { code: number; message: string; status: number };
}

const apiError = (httpStatus: number, code: number, message: string): ApiError => ({ httpStatus, body: { code, message, status: httpStatus } });

export const Errors = {
  authenticate: () => apiError(401, 20003, 'Authenticate'),
  notFound: () => apiError(404, 20404, 'The requested resource was not found'),
  methodNotAllowed: () => apiError(405, 20004, 'Method not allowed'),
  // The call-control API documents no code of its own for an oversized body: the HTTP status serves.
  tooLarge: (maxBytes: number) => apiError(413, 413, `The request body is longer than ${maxBytes} bytes`),
  tooManyCalls: () => apiError(429, 20429, 'Too many concurrent calls'),
  missing: (name: string) => apiError(400, 21201, `No '${name}' is specified`),
  invalidTo: (to: string) => apiError(400, 21211, `Invalid 'To' Phone Number: ${to}`),
  invalidUrl: (url: string) => apiError(400, 21205, `Url is not a valid URL: ${url}`),
  /** 21200 is the Calls resource's catch-all for a parameter it cannot use. */
  invalidStatusCallback: (url: string) => apiError(400, 21200, `StatusCallback is not a valid URL: ${url}`),
  invalidStatus: (status: string) => apiError(400, 21200, `Status must be canceled or completed, not '${status}'`),
};

/** A form body: every value of a repeated name, in order. */
export type FormParams = Record<string, string[]>;

export function parseForm(body: string): FormParams {
  const params: FormParams = {};
  for (const [name, value] of new URLSearchParams(body)) (params[name] ??= []).push(value);
  return params;
}

const first = (p: FormParams, name: string): string | undefined => p[name]?.[0];

export type Route =
  | { kind: 'calls'; prefix: string; accountSid: string }
  | { kind: 'call'; prefix: string; accountSid: string; callSid: string }
  | { kind: 'sim'; what: 'calls' | 'stats' | 'reset' }
  | { kind: 'unknown' };

/** `/<anything>/Accounts/{sid}/Calls.json` and `…/Calls/{CallSid}.json`, whatever comes before `/Accounts`. */
const CALLS_PATH = /^((?:\/[^/]+)*)\/Accounts\/([^/]+)\/Calls(?:\/([^/]+))?\.json$/;

export function route(pathname: string): Route {
  if (pathname === '/sim/calls' || pathname === '/sim/stats' || pathname === '/sim/reset') return { kind: 'sim', what: pathname.slice(5) as 'calls' | 'stats' | 'reset' };
  const m = CALLS_PATH.exec(pathname);
  if (!m) return { kind: 'unknown' };
  const accountSid = decodeSegment(m[2]);
  const callSid = m[3] === undefined ? undefined : decodeSegment(m[3]);
  if (accountSid === null || callSid === null) return { kind: 'unknown' };
  return callSid === undefined ? { kind: 'calls', prefix: m[1], accountSid } : { kind: 'call', prefix: m[1], accountSid, callSid };
}

function decodeSegment(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Basic `{accountSid}:{authToken}`, for the account the path names; compared in constant time. */
export function authenticated(authorization: string | undefined, pathAccountSid: string, account: { accountSid: string; authToken: string }): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Every comparison runs, so that how long a refusal takes says nothing about which part was wrong.
  const sidOk = sameText(decoded.slice(0, colon), account.accountSid);
  const tokenOk = sameText(decoded.slice(colon + 1), account.authToken);
  const pathOk = sameText(pathAccountSid, account.accountSid);
  return sidOk && tokenOk && pathOk;
}

export interface CallRequest {
  to: string;
  from: string;
  url: string;
  statusCallback: string | null;
  statusCallbackEvents: string[];
  timeoutSeconds: number;
}

/** What `POST …/Calls.json` asks for, or the carrier's refusal. */
export function parseCallRequest(p: FormParams): { ok: true; value: CallRequest } | { ok: false; error: ApiError } {
  for (const name of ['To', 'From', 'Url']) if (!first(p, name)) return { ok: false, error: Errors.missing(name) };
  const to = first(p, 'To')!;
  const url = first(p, 'Url')!;
  if (!E164.test(to)) return { ok: false, error: Errors.invalidTo(to) };
  if (!isHttpUrl(url)) return { ok: false, error: Errors.invalidUrl(url) };
  const statusCallback = first(p, 'StatusCallback') || null;
  if (statusCallback !== null && !isHttpUrl(statusCallback)) return { ok: false, error: Errors.invalidStatusCallback(statusCallback) };
  // Without StatusCallbackEvent the call-control API reports the final status only.
  const events = (p.StatusCallbackEvent ?? []).flatMap((e) => e.split(/[\s,]+/)).filter((e) => e !== '');
  const timeout = Number(first(p, 'Timeout') ?? TIMEOUT_SECONDS_DEFAULT);
  const timeoutSeconds = Number.isInteger(timeout) && timeout > 0 ? Math.min(timeout, TIMEOUT_SECONDS_MAX) : TIMEOUT_SECONDS_DEFAULT;
  return { ok: true, value: { to, from: first(p, 'From')!, url, statusCallback, statusCallbackEvents: events.length > 0 ? events : ['completed'], timeoutSeconds } };
}

export function parseHangUp(p: FormParams): { ok: true } | { ok: false; error: ApiError } {
  const status = first(p, 'Status');
  if (status === undefined) return { ok: false, error: Errors.missing('Status') };
  return status === 'canceled' || status === 'completed' ? { ok: true } : { ok: false, error: Errors.invalidStatus(status) };
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** RFC 2822, in UTC, as the call-control API writes dates: `Tue, 05 Mar 2024 12:00:00 +0000`. */
export const rfc2822 = (ms: number): string => new Date(ms).toUTCString().replace(/GMT$/, '+0000');

export interface CallFacts {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  status: string;
  createdAtMs: number;
  answeredAtMs?: number;
  endedAtMs?: number;
  durationSeconds?: number;
}

/** The call resource as the API answers it; `prefix` is the path before `/Accounts` the client used. */
export function callResource(c: CallFacts, prefix: string) {
  return {
    sid: c.sid,
    account_sid: c.accountSid,
    to: c.to,
    from: c.from,
    status: c.status,
    direction: 'outbound-api',
    api_version: API_VERSION,
    date_created: rfc2822(c.createdAtMs),
    start_time: c.answeredAtMs === undefined ? null : rfc2822(c.answeredAtMs),
    end_time: c.endedAtMs === undefined ? null : rfc2822(c.endedAtMs),
    duration: c.durationSeconds === undefined ? null : String(c.durationSeconds),
    uri: `${prefix}/Accounts/${encodeURIComponent(c.accountSid)}/Calls/${c.sid}.json`,
  };
}

/** The parameters of the RCML request: who is calling whom, and that the call is answered. */
export function rcmlParams(c: Pick<CallFacts, 'sid' | 'accountSid' | 'from' | 'to'>): Record<string, string> {
  return { CallSid: c.sid, AccountSid: c.accountSid, From: c.from, To: c.to, CallStatus: 'in-progress', Direction: 'outbound-api', ApiVersion: API_VERSION };
}

/** The parameters of one status callback; `CallDuration` only on a final status. */
export function callbackParams(
  c: Pick<CallFacts, 'sid' | 'accountSid' | 'from' | 'to'>,
  cb: { status: string; sequenceNumber: number; atMs: number; durationSeconds?: number },
): Record<string, string> {
  return {
    CallSid: c.sid,
    AccountSid: c.accountSid,
    From: c.from,
    To: c.to,
    CallStatus: cb.status,
    Direction: 'outbound-api',
    ApiVersion: API_VERSION,
    Timestamp: rfc2822(cb.atMs),
    SequenceNumber: String(cb.sequenceNumber),
    CallbackSource: 'call-progress-events',
    ...(cb.durationSeconds === undefined ? {} : { CallDuration: String(cb.durationSeconds) }),
  };
}

/** A WAV file: a RIFF container whose form type (bytes 8 to 11) is WAVE. */
export function isWav(head: Uint8Array): boolean {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  return b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WAVE';
}
