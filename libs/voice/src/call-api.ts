/**
 * A client of the call-control REST API that Twilio, SignalWire (LaML) and Restcomm share:
 * `POST {apiUrl}/Accounts/{accountSid}/Calls.json`, form-encoded, Basic auth `{sid}:{token}`.
 * It places a call at most once per `placeCall` and never retries by itself (dispatch decides).
 */
export interface VoiceApiSettings {
  /** The base up to the API version, e.g. https://api.twilio.com/2010-04-01 */
  apiUrl: string;
  accountSid: string;
  authToken: string;
  /** How long an answer may take before the call is in doubt. */
  timeoutMs: number;
}

export interface PlaceCall {
  to: string;
  from: string;
  /** Where the carrier fetches the call flow (RCML) once the call is answered. */
  url: string;
  statusCallback: string;
  timeoutSeconds: number;
}

export type PlaceCallAnswer =
  | { kind: 'accepted'; callSid: string }
  /** 429, 5xx, refused credentials, or the request never left: try later, it is not an attempt. */
  | { kind: 'throttled'; httpStatus: number; detail: string }
  /** 4xx: this call can never be placed (a bad number, say). */
  | { kind: 'rejected'; httpStatus: number; detail: string }
  /** Sent, but no answer came: the call may or may not exist. */
  | { kind: 'unknown'; reason: string };

/** Connection errors that prove the request was never delivered to the carrier. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class VoiceApiClient {
  private readonly auth: string;

  constructor(private readonly settings: VoiceApiSettings) {
    this.auth = 'Basic ' + Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64');
  }

  private callsUrl(callSid?: string): string {
    const base = `${this.settings.apiUrl.replace(/\/+$/, '')}/Accounts/${encodeURIComponent(this.settings.accountSid)}/Calls`;
    return callSid ? `${base}/${encodeURIComponent(callSid)}.json` : `${base}.json`;
  }

  async placeCall(c: PlaceCall): Promise<PlaceCallAnswer> {
    const form = new URLSearchParams({ To: c.to, From: c.from, Url: c.url, Method: 'POST', StatusCallback: c.statusCallback, StatusCallbackMethod: 'POST', Timeout: String(c.timeoutSeconds) });
    for (const e of ['initiated', 'ringing', 'answered', 'completed']) form.append('StatusCallbackEvent', e);
    let res: Response;
    try {
      res = await this.post(this.callsUrl(), form);
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
      if (NOT_SENT_CODES.has(code)) return { kind: 'throttled', httpStatus: 0, detail: code };
      return { kind: 'unknown', reason: (err as Error).name === 'TimeoutError' ? `no answer in ${this.settings.timeoutMs} ms` : `${(err as Error).message} ${code}`.trim() };
    }
    const text = await res.text().catch(() => '');
    if (res.status === 200 || res.status === 201) {
      const sid = safeJson(text)?.sid;
      return typeof sid === 'string' && sid.length > 0 ? { kind: 'accepted', callSid: sid } : { kind: 'unknown', reason: `answer ${res.status} without a call sid` };
    }
    const detail = `${res.status} ${String(safeJson(text)?.message ?? text).slice(0, 200)}`;
    if (res.status === 429 || res.status >= 500 || res.status === 401 || res.status === 403) return { kind: 'throttled', httpStatus: res.status, detail };
    return { kind: 'rejected', httpStatus: res.status, detail };
  }

  /** Ends a call: `canceled` while it is queued or ringing, `completed` once answered. */
  async hangUp(callSid: string, status: 'canceled' | 'completed'): Promise<boolean> {
    try {
      const res = await this.post(this.callsUrl(callSid), new URLSearchParams({ Status: status }));
      await res.text().catch(() => '');
      return res.ok;
    } catch {
      return false;
    }
  }

  private post(url: string, form: URLSearchParams): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: { authorization: this.auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    });
  }
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}
