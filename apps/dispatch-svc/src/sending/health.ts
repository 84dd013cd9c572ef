import { TOPIC, message, type DispatchPaused, type PauseReason } from '@clarion/contracts';
import { intFromEnv, type Platform } from '@clarion/platform';

/**
 * Auto-pause: a campaign whose last N carrier answers fail too often, or whose recipients reply
 * STOP too often, stops being claimed until someone resumes or cancels it. A carrier in trouble
 * or a list that was never meant to be messaged costs money (and, for STOPs, fines) with every
 * further message, so the pause is taken before anyone looks.
 *
 * The windows are per dispatch-svc instance: each instance sees only the answers to its own
 * submits, so with k instances "the last N" is the last N of one instance's share, and each
 * instance decides on its own (the first one over the threshold pauses the campaign for all, as
 * the status lives in the database). STOP replies reach the one instance that consumes their
 * partition of consent.changes.v1 and count against that instance's window, which over-states the
 * STOP rate by up to k: a pause comes early rather than late, which is the safe side.
 */

export interface PauseSettings {
  /** N: the carrier answers a window holds. 0 disables both checks. */
  window: number;
  /** Failed answers / N at which the campaign pauses; 0 disables. */
  failureRate: number;
  /** STOP replies / N at which the campaign pauses; 0 disables. */
  stopRate: number;
}

/** The most answers one campaign's window may hold: memory stays bounded whatever is configured. */
export const PAUSE_WINDOW_MAX = 100_000;
/** Running campaigns watched at once by one instance (the sender runs at most 20; STOPs may name others). */
export const WATCHED_CAMPAIGNS_MAX = 1_000;

export function readPauseSettings(env: NodeJS.ProcessEnv = process.env): PauseSettings {
  const rate = (name: string, fallback: number): number => {
    const v = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
    if (!(v >= 0 && v <= 1)) throw new Error(`${name} must be a fraction from 0 to 1, not ${env[name]}`);
    return v;
  };
  const window = intFromEnv('DISPATCH_PAUSE_WINDOW', 200, env);
  if (window < 0 || window > PAUSE_WINDOW_MAX) throw new Error(`DISPATCH_PAUSE_WINDOW must be from 0 to ${PAUSE_WINDOW_MAX}`);
  return { window, failureRate: rate('DISPATCH_PAUSE_FAILURE_RATE', 0.2), stopRate: rate('DISPATCH_PAUSE_STOP_RATE', 0.02) };
}

/**
 * One campaign's window: a ring of the last N answers (1 = failed), with the STOP replies that
 * arrived while each answer was the newest, so a STOP leaves the window with the answers of its
 * time. Totals are kept, so each step costs O(1).
 */
export interface HealthWindow {
  readonly failed: Uint8Array;
  readonly stops: Uint32Array;
  head: number;
  count: number;
  failedTotal: number;
  stopsTotal: number;
  /** A pause was decided: nothing more is counted until the window is dropped (resumed: a fresh one). */
  tripped: boolean;
}

export type HealthInput = { type: 'answered'; failed: number; ok: number } | { type: 'stop-replied' };
export type HealthDecision = { pause: false } | { pause: true; reason: PauseReason; detail: string };

export function newWindow(settings: PauseSettings): HealthWindow {
  const n = Math.max(1, settings.window);
  return { failed: new Uint8Array(n), stops: new Uint32Array(n), head: 0, count: 0, failedTotal: 0, stopsTotal: 0, tripped: false };
}

/** Puts one answer in the ring, evicting the oldest (and the STOPs of its time) once it is full. */
function push(w: HealthWindow, failed: boolean): void {
  const n = w.failed.length;
  if (w.count === n) {
    w.failedTotal -= w.failed[w.head];
    w.stopsTotal -= w.stops[w.head];
  } else {
    w.count++;
  }
  w.failed[w.head] = failed ? 1 : 0;
  w.stops[w.head] = 0;
  w.failedTotal += failed ? 1 : 0;
  w.head = (w.head + 1) % n;
}

/**
 * The pure decider: applies an input to the window (mutating it in place, as it is a ring of up to
 * N entries and this runs on the send path) and says whether the campaign must pause now. A
 * threshold is a count over N, not over the answers so far: "20% of the last 200" is 40 failures
 * however many answers came yet, so a campaign's first answers cannot pause it on a small sample.
 */
