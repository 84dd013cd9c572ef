import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { CallStatus } from '@clarion/voice';
import {
  callbackStatusOf,
  decide,
  drawOutcome,
  evolve,
  initialCallState,
  isEnded,
  wantsCallback,
  type CallCommand,
  type CallEvent,
  type CallOutcome,
  type CallState,
  type OutcomeWeights,
} from './call.decider';
import {
  authenticated,
  callbackParams,
  callResource,
  Errors,
  parseCallRequest,
  parseForm,
  parseHangUp,
  rcmlParams,
  route,
  type ApiError,
  type CallFacts,
  type CallRequest,
  type FormParams,
} from './call-api';
import { deliverCallback, fetchCallFlow, type AudioFetch, type CallbackRecord, type RcmlFetch } from './carrier-requests';
import { readRequestBody, sendJson } from './http-io';

export type { AudioFetch, CallbackRecord, RcmlFetch } from './carrier-requests';

export interface VoiceSimulatorOptions {
  /** 0 = any free port. */
  port: number;
  accountSid: string;
  authToken: string;
  /** Outcome weights of calls; default { completed: 1 }. */
  outcomes?: OutcomeWeights;
  /** Test override: the outcome of the n-th call (1-based) to a number; undefined = use the weights. */
  outcomeFor?: (to: string, nth: number) => CallOutcome | undefined;
  /** From creation until answered / busy / no-answer / failed; default 50. */
  ringMs?: number;
  /** How long an answered call lasts once its flow was fetched; default 100. */
  callMs?: number;
  /** Calls not yet ended at once; beyond it Calls.json answers 429. Unset: only CALLS_KEPT_MAX bounds them. */
  maxConcurrent?: number;
  /** Deliveries per status callback, the first included; default 4. */
  callbackTries?: number;
}

export interface SimCall {
  sid: string;
  to: string;
  from: string;
  url: string;
  timeoutSeconds: number;
  statusCallback: string | null;
  statusCallbackEvents: string[];
  status: CallStatus;
  createdAt: string;
  answeredAt?: string;
  endedAt?: string;
  /** Set once the call ended: what its final callback says in CallDuration. */
  durationSeconds?: number;
  /** The answer to the RCML request, when one came. */
  rcml?: RcmlFetch;
  /** Why the call flow could not be played (no answer, an error status, not RCML); the call completed anyway. */
  rcmlError?: string;
  audioFetches: AudioFetch[];
  callbacks: CallbackRecord[];
}

export interface VoiceSimulatorStats {
  /** Calls accepted since the start or the last reset. */
  calls: number;
  /** Calls created and not ended. */
  active: number;
  maxConcurrentSeen: number;
  /** Creates answered 429. */
  refusedConcurrent: number;
}

/** Past it the oldest ended call is forgotten; when every kept call is still active, creates answer 429. */
const CALLS_KEPT_MAX = 100_000;
const BODY_BYTES_MAX = 64 * 1024;
/** With the backoff doubling from 100 ms, ten deliveries already span 51 seconds. */
const CALLBACK_TRIES_MAX = 10;
/**
 * Numbers whose calls are counted for `outcomeFor`'s `nth`. Past it the number counted first is
 * forgotten, and its next call counts as its first: only a run of over a million numbers notices.
 */
const NUMBERS_COUNTED_MAX = 1_000_000;
/** Ring and call times above a day are a mistake in the settings (Node's timers overflow at 24.8 days). */
const DELAY_MS_MAX = 86_400_000;
const SIM_CALLS_LISTED_MAX = CALLS_KEPT_MAX;

/** A call the simulator is running: its decider state, its timers and its queue of status callbacks. */
interface LiveCall {
  record: SimCall;
  state: CallState;
  accountSid: string;
  createdAtMs: number;
  answeredAtMs?: number;
  endedAtMs?: number;
  outcome: CallOutcome;
  nextSequenceNumber: number;
  timers: Set<NodeJS.Timeout>;
  /** The call's status callbacks, chained: each goes out once the one before it is done with. */
  outbox: Promise<void>;
  /** Aborted by reset() and stop(): whatever the call still had to do is abandoned. */
  lifetime: AbortSignal;
}

/**
 * A simulated carrier speaking the call-control REST API that Twilio, SignalWire (LaML) and
 * Restcomm share, over real HTTP: it accepts calls, rings them, fetches their RCML and audio,
 * and reports their progress to the status callback, signed as a carrier signs it. Each call's
 * rules live in call.decider.ts; this class is the adapter that gives them timers and sockets.
 */
