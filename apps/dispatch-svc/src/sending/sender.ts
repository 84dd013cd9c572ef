import { Platform, SpanKind, contextFromHeaders, retryWhileRetriable, sleep, withSpan } from '@clarion/platform';
import { NOT_WRITTEN, segmentsFor } from '@clarion/smpp';
import { fillTemplate, hasPlaceholders, type Channel } from '@clarion/contracts';
import type { CarrierPort } from './carrier.port';
import type { DispatchConfig } from './dispatch.config';
import { CALLING, afterSubmit, fromNumberFor, type CarrierAnswer } from './send.decider';
import { recordCallsPlaced, stillCalling } from '../voice/calls.repository';
import type { VoiceLines } from '../voice/voice-lines';
import { claimRange, fieldsOfSends, publishOutcomes, recordAnswers, sendingCampaigns, type Answer, type Claim, type SendingCampaign } from './sends.repository';
import type { Lease } from './lease';
import type { CampaignHealth } from './health';
import { Pacer } from './pacer';
import { holdBackForQuietHours } from './quiet-hours';

/**
 * A message the sender did not write (its grant of the shared cap failed): queued again with its
 * attempt given back, like a throttled one, but it says nothing about the carrier's pace.
 */
const UNWRITTEN: CarrierAnswer = { kind: 'throttled', commandStatus: NOT_WRITTEN };

/** How long a voice campaign's "still calling" answer is reused: a pause or end_at takes effect within it. */
const CALLING_CHECK_MS = 100;

/** How long the list of running campaigns is reused before it is read again. */
const CAMPAIGNS_REFRESH_MS = 250;

/**
 * The send loop: claim a range (committed before any submit is written), submit it, record the
 * answers in one transaction. Several loops run at once, and what they claim together never
 * exceeds what the carrier's bound binds have free, so every claimed send is written at once. The
 * pace (the cap shared by every instance, and this instance's rate adapting to throttling) is the
 * Pacer's. Recording runs behind
 * the next claim (bounded by `recordingsMax`), so the carrier is never idle while the database
 * writes. A crash loses nothing: an unrecorded answer leaves its send 'sending' under a claim whose
 * holder is gone, which the in-doubt timer settles.
 */
export class Sender {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly recordings = new Set<Promise<void>>();
  private campaigns: SendingCampaign[] = [];
  private campaignsReadAt = 0;
  private nextCampaign = 0;
  /** submit_sm PDUs the loops have claimed room for and not seen answered. */
  private pdusInFlight = 0;
  private readonly pacer: Pacer;
  /** Claims this process received and has not finished recording: the in-doubt timer leaves these alone. */
  private readonly active = new Set<string>();
  /**
   * Personalised campaigns: the most parts one of its texts took so far, the unit its next claims
   * are sized by (their texts are only known once claimed). Bounded: running campaigns only.
   */
  private readonly unitSeen = new Map<string, number>();
  /** Voice: whether each campaign still places calls, as last read (see stillCalling). */
  private readonly callingChecks = new Map<string, { at: number; open: Promise<boolean> }>();

  constructor(
    private readonly platform: Platform,
    private readonly carrier: CarrierPort,
    private readonly config: DispatchConfig,
    private readonly lease: Lease,
    /** Auto-pause: told every batch of answers (health.ts). */
    private readonly health?: CampaignHealth,
    /** The campaigns this sender sends: SMS over SMPP, or voice calls over the call-control API. */
    private readonly channel: Channel = 'sms',
    /** Voice: the cap on calls under way, shared by every instance (null: none). */
    private readonly lines: VoiceLines | null = null,
  ) {
    this.pacer = new Pacer(platform, config);
  }

  start(): void {
    this.running = true;
    for (let i = 0; i < this.config.batchesInFlight; i++) this.loops.push(this.loop());
  }