export function decideHealth(w: HealthWindow, input: HealthInput, settings: PauseSettings): HealthDecision {
  if (settings.window === 0 || w.tripped) return { pause: false };
  const n = settings.window;
  switch (input.type) {
    case 'answered':
      // Failed ones first: the batch's answers came together, and a pause looks at the whole batch.
      for (let i = 0; i < input.failed; i++) push(w, true);
      for (let i = 0; i < input.ok; i++) push(w, false);
      break;
    case 'stop-replied':
      // Attached to the newest answer (or, before any, to the slot the window fills last).
      w.stops[(w.head - 1 + n) % n]++;
      w.stopsTotal++;
      break;
    default: {
      const never: never = input;
      throw new Error(`unhandled health input ${JSON.stringify(never)}`);
    }
  }
  if (settings.failureRate > 0 && w.failedTotal > 0 && w.failedTotal >= settings.failureRate * n) {
    w.tripped = true;
    return { pause: true, reason: 'failure-rate', detail: `${w.failedTotal} of the last ${n} submits failed` };
  }
  if (settings.stopRate > 0 && w.stopsTotal > 0 && w.stopsTotal >= settings.stopRate * n) {
    w.tripped = true;
    return { pause: true, reason: 'stop-rate', detail: `${w.stopsTotal} STOP replies to the last ${n} messages sent` };
  }
  return { pause: false };
}

/**
 * The adapter: keeps one window per campaign this instance sends, feeds it the sender's answers
 * and the STOP replies, and pauses the campaign in the database (the claim takes only 'sending'
 * campaigns) with DispatchPaused through the outbox, in one transaction. The pause is the
 * campaign's status, so it survives a restart; the windows are memory, and start empty again.
 */
export class CampaignHealth {
  private readonly windows = new Map<string, HealthWindow>();

  constructor(
    private readonly platform: Platform,
    readonly settings: PauseSettings = readPauseSettings(),
  ) {}

  /** The sender's hook: a batch of answers of one campaign, by the state each send takes (only final ones count). */
  answered(campaignSid: string, rows: readonly { state: string }[]): void {
    if (this.settings.window === 0) return;
    let failed = 0;
    let ok = 0;
    for (const r of rows) {
      if (r.state === 'failed') failed++;
      else if (r.state === 'sent') ok++;
    }
    if (failed + ok > 0) this.apply(campaignSid, { type: 'answered', failed, ok });
  }

  /** A STOP reply attributed to the campaign. */
  stopReplied(campaignSid: string): void {
    if (this.settings.window === 0) return;
    this.apply(campaignSid, { type: 'stop-replied' });
  }

  /**
   * Keeps the windows of the campaigns sending now and drops the others (and those that decided a
   * pause): a paused campaign's window goes, so once resumed it starts from a fresh one, on every
   * instance, each dropping its own (a timer, about every second).
   */
  async prune(): Promise<void> {
    if (this.windows.size === 0) return;
    const rows = await this.platform.query<{ campaign_sid: string }>(`SELECT campaign_sid FROM dispatch_campaigns WHERE status = 'sending' AND campaign_sid = ANY($1::text[])`, [
      [...this.windows.keys()],
    ]);
    const sending = new Set(rows.map((r) => r.campaign_sid));
    for (const [sid, w] of this.windows) if (!sending.has(sid) || w.tripped) this.windows.delete(sid);
  }

  /** A resumed campaign starts from an empty window here at once (the other instances' go at their next prune). */
  reset(campaignSid: string): void {
    this.windows.delete(campaignSid);
  }

  private apply(campaignSid: string, input: HealthInput): void {
    let w = this.windows.get(campaignSid);
    if (!w) {
      if (this.windows.size >= WATCHED_CAMPAIGNS_MAX) return;
      w = newWindow(this.settings);
      this.windows.set(campaignSid, w);
    }
    const d = decideHealth(w, input, this.settings);
    if (d.pause) {
      // Off the send path: the sender's loop does not wait for the pause to commit.
      this.pause(campaignSid, d.reason, d.detail).catch((err: Error) => {
        console.error(`[dispatch-svc] pausing ${campaignSid} (${d.detail}) failed; the next answers decide again: ${err.message}`);
        this.windows.delete(campaignSid);
      });
    }
  }

  private async pause(campaignSid: string, reason: PauseReason, detail: string): Promise<void> {
    await this.platform.tx(async (tx) => {
      const [c] = await tx.query<{ enterprise_sid: string }>(
        `UPDATE dispatch_campaigns SET status = 'paused', pause_reason = $2, pause_detail = $3, updated_at = now() WHERE campaign_sid = $1 AND status = 'sending' RETURNING enterprise_sid`,
        [campaignSid, reason, detail],
      );
      if (!c) return; // completed, failed or paused by another instance meanwhile
      const data: DispatchPaused['data'] = { campaignSid, enterpriseSid: c.enterprise_sid, reason, detail, at: new Date().toISOString() };
      tx.publish(TOPIC.dispatchEvents, campaignSid, message('DispatchPaused', data));
    });
    console.log(`[dispatch-svc] campaign ${campaignSid} paused: ${reason}, ${detail}`);
  }
}
