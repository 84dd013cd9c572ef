import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPIC, message, type RecipientOutcome } from '@clarion/contracts';
import { Platform, SpanKind, contextFromHeaders, intFromEnv, retryWhileRetriable, sleep, withSpan, type Tx } from '@clarion/platform';
import { SmppCarrier, type DeliveryReceipt } from '@clarion/smpp';
import { readDispatchConfig, type DispatchConfig } from './dispatch.config';
import { afterSubmit, fromNumberFor, stateFromReceipt } from './send-rules';
import { publishDispatchCompleted } from './completion';

interface SendingCampaign {
  campaign_sid: string;
  enterprise_sid: string;
  body: string;
  from_numbers: string[];
  from_prefix: string | null;
  trace_headers: Record<string, string>;
}

const RECEIPT_BUFFER_MAX = 1_000_000;
/** Housekeeping ticks an unmatched receipt is kept for (a few seconds at the default tick). */
const RECEIPT_TRIES_MAX = 40;

/**
 * The sending side of dispatch: starts campaigns when their time comes, pushes their recipients to
 * the carrier as fast as its window and rate allow, applies delivery receipts, settles sends whose
 * outcome a crash made unknown, and reports each campaign complete once every recipient is final.
 * Every step is driven by rows in the database, so any instance can pick up after any other.
 */