  /** Stops claiming; resolves once every answer in flight has been recorded. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops);
    await Promise.allSettled([...this.recordings]);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        if (this.carrier.isReady() && this.lease.isHeld()) sent = await this.sendOne();
      } catch (err) {
        console.error(`[dispatch-svc] sender: ${(err as Error).message}`);
      }
      if (sent === 0) await sleep(this.config.tickMs);
    }
  }

  /** One claim of the next campaign in turn; returns how many sends it moved (0: nothing to do). */
  private async sendOne(): Promise<number> {
    await this.backpressure();
    const campaigns = await this.runningCampaigns();
    for (let tried = 0; tried < campaigns.length; tried++) {
      const c = campaigns[this.nextCampaign++ % campaigns.length];
      // The windows count submit_sm PDUs, and a long message is several: claim no more messages
      // than their parts fit in what the bound binds have free (less while a bind is down), so
      // every claimed send is written at once. The room is taken before any wait, as the other
      // loops look at it meanwhile.
      // A call is one request whatever its body says.
      const personalised = this.channel === 'sms' && hasPlaceholders(c.body);
      const unit = this.channel === 'voice' ? 1 : personalised ? Math.max(segmentsFor(fillTemplate(c.body, null)), this.unitSeen.get(c.campaign_sid) ?? 1) : segmentsFor(c.body);
      const fits = Math.floor((this.carrier.capacity() - this.pdusInFlight) / unit);
      if (fits < 1) return 0;
      const room = Math.min(fits, Math.max(1, Math.floor(this.config.claimBatchSize / unit)));
      this.pdusInFlight += room * unit;
      try {
        const allowed = await this.pacer.allow(room, unit, () => this.running);
        if (allowed === null) return 0;
        const claim = this.lines ? await this.lines.claim(c.campaign_sid, allowed, this.lease.instanceId) : await claimRange(this.platform, c.campaign_sid, allowed, this.lease.instanceId);
        if (claim === 'busy') {
          // Every line is taken: nothing starts until a call ends.
          this.pacer.giveBack(allowed, 0, unit);
          return 0;
        }
        this.pacer.giveBack(allowed, claim?.sends.length ?? 0, unit);
        if (!claim) continue; // this campaign has nothing left to claim
        this.active.add(claim.id);
        if (claim.sends.length === 0) {
          // A range of sends all done already (the cursor was rewound past them): give the claim back.
          await this.platform.tx((tx) => recordAnswers(tx, { id: claim.id, campaignSid: c.campaign_sid }, [], 0)).finally(() => this.active.delete(claim.id));
          return 1;
        }
        try {
          // Recipients whose local window is closed are deferred to its opening (quiet-hours.ts).
          if (!(await holdBackForQuietHours(this.platform, c, claim))) {
            this.active.delete(claim.id);
            return 1;
          }
          if (personalised) await this.submitPersonalised(c, claim, unit);
          else await this.submit(c, claim, unit);
        } catch (err) {
          // Nothing recorded this claim's answers: hand it to the in-doubt timer.
          this.active.delete(claim.id);
          await this.platform.query('UPDATE dispatch_claims SET released = true WHERE id = $1', [claim.id]).catch(() => undefined);
          throw err;
        }
        return claim.sends.length;
      } finally {
        this.pdusInFlight -= room * unit;
      }
    }
    return 0;
  }

  private async runningCampaigns(): Promise<SendingCampaign[]> {
    if (Date.now() - this.campaignsReadAt > CAMPAIGNS_REFRESH_MS) {
      this.campaigns = await sendingCampaigns(this.platform, 20, this.channel);
      this.campaignsReadAt = Date.now();
      const running = new Set(this.campaigns.map((x) => x.campaign_sid));
      for (const sid of this.unitSeen.keys()) if (!running.has(sid)) this.unitSeen.delete(sid);
    }
    return this.campaigns;
  }

  /**
   * A personalised campaign's claim: each recipient's text rendered from the body and its own
   * fields. Parts beyond what the claim was sized for (a text longer than any seen before) are
   * drawn from the pace as well before anything is written, so the shared cap holds; the carrier's
   * windows queue what does not fit at once.
   */
  private async submitPersonalised(c: SendingCampaign, claim: Claim, unit: number): Promise<void> {
    const fields = await fieldsOfSends(
      this.platform,
      c.campaign_sid,
      claim.sends.map((s) => s.seq),
    );
    const texts = claim.sends.map((s) => fillTemplate(c.body, fields.get(s.seq)));
    const parts = texts.map((t) => segmentsFor(t));
    const pdus = parts.reduce((a, b) => a + b, 0);
    this.unitSeen.set(c.campaign_sid, Math.max(unit, ...parts));
    let extra = pdus - claim.sends.length * unit;
    while (extra > 0) {
      const a = await this.pacer.allow(extra, 1, () => this.running);
      if (a === null) break;
      extra -= a;
    }
    await this.submit(c, claim, unit, texts, pdus);
  }