export class VoiceSimulator {
  private server: Server | null = null;
  private readonly live = new Map<string, LiveCall>();
  /** Calls placed per number, for `outcomeFor`. */
  private readonly callsTo = new Map<string, number>();
  private counters: VoiceSimulatorStats = { calls: 0, active: 0, maxConcurrentSeen: 0, refusedConcurrent: 0 };
  private lifetime = new AbortController();
  /** Flow fetches and callback deliveries under way, so that stop() returns once they are abandoned. */
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly ringMs: number;
  private readonly callMs: number;
  private readonly callbackTries: number;
  private readonly weights: OutcomeWeights;

  constructor(private readonly options: VoiceSimulatorOptions) {
    this.ringMs = delaySetting('ringMs', options.ringMs ?? 50);
    this.callMs = delaySetting('callMs', options.callMs ?? 100);
    this.callbackTries = options.callbackTries ?? 4;
    if (!Number.isInteger(this.callbackTries) || this.callbackTries < 1 || this.callbackTries > CALLBACK_TRIES_MAX)
      throw new Error(`callbackTries must be an integer from 1 to ${CALLBACK_TRIES_MAX}, not ${options.callbackTries}`);
    if (options.maxConcurrent !== undefined && !(Number.isInteger(options.maxConcurrent) && options.maxConcurrent > 0))
      throw new Error(`maxConcurrent must be a positive integer, not ${options.maxConcurrent}`);
    this.weights = options.outcomes ?? { completed: 1 };
    for (const [outcome, w] of Object.entries(this.weights)) if (!(Number.isFinite(w) && w >= 0)) throw new Error(`the weight of ${outcome} must be a number of at least 0, not ${w}`);
  }