@Injectable()
export class DispatchEngine implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly config: DispatchConfig = readDispatchConfig();
  private carrier: SmppCarrier | null = null;
  private running = false;
  private loops: Promise<void>[] = [];
  private receipts: (DeliveryReceipt & { tries?: number })[] = [];
  private rateWindowStart = Date.now();
  private rateWindowCount = 0;

  constructor(private readonly platform: Platform) {}

  async onApplicationBootstrap(): Promise<void> {
    this.running = true;
    this.carrier = new SmppCarrier({
      url: this.config.smppUrl,
      windowSize: this.config.windowSize,
      responseTimeoutMs: this.config.responseTimeoutMs,
      onReceipt: (r) => {
        // Receipts are applied in batches by the housekeeping loop; the buffer is bounded, and past
        // the bound a receipt is dropped with a log line rather than exhausting memory.
        if (this.receipts.length < RECEIPT_BUFFER_MAX) this.receipts.push(r);
        else console.error(`[dispatch-svc] receipt buffer full, dropped receipt ${r.messageId}`);
      },
    });
    this.loops.push(this.connectLoop());
    this.loops.push(this.every(() => this.startDueCampaigns()));
    this.loops.push(this.every(() => this.housekeeping()));
    for (let i = 0; i < this.config.batchesInFlight; i++) this.loops.push(this.senderLoop());
  }

  /**
   * Stops claiming, then waits for the carrier's answers to the submits in flight and records them,
   * up to DISPATCH_SHUTDOWN_DRAIN_MS; what is still unanswered then is settled after the restart
   * (receipt, query or 'unknown'), never re-sent.
   */
  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    const drainMs = intFromEnv('DISPATCH_SHUTDOWN_DRAIN_MS', 20000);
    const drained = await Promise.race([Promise.allSettled(this.loops).then(() => true), sleep(drainMs).then(() => false)]);
    if (!drained) console.error(`[dispatch-svc] shutdown: carrier answers still in flight after ${drainMs} ms; they are settled after the restart`);
    await this.carrier?.close().catch(() => undefined);
  }

  /** One bind attempt here; after a failure or a drop the carrier itself reconnects with backoff. */
  private async connectLoop(): Promise<void> {
    await this.carrier!.connect().catch((err: Error) => console.error(`[dispatch-svc] carrier bind failed, retrying: ${err.message}`));
  }

  private async every(step: () => Promise<unknown>): Promise<void> {
    while (this.running) {
      try {
        await step();
      } catch (err) {
        console.error(`[dispatch-svc] ${(err as Error).message}`);
      }
      await sleep(this.config.tickMs);
    }
  }

  /** The start timer: asks the campaign aggregate to start; a cancel that got there first wins. */
  async startDueCampaigns(): Promise<number> {
    const due = await this.platform.query(
      `SELECT campaign_sid, trace_headers FROM dispatch_campaigns c
       WHERE status = 'scheduled' AND (start_time IS NULL OR start_time <= now())
         AND (SELECT count(*) FROM sends s WHERE s.campaign_sid = c.campaign_sid AND s.state = 'queued') >= c.accepted_count
       LIMIT 100`,
    );
    for (const c of due) {
      await withSpan('dispatch.start-timer', { parent: contextFromHeaders(c.trace_headers) }, () =>
        this.platform.tx(async (tx) => {
          const [claimed] = await tx.query(`UPDATE dispatch_campaigns SET status = 'starting', updated_at = now() WHERE campaign_sid = $1 AND status = 'scheduled' RETURNING campaign_sid`, [c.campaign_sid]);
          if (claimed) tx.publish(TOPIC.campaignCommands, c.campaign_sid, message('StartCampaign', { campaignSid: c.campaign_sid, at: new Date().toISOString() }));
        }),
      );
    }
    return due.length;
  }

  private async senderLoop(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        if (this.carrier?.isBound()) {
          const campaigns: SendingCampaign[] = await this.platform.query(
            `SELECT campaign_sid, enterprise_sid, body, from_numbers, from_prefix, trace_headers FROM dispatch_campaigns WHERE status = 'sending' ORDER BY created_at LIMIT 20`,
          );
          for (const c of campaigns) sent += await this.sendBatch(c);
        }
      } catch (err) {
        console.error(`[dispatch-svc] sender: ${(err as Error).message}`);
      }
      if (sent === 0) await sleep(this.config.tickMs);
    }
  }

  /** Claims a batch (committed before any submit is written), submits it, records the answers. */
  async sendBatch(c: SendingCampaign): Promise<number> {
    const claimed: { msisdn: string; seq: number; attempts: number }[] = await this.platform.query(
      `UPDATE sends SET state = 'sending', claimed_at = now(), attempts = attempts + 1, updated_at = now()
       WHERE campaign_sid = $1 AND msisdn IN (
         SELECT msisdn FROM sends WHERE campaign_sid = $1 AND state = 'queued' ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING msisdn, seq, attempts`,
      [c.campaign_sid, await this.allowance(this.config.claimBatchSize)],
    );
    if (claimed.length === 0) return 0;
    const carrier = this.carrier!;
    const answers = await withSpan(
      'carrier.submit_sm',
      { parent: contextFromHeaders(c.trace_headers), kind: SpanKind.CLIENT, attributes: { 'clarion.campaign.sid': c.campaign_sid, 'clarion.submit.count': claimed.length } },
      () =>
        Promise.all(
          claimed.map((r) =>
            carrier.submit({ from: fromNumberFor(r.seq, c.from_numbers, c.from_prefix), to: r.msisdn, text: c.body, registeredDelivery: true, reference: `${c.campaign_sid}:${r.seq}` }),
          ),
        ),
    );
    let throttled = false;
    const rows = claimed.map((r, i) => {
      const t = afterSubmit(answers[i], r.attempts, this.config.maxAttempts);
      if (t.state === 'queued') throttled = true;
      return { msisdn: r.msisdn, state: t.state, mid: t.state === 'sent' ? t.messageId : null, err: t.state === 'failed' || t.state === 'queued' ? t.errorCode : null };
    });
    const settled = rows.filter((r) => r.state !== 'sending');
    if (settled.length > 0) {
      // The carrier has answered: its answers are recorded even if the database is away for a while
      // (they are retried, not dropped), so an outage never turns a sent message into a doubt.
      await retryWhileRetriable(`[dispatch-svc] recording ${settled.length} carrier answers`, () => this.platform.tx(async (tx) => {
        const updated = await tx.query(
          `UPDATE sends s SET state = x.state, carrier_message_id = COALESCE(x.mid, s.carrier_message_id), error_code = x.err, updated_at = now()
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS x(msisdn, state, mid, err)
           WHERE s.campaign_sid = $1 AND s.msisdn = x.msisdn AND s.state = 'sending'
           RETURNING s.msisdn, s.state, s.carrier_message_id, s.error_code`,
          [c.campaign_sid, settled.map((r) => r.msisdn), settled.map((r) => r.state), settled.map((r) => r.mid), settled.map((r) => r.err)],
        );
        this.publishOutcomes(tx, c.campaign_sid, c.enterprise_sid, updated.filter((u: { state: string }) => u.state !== 'queued'));
      }));
    }
    // The carrier asked us to slow down: give it a moment before the next claim.
    if (throttled) await sleep(100);
    return claimed.length;
  }

  /** A fixed one-second window rate limit; 0 means as fast as the carrier's window allows. */
  private async allowance(want: number): Promise<number> {
    const max = this.config.ratePerSecondMax;
    if (max === 0) return want;
    for (;;) {
      const now = Date.now();
      if (now - this.rateWindowStart >= 1000) {
        this.rateWindowStart = now;
        this.rateWindowCount = 0;
      }
      const left = max - this.rateWindowCount;
      if (left > 0) {
        const n = Math.min(want, left);
        this.rateWindowCount += n;
        return n;
      }
      await sleep(1000 - (now - this.rateWindowStart));
    }
  }

  async housekeeping(): Promise<void> {
    await this.applyReceipts();
    await this.reconcileInDoubt();
    await this.settleInDoubt();
    await this.completeFinished();
  }

  /**
   * Delivery receipts: by carrier message id, or for a send whose answer a crash lost, by number.
   * A receipt can overtake the recording of its submit's response (the carrier answers, then
   * reports delivery within milliseconds); one that matches nothing yet is tried again on later
   * ticks, a bounded number of times, instead of being dropped.
   */
  private async applyReceipts(): Promise<void> {
    const due = this.receipts.splice(0, this.receipts.length);
    const again: typeof due = [];
    for (let i = 0; i < due.length; i += 2000) {
      const batch = due.slice(i, i + 2000);
      const applied = this.platform.tx(async (tx) => {
        const byId = await tx.query(
          `UPDATE sends s SET state = x.state, updated_at = now()
           FROM unnest($1::text[], $2::text[]) AS x(mid, state)
           WHERE s.carrier_message_id = x.mid AND s.state IN ('sent', 'sending')
           RETURNING s.campaign_sid, s.msisdn, s.state, s.carrier_message_id, s.error_code`,
          [batch.map((r) => r.messageId), batch.map((r) => stateFromReceipt(r.stat))],
        );
        const matched = new Set(byId.map((u: { carrier_message_id: string }) => u.carrier_message_id));
        const rest = batch.filter((r) => !matched.has(r.messageId));
        const byNumber = rest.length === 0 ? [] : await tx.query(
          `UPDATE sends s SET state = x.state, carrier_message_id = x.mid, updated_at = now()
           FROM unnest($1::text[], $2::text[], $3::text[]) AS x(msisdn, mid, state)
           WHERE s.msisdn = x.msisdn AND s.state = 'sending' AND s.carrier_message_id IS NULL
           RETURNING s.campaign_sid, s.msisdn, s.state, s.carrier_message_id, s.error_code`,
          [rest.map((r) => r.from), rest.map((r) => r.messageId), rest.map((r) => stateFromReceipt(r.stat))],
        );
        const settled = new Set(byNumber.map((u: { carrier_message_id: string }) => u.carrier_message_id));
        for (const r of rest) {
          if (settled.has(r.messageId)) continue;
          if ((r.tries ?? 0) < RECEIPT_TRIES_MAX) again.push({ ...r, tries: (r.tries ?? 0) + 1 });
          else console.error(`[dispatch-svc] receipt ${r.messageId} for ${r.from} matches no send; dropped`);
        }
        await this.publishGrouped(tx, [...byId, ...byNumber]);
      });
      try {
        await applied;
      } catch (err) {
        // The database is away: keep every receipt not yet applied for the next tick, in order.
        this.receipts.unshift(...due.slice(i), ...again);
        throw err;
      }
    }
    this.receipts.push(...again);
  }

  /**
   * A send recorded as 'sending' whose answer never came (the process died between recording it
   * and reading the carrier's response) is settled by asking the carrier, where it supports that:
   * found → sent; never received → queued again, which is safe because the carrier says so.
   */
  private async reconcileInDoubt(): Promise<void> {
    if (!this.config.referenceQueries || !this.carrier?.isBound()) return;
    const rows: { campaign_sid: string; msisdn: string; seq: number }[] = await this.platform.query(
      `SELECT campaign_sid, msisdn, seq FROM sends WHERE state = 'sending' AND claimed_at < now() - ($1::int * interval '1 millisecond') ORDER BY claimed_at LIMIT 500`,
      [this.config.inDoubtAfterMs],
    );
    if (rows.length === 0) return;
    const carrier = this.carrier;
    const answers = await Promise.all(rows.map((r) => carrier.queryByReference(`${r.campaign_sid}:${r.seq}`)));
    await this.platform.tx(async (tx) => {
      const found = rows.map((r, i) => ({ ...r, a: answers[i] })).filter((x) => x.a.kind === 'found');
      const missing = rows.filter((_, i) => answers[i].kind === 'not-found');
      if (found.length > 0) {
        const updated = await tx.query(
          `UPDATE sends s SET state = 'sent', carrier_message_id = x.mid, updated_at = now()
           FROM unnest($1::text[], $2::text[], $3::text[]) AS x(sid, msisdn, mid)
           WHERE s.campaign_sid = x.sid AND s.msisdn = x.msisdn AND s.state = 'sending'
           RETURNING s.campaign_sid, s.msisdn, s.state, s.carrier_message_id, s.error_code`,
          [found.map((f) => f.campaign_sid), found.map((f) => f.msisdn), found.map((f) => (f.a.kind === 'found' ? f.a.messageId : ''))],
        );
        await this.publishGrouped(tx, updated);
      }
      if (missing.length > 0) {
        await tx.query(
          `UPDATE sends s SET state = 'queued', error_code = 'not-received-by-carrier', updated_at = now()
           FROM unnest($1::text[], $2::text[]) AS x(sid, msisdn)
           WHERE s.campaign_sid = x.sid AND s.msisdn = x.msisdn AND s.state = 'sending'`,
          [missing.map((m) => m.campaign_sid), missing.map((m) => m.msisdn)],
        );
      }
    });
  }

  /**
   * A send left 'sending' past the reconcile timeout got no answer and no receipt: final 'unknown'.
   * Where the carrier can be asked, nobody decides that before asking it: while the carrier is not
   * bound (a restart after a crash) the timeout waits.
   */
  private async settleInDoubt(): Promise<void> {
    if (this.config.referenceQueries && !this.carrier?.isBound()) return;
    await this.platform.tx(async (tx) => {
      const rows = await tx.query(
        `UPDATE sends SET state = 'unknown', updated_at = now()
         WHERE state = 'sending' AND claimed_at < now() - ($1::int * interval '1 millisecond')
         RETURNING campaign_sid, msisdn, state, carrier_message_id, error_code`,
        [this.config.reconcileTimeoutMs],
      );
      await this.publishGrouped(tx, rows);
    });
  }

  private async completeFinished(): Promise<void> {
    const done = await this.platform.query(
      `SELECT campaign_sid FROM dispatch_campaigns c WHERE status = 'sending'
       AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.campaign_sid = c.campaign_sid AND s.state IN ('queued', 'sending'))`,
    );
    for (const { campaign_sid } of done) {
      await this.platform.tx(async (tx) => {
        const [c] = await tx.query(`UPDATE dispatch_campaigns SET status = 'completed', updated_at = now() WHERE campaign_sid = $1 AND status = 'sending' RETURNING *`, [campaign_sid]);
        if (!c) return;
        await publishDispatchCompleted(tx, c);
      });
    }
  }

  private async publishGrouped(tx: Tx, rows: { campaign_sid: string; msisdn: string; state: string; carrier_message_id: string | null; error_code: string | null }[]): Promise<void> {
    if (rows.length === 0) return;
    const sids = [...new Set(rows.map((r) => r.campaign_sid))];
    const owners = new Map<string, string>(
      (await tx.query('SELECT campaign_sid, enterprise_sid FROM dispatch_campaigns WHERE campaign_sid = ANY($1::text[])', [sids])).map((r: { campaign_sid: string; enterprise_sid: string }) => [r.campaign_sid, r.enterprise_sid]),
    );
    for (const sid of sids) this.publishOutcomes(tx, sid, owners.get(sid) ?? '', rows.filter((r) => r.campaign_sid === sid));
  }

  private publishOutcomes(tx: Tx, campaignSid: string, enterpriseSid: string, rows: { msisdn: string; state: string; carrier_message_id: string | null; error_code: string | null }[]): void {
    const occurredAt = new Date().toISOString();
    for (const r of rows) {
      const outcome: RecipientOutcome = { campaignSid, enterpriseSid, to: r.msisdn, status: r.state as RecipientOutcome['status'], carrierMessageId: r.carrier_message_id, errorCode: r.error_code, occurredAt };
      tx.publish(TOPIC.campaignDeliveries, campaignSid, message('RecipientOutcomeRecorded', outcome));
    }
  }
}