  private async submit(c: SendingCampaign, claim: Claim, unit: number, texts?: string[], pdus = claim.sends.length * unit): Promise<void> {
    const carrier = this.carrier;
    const partsOf = texts ? texts.map((t) => segmentsFor(t)) : null;
    const call =
      this.channel === 'voice' && c.voice
        ? { campaignSid: c.campaign_sid, rcmlUrl: c.voice.rcmlUrl, dialTimeoutSeconds: c.voice.dialTimeoutSeconds, customField: c.voice.options?.customField ?? null }
        : undefined;
    const answers = await withSpan(
      this.channel === 'voice' ? 'carrier.place_calls' : 'carrier.submit_sm',
      { parent: contextFromHeaders(c.trace_headers), kind: SpanKind.CLIENT, attributes: { 'clarion.campaign.sid': c.campaign_sid, 'clarion.submit.count': claim.sends.length } },
      () =>
        this.writePaced(
          claim.sends.length,
          pdus,
          (i) => (partsOf ? partsOf[i] : unit),
          async (i) => {
            const s = claim.sends[i];
            // A call waits for its slot of the pace (a second, at 1 call/s): a campaign paused or
            // past its end_at meanwhile places it no more. It goes back to queued, its attempt given back.
            if (call && !(await this.stillCalling(c.campaign_sid))) return UNWRITTEN;
            return carrier.submit({ from: fromNumberFor(s.seq, c.from_numbers, c.from_prefix), to: s.msisdn, text: texts ? texts[i] : c.body, reference: `${c.campaign_sid}:${s.seq}`, call });
          },
        ),
    );
    let throttled = false;
    let inFlight = 0;
    const rows: Answer[] = [];
    claim.sends.forEach((s, i) => {
      const t = afterSubmit(answers[i], s.attempts, this.config.maxAttempts);
      if (t.state === 'sending') {
        inFlight++; // no answer: in doubt, left for the in-doubt timer, never re-sent blindly
        return;
      }
      if (answers[i].kind === 'throttled' && answers[i] !== UNWRITTEN) throttled = true;
      rows.push({
        seq: s.seq,
        // A placed call is under way until its outcome comes back (voice/call.decider.ts).
        state: t.state === 'sent' && this.channel === 'voice' ? CALLING : t.state,
        messageId: t.state === 'sent' ? t.messageId : null,
        errorCode: t.state === 'failed' || t.state === 'queued' ? t.errorCode : null,
        attemptGivenBack: t.state === 'queued' && t.attemptGivenBack,
      });
    });
    this.record(c, claim, rows, inFlight);
    this.health?.answered(c.campaign_sid, rows);
    // The carrier asked us to slow down: the next claims come at a lower rate, and the throttled sends with them.
    this.pacer.answered(throttled, pdus);
  }

  /**
   * Writes the claim's messages as the shared cap grants their PDUs, each grant spent at once. A
   * message not written because granting failed (the database went away) comes back as
   * `not-written`, so it is queued again with its attempt given back, never counted as sent.
   */
  private async writePaced(count: number, pdus: number, partsOf: (i: number) => number, write: (i: number) => Promise<CarrierAnswer>): Promise<CarrierAnswer[]> {
    const answers: Promise<CarrierAnswer>[] = [];
    let granted = 0;
    let left = pdus;
    try {
      while (answers.length < count) {
        granted += await this.pacer.grant(left - granted);
        while (answers.length < count && granted >= partsOf(answers.length)) {
          const parts = partsOf(answers.length);
          granted -= parts;
          left -= parts;
          answers.push(write(answers.length));
        }
      }
    } catch (err) {
      console.error(`[dispatch-svc] rate grant failed, ${count - answers.length} messages queued again: ${(err as Error).message}`);
      while (answers.length < count) answers.push(Promise.resolve(UNWRITTEN));
    }
    return Promise.all(answers);
  }

  /**
   * Records the answers behind the next claim. The carrier has answered, so its answers are kept
   * through a database outage (retried, never dropped) and an outage never turns a sent message
   * into a doubt. At most `recordingsMax` wait at once; past that the loop waits for one.
   */
  private record(c: SendingCampaign, claim: Claim, rows: Answer[], inFlight: number): void {
    const p = retryWhileRetriable(`[dispatch-svc] recording ${rows.length} carrier answers`, () =>
      this.platform.tx(async (tx) => {
        const finished = await recordAnswers(tx, claim, rows, inFlight);
        if (this.channel === 'voice')
          await recordCallsPlaced(
            tx,
            c.campaign_sid,
            rows.filter((r) => r.state === CALLING).map((r) => ({ seq: r.seq, callSid: r.messageId! })),
          );
        publishOutcomes(tx, c.campaign_sid, c.enterprise_sid, finished, undefined, c.trace_headers);
      }),
    )
      .catch(async (err: Error) => {
        console.error(`[dispatch-svc] answers of claim ${claim.id} not recorded; the in-doubt timer settles them: ${err.message}`);
        // Hand the claim over: while this process holds it, nobody else would settle its sends.
        await this.platform.query('UPDATE dispatch_claims SET released = true WHERE id = $1', [claim.id]).catch(() => undefined);
      })
      .finally(() => {
        this.recordings.delete(p);
        this.active.delete(claim.id);
      });
    this.recordings.add(p);
  }

  /** Whether a voice campaign still places calls (running, inside its window), read at most every CALLING_CHECK_MS. */
  private stillCalling(campaignSid: string): Promise<boolean> {
    const held = this.callingChecks.get(campaignSid);
    if (held && Date.now() - held.at < CALLING_CHECK_MS) return held.open;
    const open = stillCalling(this.platform, campaignSid).catch(() => false);
    this.callingChecks.set(campaignSid, { at: Date.now(), open });
    for (const [sid, v] of this.callingChecks) if (Date.now() - v.at > 60_000) this.callingChecks.delete(sid);
    return open;
  }

  activeClaimIds(): string[] {
    return [...this.active];
  }

  /** Resolves once the answers being recorded at this moment are committed (or given up). */
  recorded(): Promise<unknown> {
    return Promise.allSettled([...this.recordings]);
  }

  /** Waits while too many recordings are behind, so memory and doubt stay bounded. */
  async backpressure(): Promise<void> {
    while (this.recordings.size >= this.config.recordingsMax) await Promise.race(this.recordings);
  }
}