  async start(): Promise<{ port: number }> {
    const server = createServer((req, res) => {
      this.onRequest(req, res).catch((err: Error) => {
        // A bug in the simulator answers 500 for that request only; everyone else is still served.
        console.error(`[voice-sim] ${req.method} ${req.url}: ${err.stack ?? err.message}`);
        if (!res.headersSent) sendJson(res, 500, { code: 20500, message: 'Internal Server Error', status: 500 });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject); // e.g. the port is taken: say so instead of crashing
      server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return { port: (server.address() as AddressInfo).port };
  }

  /** Stops listening and abandons every call's timers, fetches and pending callbacks. */
  async stop(): Promise<void> {
    this.abandonCalls();
    const server = this.server;
    this.server = null;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    await Promise.allSettled([...this.inflight]);
  }

  calls(): SimCall[] {
    return [...this.live.values()].map((c) => structuredClone(c.record));
  }

  stats(): VoiceSimulatorStats {
    return { ...this.counters };
  }

  /** Forgets every call and count; calls still running are abandoned without further callbacks. */
  reset(): void {
    this.abandonCalls();
    this.live.clear();
    this.callsTo.clear();
    this.counters = { calls: 0, active: 0, maxConcurrentSeen: 0, refusedConcurrent: 0 };
  }

  private abandonCalls(): void {
    this.lifetime.abort();
    this.lifetime = new AbortController();
    for (const c of this.live.values()) clearTimers(c);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://voice-sim');
    const r = route(url.pathname);
    if (r.kind === 'sim') return this.onInspection(r.what, req, url, res);
    if (r.kind === 'unknown') return refuse(req, res, Errors.notFound());
    if (!authenticated(req.headers.authorization, r.accountSid, this.options)) return refuse(req, res, Errors.authenticate());
    if (r.kind === 'call' && req.method === 'GET') {
      const call = this.live.get(r.callSid);
      return call ? sendJson(res, 200, callResource(factsOf(call), r.prefix)) : refuse(req, res, Errors.notFound());
    }
    if (req.method !== 'POST') return refuse(req, res, Errors.methodNotAllowed());
    const body = await readRequestBody(req, BODY_BYTES_MAX);
    if (body === 'too-large') {
      // The rest of the body is not read, so the connection cannot carry another request.
      res.setHeader('connection', 'close');
      return sendError(res, Errors.tooLarge(BODY_BYTES_MAX));
    }
    const form = parseForm(body.toString('utf8'));
    if (r.kind === 'calls') return this.createCall(r.prefix, form, res);
    return this.hangUp(r.prefix, r.callSid, form, res);
  }

  private createCall(prefix: string, form: FormParams, res: ServerResponse): void {
    const parsed = parseCallRequest(form);
    if (!parsed.ok) return sendError(res, parsed.error);
    const max = this.options.maxConcurrent;
    if ((max !== undefined && this.counters.active >= max) || !this.makeRoom()) {
      this.counters.refusedConcurrent++;
      return sendError(res, Errors.tooManyCalls());
    }
    const call = this.newCall(parsed.value);
    sendJson(res, 201, callResource(factsOf(call), prefix));
    // Dialling starts once the answer is out, so that the client knows the call sid before its
    // first callback can arrive; 'close' also comes when the client went away, and the call is placed anyway.
    res.once('close', () => this.apply(call, { type: 'DialCall', nowMs: Date.now() }));
  }

  private newCall(req: CallRequest): LiveCall {
    const nowMs = Date.now();
    const sid = 'CA' + randomBytes(16).toString('hex');
    const outcome = this.options.outcomeFor?.(req.to, this.countCallTo(req.to)) ?? drawOutcome(this.weights, Math.random());
    const call: LiveCall = {
      record: { sid, ...req, status: 'queued', createdAt: new Date(nowMs).toISOString(), audioFetches: [], callbacks: [] },
      state: initialCallState(),
      accountSid: this.options.accountSid,
      createdAtMs: nowMs,
      outcome,
      nextSequenceNumber: 0,
      timers: new Set(),
      outbox: Promise.resolve(),
      lifetime: this.lifetime.signal,
    };
    this.live.set(sid, call);
    this.counters.calls++;
    this.counters.active++;
    this.counters.maxConcurrentSeen = Math.max(this.counters.maxConcurrentSeen, this.counters.active);
    return call;
  }

  /** Makes room for one more call by forgetting the oldest ended one; false when every kept call is still active. */
  private makeRoom(): boolean {
    if (this.live.size < CALLS_KEPT_MAX) return true;
    for (const [sid, c] of this.live) {
      if (isEnded(c.state)) {
        this.live.delete(sid);
        return true;
      }
    }
    return false;
  }

  private countCallTo(to: string): number {
    const nth = (this.callsTo.get(to) ?? 0) + 1;
    if (nth === 1 && this.callsTo.size >= NUMBERS_COUNTED_MAX) this.callsTo.delete(this.callsTo.keys().next().value!);
    this.callsTo.set(to, nth);
    return nth;
  }

  private hangUp(prefix: string, callSid: string, form: FormParams, res: ServerResponse): void {
    const call = this.live.get(callSid);
    if (!call) return sendError(res, Errors.notFound());
    const parsed = parseHangUp(form);
    if (!parsed.ok) return sendError(res, parsed.error);
    // Whichever Status was asked for, the call ends as its state allows: canceled before it is answered, completed after.
    this.apply(call, { type: 'HangUp', nowMs: Date.now() });
    sendJson(res, 200, callResource(factsOf(call), prefix));
  }

  /** Runs a command through the call's decider, then does what its events call for. */
  private apply(call: LiveCall, command: CallCommand): void {
    if (call.lifetime.aborted) return;
    for (const event of decide(command, call.state)) {
      call.state = evolve(call.state, event);
      this.record(call, event);
      const status = callbackStatusOf(event);
      if (status !== null && call.record.statusCallback !== null && wantsCallback(call.record.statusCallbackEvents, status)) this.queueCallback(call, call.record.statusCallback, status, event);
      this.react(call, event);
    }
  }

  private record(call: LiveCall, event: CallEvent): void {
    call.record.status = call.state.status;
    if (event.type === 'CallAnswered') {
      call.answeredAtMs = event.atMs;
      call.record.answeredAt = new Date(event.atMs).toISOString();
    } else if (event.type === 'CallEnded') {
      call.endedAtMs = event.atMs;
      call.record.endedAt = new Date(event.atMs).toISOString();
      call.record.durationSeconds = event.durationSeconds;
    }
  }

  private react(call: LiveCall, event: CallEvent): void {
    switch (event.type) {
      case 'CallInitiated':
        return;
      case 'CallRinging': {
        // Ringing time counts from the call's creation, whenever dialling actually started.
        const leftMs = Math.max(0, call.createdAtMs + this.ringMs - Date.now());
        return this.later(call, leftMs, () => ({ type: 'EndRinging', outcome: call.outcome, nowMs: Date.now() }));
      }
      case 'CallAnswered':
        return this.track(this.playFlow(call));
      case 'CallFlowStarted':
        return this.later(call, this.callMs, () => ({ type: 'EndCall', callMs: this.callMs, nowMs: Date.now() }));
      case 'CallEnded':
        clearTimers(call);
        this.counters.active--;
        return;
      default:
        return assertNever(event);
    }
  }

  private later(call: LiveCall, ms: number, command: () => CallCommand): void {
    const t = setTimeout(() => {
      call.timers.delete(t);
      this.apply(call, command());
    }, ms);
    call.timers.add(t);
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((err: Error) => console.error(`[voice-sim] ${err.stack ?? err.message}`)).finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }

  /**
   * Fetches the call flow as a carrier does once the callee answers, then lets the call go on
   * whatever happened: a real carrier plays an error message to a flow it cannot read.
   */
  private async playFlow(call: LiveCall): Promise<void> {
    const rec = call.record;
    const flow = await fetchCallFlow(rec.url, rcmlParams({ sid: rec.sid, accountSid: call.accountSid, from: rec.from, to: rec.to }), this.options.authToken, call.lifetime);
    if (flow === null) return; // abandoned by reset() or stop()
    Object.assign(rec, flow);
    this.apply(call, { type: 'StartFlow', nowMs: Date.now() });
  }

  /** Queues a status callback behind the call's earlier ones; its parameters (and so its signature) are fixed now, for every delivery. */
  private queueCallback(call: LiveCall, url: string, status: CallStatus, event: CallEvent): void {
    const cb: CallbackRecord = { status, sequenceNumber: call.nextSequenceNumber++, deliveries: 0, httpStatus: 0 };
    call.record.callbacks.push(cb);
    const rec = call.record;
    const durationSeconds = event.type === 'CallEnded' ? event.durationSeconds : undefined;
    const params = callbackParams({ sid: rec.sid, accountSid: call.accountSid, from: rec.from, to: rec.to }, { status, sequenceNumber: cb.sequenceNumber, atMs: event.atMs, durationSeconds });
    call.outbox = call.outbox.then(() => deliverCallback(url, params, this.options.authToken, this.callbackTries, cb, call.lifetime));
    this.track(call.outbox);
  }

  /** GET /sim/calls[?to=&limit=] (newest last), GET /sim/stats, POST /sim/reset: what a test or a person inspects over HTTP. */
  private onInspection(what: 'calls' | 'stats' | 'reset', req: IncomingMessage, url: URL, res: ServerResponse): void {
    const method = what === 'reset' ? 'POST' : 'GET';
    if (req.method !== method) return refuse(req, res, Errors.methodNotAllowed());
    req.resume();
    if (what === 'stats') return sendJson(res, 200, this.stats());
    if (what === 'reset') {
      this.reset();
      return sendJson(res, 200, { ok: true });
    }
    const to = url.searchParams.get('to');
    const asked = Number(url.searchParams.get('limit'));
    const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, SIM_CALLS_LISTED_MAX) : SIM_CALLS_LISTED_MAX;
    const calls = [...this.live.values()].filter((c) => to === null || c.record.to === to).map((c) => c.record);
    sendJson(res, 200, calls.slice(Math.max(0, calls.length - limit)));
  }
}

function delaySetting(name: string, ms: number): number {
  if (!(Number.isFinite(ms) && ms >= 0 && ms <= DELAY_MS_MAX)) throw new Error(`${name} must be from 0 to ${DELAY_MS_MAX} ms, not ${ms}`);
  return ms;
}

function clearTimers(call: LiveCall): void {
  for (const t of call.timers) clearTimeout(t);
  call.timers.clear();
}

function factsOf(c: LiveCall): CallFacts {
  const r = c.record;
  return {
    sid: r.sid,
    accountSid: c.accountSid,
    to: r.to,
    from: r.from,
    status: r.status,
    createdAtMs: c.createdAtMs,
    answeredAtMs: c.answeredAtMs,
    endedAtMs: c.endedAtMs,
    durationSeconds: r.durationSeconds,
  };
}

function sendError(res: ServerResponse, e: ApiError): void {
  sendJson(res, e.httpStatus, e.body);
}

/** Refuses a request whose body is not wanted: it is drained unread, so the connection stays usable. */
function refuse(req: IncomingMessage, res: ServerResponse, e: ApiError): void {
  req.resume();
  sendError(res, e);
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
