import { CALL_FLOW_PATH, CALL_STATUS_PATH, VoiceApiClient, signPath, type PlaceCallAnswer, type VoiceSettings } from '@clarion/voice';
import type { CarrierPort, CarrierStatus, OutboundMessage } from './carrier.port';
import type { CarrierAnswer } from './send.decider';

/** After the carrier could not be reached (or refused the credentials), the sender waits this long before it tries again. */
const UNREACHABLE_PAUSE_MS = 1000;

/**
 * The carrier port over the call-control REST API (Twilio, SignalWire, Restcomm): a submit places
 * one call. Its outcome arrives later as a status callback at the gateway, which dispatch applies
 * as a receipt (call-status.handlers.ts), matched by the call sid and the number.
 *
 * What each answer means for the send (send.decider.ts): 201 is sent; 429, 5xx, refused
 * credentials or a request that never left are throttled (tried again later, not an attempt);
 * another 4xx fails the number; no answer leaves it in doubt, and since the API cannot be asked
 * by Clarion's own reference, the in-doubt timer ends it 'unknown' rather than calling twice.
 */
export class VoiceAdapter implements CarrierPort {
  readonly name = 'voice';
  readonly queryByReference = null;
  private readonly client: VoiceApiClient;
  private state: CarrierStatus = { state: 'connecting', since: new Date().toISOString() };
  private pausedUntil = 0;

  constructor(
    private readonly settings: VoiceSettings,
    /** Call requests in flight at once (the sender never claims more). */
    private readonly requestsInFlight: number,
    responseTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.client = new VoiceApiClient({ apiUrl: settings.apiUrl, accountSid: settings.accountSid, authToken: settings.authToken, timeoutMs: responseTimeoutMs });
  }

  /** There is no session to open: the first answer tells whether the carrier is there. */
  async connect(): Promise<void> {}

  isReady(): boolean {
    return this.now() >= this.pausedUntil;
  }

  capacity(): number {
    return this.requestsInFlight;
  }

  status(): CarrierStatus {
    return this.state;
  }

  /** The URL the carrier fetches the call flow from: the campaign's own, or its announcement's, signed and expiring. */
  callFlowUrl(m: OutboundMessage): string {
    if (!m.call) throw new Error(`send ${m.reference} is not a call`);
    // The campaign's custom field rides along as a parameter of its own call flow's URL (seed 002 custom_field).
    if (m.call.rcmlUrl) return m.call.customField ? withParameter(m.call.rcmlUrl, 'CustomField', m.call.customField) : m.call.rcmlUrl;
    return this.settings.publicUrl + signPath(this.settings.urlSecret, CALL_FLOW_PATH + m.call.campaignSid, this.now() + this.settings.urlTtlMs);
  }

  async submit(m: OutboundMessage): Promise<CarrierAnswer> {
    // A voice campaign scheduled without its call settings (before they existed) has nothing to play.
    if (!m.call) return { kind: 'rejected', commandStatus: 0, retriable: false, code: 'no-call-flow' };
    const answer = await this.client.placeCall({
      to: m.to,
      from: m.from,
      url: this.callFlowUrl(m),
      // The send's reference rides on the callback URL (covered by the carrier's signature): a call
      // whose answer was lost is still matched to its number when its outcome comes.
      statusCallback: `${this.settings.publicUrl}${CALL_STATUS_PATH}?ref=${encodeURIComponent(m.reference)}`,
      timeoutSeconds: m.call.dialTimeoutSeconds,
    });
    this.observe(answer);
    return carrierAnswerOf(answer);
  }

  private observe(a: PlaceCallAnswer): void {
    const at = new Date(this.now()).toISOString();
    const unreachable = a.kind === 'throttled' && (a.httpStatus === 0 || a.httpStatus === 401 || a.httpStatus === 403);
    if (unreachable) {
      this.pausedUntil = this.now() + UNREACHABLE_PAUSE_MS;
      if (this.state.state !== 'unreachable') this.state = { state: 'unreachable', since: at, detail: a.detail };
    } else if (a.kind !== 'unknown' && this.state.state !== 'connected') this.state = { state: 'connected', since: at };
  }

  /** Cancels a call that has not been answered (end_at); an answered one goes on to its end. */
  hangUp(callSid: string): Promise<boolean> {
    return this.client.hangUp(callSid, 'canceled');
  }

  async close(): Promise<void> {}
}

/** The API's answer in the port's terms; HTTP statuses are kept as the send's error code (`http-429`). */
export function carrierAnswerOf(a: PlaceCallAnswer): CarrierAnswer {
  switch (a.kind) {
    case 'accepted':
      return { kind: 'accepted', messageId: a.callSid };
    case 'throttled':
      return { kind: 'throttled', commandStatus: a.httpStatus, code: a.httpStatus === 0 ? 'carrier-unreachable' : `http-${a.httpStatus}` };
    case 'rejected':
      return { kind: 'rejected', commandStatus: a.httpStatus, retriable: false, code: `http-${a.httpStatus}` };
    case 'unknown':
      return { kind: 'unknown', reason: a.reason };
  }
}

function withParameter(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}
