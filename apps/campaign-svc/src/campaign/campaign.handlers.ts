import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  Errors,
  TOPIC,
  message,
  type AddRecipients,
  type ClarionError,
  type CancelCampaign,
  type CreateCampaign,
  type CreditReservationRefused,
  type CreditsReserved,
  type DispatchCompleted,
  type GetCampaign,
  type SearchCampaigns,
  type Message,
  type RecipientsFiltered,
  type SealRecipients,
  type StartCampaign,
  type CheckCampaign,
  type DispatchProgressed,
  type CarrierStatusReported,
  type CampaignView,
  type CampaignDeletedReply,
  type DeleteCampaign,
  type DispatchCountsReported,
  type DispatchPaused,
  type ResumeCampaign,
  type PauseCampaign,
  type EditCampaign,
  type UpdateCampaignWebhooks,
  CARRIER_REPORT_MS,
  carrierOfRows,
  FRESH_CARRIER_REPORTS_SQL,
  type CarrierReportRow,
  type RecipientFields,
} from '@clarion/contracts';
import { Platform, appendToStream, loadStream, type MessageContext, type Tx } from '@clarion/platform';
import { decide, evolve, initialState, toView, type CampaignCommand, type CampaignEvent, type CampaignState } from './campaign.decider';
import { holdLifetimeMs, react, type SagaSettings } from './lifecycle.saga';
import { readWatchdogSettings } from './campaign-watchdog';
import { withCarrier } from './carrier-status';

/** A report not renewed for three rounds is from an instance that stopped. */
const CARRIER_REPORT_STALE_MS = 3 * CARRIER_REPORT_MS;
/** Reports kept at most this long (instances come and go with every restart). */
const CARRIER_REPORT_KEEP_MS = 24 * 3600_000;

const streamOf = (campaignSid: string) => `campaign-${campaignSid}`;
const now = () => new Date().toISOString();

/**
 * Thin adapter: turns Kafka messages into decider commands, stores the resulting events, the
 * read model and the saga's outgoing messages in the message's transaction.
 */
@Controller()
export class CampaignHandlers {
  private readonly watchdog = readWatchdogSettings();
  private readonly saga: SagaSettings = { holdLifetimeMs: holdLifetimeMs(this.watchdog) };
  constructor(private readonly platform: Platform) {}

  private execute(tx: Tx, causedBy: Message, campaignSid: string, command: CampaignCommand): Promise<Executed> {
    return execute(tx, causedBy, campaignSid, command, this.saga);
  }

  @EventPattern('CreateCampaign')
  async create(@Payload() m: CreateCampaign, @Ctx() ctx: MessageContext): Promise<void> {
    const { requestedAt: _requestedAt, ...def } = m.data;
    const r = await this.execute(ctx.db, m, def.campaignSid, { type: 'CreateCampaign', def, at: now() });
    if (!r.ok) return ctx.replyError(r.error);
    if (r.state.status === 'absent') throw new Error('created campaign is absent');
    ctx.replyOk(toView(r.state));
  }

  @EventPattern('AddRecipients')
  async addRecipients(@Payload() m: AddRecipients, @Ctx() ctx: MessageContext): Promise<void> {
    const { campaignSid, batchNo, numbers } = m.data;
    // De-duplicate across the whole campaign: a number already recorded in an earlier batch is not
    // new (the first occurrence keeps its fields). A batch with seed 001's fields keeps them with
    // each number; a plain batch takes the statement it always took.
    const { unique, fields } = m.data.fields
      ? await insertWithFields(ctx.db, campaignSid, batchNo, numbers, m.data.fields)
      : { unique: await insertNumbers(ctx.db, campaignSid, batchNo, numbers), fields: undefined };
    // A voice campaign that calls duplicates (seed 002's call_duplicate_numbers) calls every listing:
    // the repeats are kept apart and filtered, priced and sent with this batch like any recipient.
    // Only a batch that repeats a number (or an earlier batch's) asks whether the campaign calls repeats.
    const repeats = unique.length < numbers.length;
    const copies = repeats && (await callsDuplicates(ctx.db, campaignSid)) ? await insertCopies(ctx.db, campaignSid, batchNo, numbers, unique) : [];
    const toFilter = copies.length > 0 ? [...unique, ...copies] : unique;
    const r = await this.execute(ctx.db, m, campaignSid, { type: 'RecordRecipientBatch', batchNo, received: numbers.length, unique: toFilter.length, at: now() });
    if (!r.ok || r.state.status !== 'initiating' || toFilter.length === 0) return;
    const def = r.state.def;
    ctx.db.publish(
      TOPIC.dndCommands,
      campaignSid,
      message('FilterRecipients', { campaignSid, enterpriseSid: def.enterpriseSid, batchNo, numbers: toFilter, optOut: def.optOut, optIn: def.optIn, ...(fields ? { fields } : {}) }, { causedBy: m }),
    );
  }

  @EventPattern('SealRecipients')
  async seal(@Payload() m: SealRecipients, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execute(ctx.db, m, m.data.campaignSid, { type: 'SealRecipients', batchCount: m.data.batchCount, invalidCount: m.data.invalidCount, at: now() });
  }

  @EventPattern('RecipientsFiltered')
  async filtered(@Payload() m: RecipientsFiltered, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    await this.execute(ctx.db, m, d.campaignSid, {
      type: 'RecordFilteredBatch',
      batchNo: d.batchNo,
      accepted: d.accepted.length,
      // RecipientsFiltered.optedOut includes the opt-in misses (notOptedIn, a part of it): counted apart here.
      optedOut: d.optedOut.length - (d.notOptedIn?.length ?? 0),
      notOptedIn: d.notOptedIn?.length ?? 0,
      acceptedFields: d.acceptedFields,
      at: now(),
    });
  }

  @EventPattern('CreditsReserved')
  async reserved(@Payload() m: CreditsReserved, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execute(ctx.db, m, m.data.holdId, { type: 'RecordReservation', reserved: true, amount: m.data.amount, at: now() });
  }

  @EventPattern('CreditReservationRefused')
  async refused(@Payload() m: CreditReservationRefused, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    await this.execute(ctx.db, m, d.holdId, { type: 'RecordReservation', reserved: false, amount: d.amount, failureCode: d.code, failureMessage: d.message, at: now() });
  }

  @EventPattern('StartCampaign')
  async start(@Payload() m: StartCampaign, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execute(ctx.db, m, m.data.campaignSid, { type: 'StartCampaign', at: now() });
  }

  @EventPattern('CancelCampaign')
  async cancel(@Payload() m: CancelCampaign, @Ctx() ctx: MessageContext): Promise<void> {
    // Another enterprise's campaign answers exactly as a missing one: 486, the update's "not found".
    const [row] = await ctx.db.query('SELECT 1 FROM campaigns WHERE sid = $1 AND enterprise_sid = $2', [m.data.campaignSid, m.data.enterpriseSid]);
    if (!row) return ctx.replyError(Errors.enterpriseCampaignNotFound);
    const r = await this.execute(ctx.db, m, m.data.campaignSid, { type: 'CancelCampaign', at: now() });
    if (!r.ok) return ctx.replyError(r.error.code === Errors.campaignNotFound.code ? Errors.enterpriseCampaignNotFound : r.error);
    // The answer carries the view's version, so the gateway can store it before it answers (read-your-writes).
    if (r.state.status !== 'absent') ctx.replyOk({ ...toView(r.state), version: r.version });
  }

  /** Resume (PUT status in-progress) of a paused campaign; answered like a cancel. */
  @EventPattern('ResumeCampaign')
  async resume(@Payload() m: ResumeCampaign, @Ctx() ctx: MessageContext): Promise<void> {
    await this.answerCommand(ctx, m, m.data.campaignSid, m.data.enterpriseSid, { type: 'ResumeCampaign', at: now() });
  }

  /** Pause (v2 `action: pause`) of a running campaign; answered with the view, or 487. */
  @EventPattern('PauseCampaign')
  async pause(@Payload() m: PauseCampaign, @Ctx() ctx: MessageContext): Promise<void> {
    await this.answerCommand(ctx, m, m.data.campaignSid, m.data.enterpriseSid, { type: 'PauseCampaign', at: now() });
  }

  /** The settings of a campaign not started yet (v2 update); answered with the view, or 487 once it started. */
  @EventPattern('EditCampaign')
  async edit(@Payload() m: EditCampaign, @Ctx() ctx: MessageContext): Promise<void> {
    await this.answerCommand(ctx, m, m.data.campaignSid, m.data.enterpriseSid, { type: 'EditCampaign', changes: m.data.changes, at: now() });
  }

  /** A voice campaign's webhook URLs (v2 update); answered with the view, or 487 once it ended. */
  @EventPattern('UpdateCampaignWebhooks')
  async updateWebhooks(@Payload() m: UpdateCampaignWebhooks, @Ctx() ctx: MessageContext): Promise<void> {
    await this.answerCommand(ctx, m, m.data.campaignSid, m.data.enterpriseSid, { type: 'UpdateWebhooks', webhooks: m.data.webhooks, at: now() });
  }

  /** A command on one of the enterprise's campaigns, answered like a cancel: the view, or the refusal (another enterprise's sid as unknown). */
  private async answerCommand(ctx: MessageContext, m: Message, campaignSid: string, enterpriseSid: string, command: CampaignCommand): Promise<void> {
    const [row] = await ctx.db.query('SELECT 1 FROM campaigns WHERE sid = $1 AND enterprise_sid = $2', [campaignSid, enterpriseSid]);
    if (!row) return ctx.replyError(Errors.enterpriseCampaignNotFound);
    const r = await this.execute(ctx.db, m, campaignSid, command);
    if (!r.ok) return ctx.replyError(r.error.code === Errors.campaignNotFound.code ? Errors.enterpriseCampaignNotFound : r.error);
    if (r.state.status !== 'absent') ctx.replyOk({ ...toView(r.state), version: r.version });
  }

  @EventPattern('DispatchPaused')
  async paused(@Payload() m: DispatchPaused, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execute(ctx.db, m, m.data.campaignSid, { type: 'RecordDispatchPaused', reason: m.data.reason, detail: m.data.detail, at: now() });
  }

  /** Delete (seed 000): only a scheduled campaign; it races the start timer like a cancel, and exactly one wins. */
  @EventPattern('DeleteCampaign')
  async delete(@Payload() m: DeleteCampaign, @Ctx() ctx: MessageContext): Promise<void> {
    const [row] = await ctx.db.query('SELECT 1 FROM campaigns WHERE sid = $1 AND enterprise_sid = $2', [m.data.campaignSid, m.data.enterpriseSid]);
    if (!row) return ctx.replyError(Errors.campaignNotFound);
    const r = await this.execute(ctx.db, m, m.data.campaignSid, { type: 'DeleteCampaign', at: now() });
    if (!r.ok) return ctx.replyError(r.error);
    if (r.state.status === 'absent') throw new Error('deleted campaign is absent');
    const reply: CampaignDeletedReply = { view: { ...toView(r.state), version: r.version }, version: r.version };
    ctx.replyOk(reply);
  }

  @EventPattern('DispatchCompleted')
  async dispatched(@Payload() m: DispatchCompleted, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    await this.execute(ctx.db, m, d.campaignSid, { type: 'RecordDispatchCompleted', usedCredits: d.usedCredits, counts: d.counts, countsAsOf: d.countsAsOf, at: now() });
  }

  @EventPattern('ExpireInitiation')
  async expire(@Payload() m: Message<'ExpireInitiation', { campaignSid: string }>, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execute(ctx.db, m, m.data.campaignSid, { type: 'ExpireInitiation', at: now() });
  }

  @EventPattern('CheckCampaign')
  async check(@Payload() m: CheckCampaign, @Ctx() ctx: MessageContext): Promise<void> {
    const { stepTimeoutMs, stepRetriesMax, runLimitMs } = this.watchdog;
    await this.execute(ctx.db, m, m.data.campaignSid, { type: 'CheckCampaign', at: m.data.at, stepTimeoutMs, stepRetriesMax, runLimitMs });
  }

  @EventPattern('DispatchProgressed')
  async progressed(@Payload() m: DispatchProgressed, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execute(ctx.db, m, m.data.campaignSid, { type: 'RecordDispatchProgress', remaining: m.data.remaining, at: now() });
  }

  @EventPattern('DispatchCountsReported')
  async counted(@Payload() m: DispatchCountsReported, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execute(ctx.db, m, m.data.campaignSid, { type: 'RecordDispatchCounts', counts: m.data.counts, asOf: m.data.asOf, deferred: m.data.deferred ?? null, at: now() });
  }

  @EventPattern('CarrierStatusReported')
  async carrierStatus(@Payload() m: CarrierStatusReported, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    await ctx.db.query(
      `INSERT INTO carrier_reports (carrier, instance_id, state, since, detail, reported_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (carrier, instance_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since, detail = EXCLUDED.detail, reported_at = now()`,
      [d.carrier, d.instanceId, d.state, d.since, d.detail ?? null],
    );
    await ctx.db.query(`DELETE FROM carrier_reports WHERE reported_at < now() - ($1::int * interval '1 millisecond')`, [CARRIER_REPORT_KEEP_MS]);
  }

  /** The views as stored, with the carrier's current state on the running ones. */
  private async present(views: CampaignView[]): Promise<CampaignView[]> {
    if (!views.some((v) => v.status === 'in-progress')) return views;
    const rows = await this.platform.query<CarrierReportRow>(FRESH_CARRIER_REPORTS_SQL, [CARRIER_REPORT_STALE_MS]);
    const carrier = carrierOfRows(rows, Date.now(), CARRIER_REPORT_STALE_MS);
    return views.map((v) => withCarrier(v, carrier));
  }

  @EventPattern('SearchCampaigns')
  async search(@Payload() m: SearchCampaigns, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    const where = ['enterprise_sid = $1'];
    const params: unknown[] = [d.enterpriseSid];
    if (d.name) where.push(`name ILIKE '%' || $${params.push(d.name.replace(/[\\%_]/g, (c) => '\\' + c))} || '%'`);
    if (d.status) where.push(`status = $${params.push(d.status)}`);
    if (d.channel) where.push(`channel = $${params.push(d.channel)}`);
    if (d.startTime) where.push(`date_created >= $${params.push(d.startTime)}`);
    if (d.endTime) where.push(`date_created <= $${params.push(d.endTime)}`);
    // The sort column comes from a closed list, never from the request text.
    const column = { startTime: 'start_time', name: 'name', status: 'status', dateCreated: 'date_created' }[d.sortBy];
    const [{ total }] = await this.platform.query(`SELECT count(*)::int AS total FROM campaigns WHERE ${where.join(' AND ')}`, params);
    const rows = await this.platform.query(
      `SELECT view FROM campaigns WHERE ${where.join(' AND ')} ORDER BY ${column} ${d.sortDirection === 'desc' ? 'DESC' : 'ASC'}, sid LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, d.pageSize, d.page * d.pageSize],
    );
    ctx.replyOk({ total, data: await this.present(rows.map((r: { view: CampaignView }) => r.view)) });
  }

  @EventPattern('GetCampaign')
  async get(@Payload() m: GetCampaign, @Ctx() ctx: MessageContext): Promise<void> {
    // Queries have no transaction; they read through the service's pool.
    const [row] = await this.platform.query('SELECT view FROM campaigns WHERE sid = $1 AND enterprise_sid = $2', [m.data.campaignSid, m.data.enterpriseSid]);
    if (!row) return ctx.replyError(Errors.campaignNotFound);
    ctx.replyOk((await this.present([row.view]))[0]);
  }
}

type Executed = { ok: true; state: CampaignState; version: number } | { ok: false; error: ClarionError };

/** A plain batch's numbers, recorded once per campaign; returns the ones new to it. */
async function insertNumbers(tx: Tx, campaignSid: string, batchNo: number, numbers: string[]): Promise<string[]> {
  const inserted = await tx.query<{ msisdn: string }>(`INSERT INTO recipients (campaign_sid, msisdn, batch_no) SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING RETURNING msisdn`, [
    campaignSid,
    numbers,
    batchNo,
  ]);
  return inserted.map((r) => r.msisdn);
}

/** Whether the campaign was created with call_duplicate_numbers (voice, seed 002). */
async function callsDuplicates(tx: Tx, campaignSid: string): Promise<boolean> {
  const [row] = await tx.query<{ yes: boolean | null }>(`SELECT (view -> 'voiceOptions' ->> 'callDuplicateNumbers')::boolean AS yes FROM campaigns WHERE sid = $1`, [campaignSid]);
  return row?.yes === true;
}

/**
 * The repeats of a batch: each listing of a number beyond the one recorded in `recipients` (by this
 * batch, or an earlier one), kept per batch and returned expanded, one entry per call to make.
 */
async function insertCopies(tx: Tx, campaignSid: string, batchNo: number, numbers: string[], recordedHere: string[]): Promise<string[]> {
  const extra = new Map<string, number>();
  for (const n of numbers) extra.set(n, (extra.get(n) ?? 0) + 1);
  for (const n of recordedHere) extra.set(n, extra.get(n)! - 1);
  for (const [n, k] of extra) if (k === 0) extra.delete(n);
  if (extra.size === 0) return [];
  await tx.query(`INSERT INTO recipient_copies (campaign_sid, batch_no, msisdn, copies) SELECT $1, $2, x.m, x.k FROM unnest($3::text[], $4::int[]) AS x(m, k) ON CONFLICT DO NOTHING`, [
    campaignSid,
    batchNo,
    [...extra.keys()],
    [...extra.values()],
  ]);
  return [...extra].flatMap(([n, k]) => Array<string>(k).fill(n));
}

/** A personalised batch: each number with its fields (null when it has none); returns the new ones with theirs, aligned. */
async function insertWithFields(
  tx: Tx,
  campaignSid: string,
  batchNo: number,
  numbers: string[],
  fields: Array<RecipientFields | null>,
): Promise<{ unique: string[]; fields: Array<RecipientFields | null> }> {
  const col = (k: keyof RecipientFields) => numbers.map((_, i) => fields[i]?.[k] ?? null);
  const inserted = await tx.query<{ msisdn: string; name: string | null; custom1: string | null; custom2: string | null }>(
    `INSERT INTO recipients (campaign_sid, msisdn, batch_no, name, custom1, custom2)
     SELECT $1, x.m, $3, x.n, x.c1, x.c2 FROM unnest($2::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS x(m, n, c1, c2, o)
     ORDER BY x.o
     ON CONFLICT DO NOTHING RETURNING msisdn, name, custom1, custom2`,
    [campaignSid, numbers, batchNo, col('name'), col('custom1'), col('custom2')],
  );
  const toFields = (r: { name: string | null; custom1: string | null; custom2: string | null }): RecipientFields | null => {
    if (r.name === null && r.custom1 === null && r.custom2 === null) return null;
    const f: RecipientFields = {};
    if (r.name !== null) f.name = r.name;
    if (r.custom1 !== null) f.custom1 = r.custom1;
    if (r.custom2 !== null) f.custom2 = r.custom2;
    return f;
  };
  return { unique: inserted.map((r) => r.msisdn), fields: inserted.map(toFields) };
}

/** Load → decide → append → react → project, all in the caller's transaction. */
async function execute(tx: Tx, causedBy: Message, campaignSid: string, command: CampaignCommand, saga: SagaSettings): Promise<Executed> {
  const streamId = streamOf(campaignSid);
  const { state, version } = await loadStream(tx, streamId, { initialState, evolve });
  const decision = decide(command, state);
  if (!decision.ok) return { ok: false, error: decision.error };
  let current = state;
  for (const event of decision.events) {
    const next = evolve(current, event);
    for (const out of react(current, next, event, causedBy, saga)) tx.publish(out.topic, out.key, out.message);
    await refilter(tx, causedBy, next, event);
    current = next;
  }
  let streamVersion = version;
  if (decision.events.length > 0) {
    streamVersion = await appendToStream(
      tx,
      streamId,
      version,
      decision.events.map(({ type, ...data }) => ({ type, data })),
      { correlationId: causedBy.metadata.correlationId, causationId: causedBy.metadata.messageId },
      current,
    );
    if (current.status === 'deleted') {
      await removeView(tx, current.def, streamVersion);
    } else if (current.status !== 'absent') {
      const view = { ...toView(current), version: streamVersion };
      await tx.query(
        `INSERT INTO campaigns (sid, enterprise_sid, name, status, channel, start_time, date_created, date_updated, view)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
         ON CONFLICT (sid) DO UPDATE SET status = EXCLUDED.status, date_updated = EXCLUDED.date_updated, view = EXCLUDED.view`,
        [view.sid, view.enterpriseSid, view.name, view.status, view.channel, view.startTime, view.dateCreated, view.dateUpdated, JSON.stringify(view)],
      );
      publishView(tx, view);
    }
  }
  return { ok: true, state: current, version: streamVersion };
}

/**
 * Every change of the view goes out on the views topic in the transaction that made it (outbox),
 * versioned by the stream: the gateway's read model answers GET and search from these.
 */
function publishView(tx: Tx, view: CampaignView & { version: number }): void {
  tx.publish(TOPIC.campaignViews, view.sid, message('CampaignViewChanged', { view }));
}

/** A deleted campaign leaves the read side: its row here, and every reader's copy through the views topic. */
async function removeView(tx: Tx, def: { campaignSid: string; enterpriseSid: string }, version: number): Promise<void> {
  await tx.query('DELETE FROM campaigns WHERE sid = $1', [def.campaignSid]);
  tx.publish(TOPIC.campaignViews, def.campaignSid, message('CampaignViewRemoved', { campaignSid: def.campaignSid, enterpriseSid: def.enterpriseSid, version }));
}

/**
 * A re-requested filtering (or start) sends batches to dnd-svc again, with new message ids so its
 * inbox does not take them for repeats. Their numbers are read back from the recipients table,
 * which is why this step lives in the adapter and not in the pure saga.
 */
async function refilter(tx: Tx, causedBy: Message, state: CampaignState, event: CampaignEvent): Promise<void> {
  if (state.status === 'absent') return;
  if (event.type !== 'FilteringRerequested' && !(event.type === 'StartRerequested' && state.status === 'scheduled')) return;
  const def = state.def;
  const only = event.type === 'FilteringRerequested' ? event.batchNos : null;
  // A batch that had fields (seed 001) is asked again with them, so dispatch still gets each recipient's own text.
  const rows = await tx.query<{ batch_no: number; numbers: string[]; fields: Array<RecipientFields | null> | null }>(
    `SELECT batch_no, array_agg(msisdn ORDER BY msisdn) AS numbers,
       CASE WHEN bool_or(name IS NOT NULL OR custom1 IS NOT NULL OR custom2 IS NOT NULL)
         THEN json_agg(CASE WHEN name IS NULL AND custom1 IS NULL AND custom2 IS NULL THEN NULL
                            ELSE json_strip_nulls(json_build_object('name', name, 'custom1', custom1, 'custom2', custom2)) END ORDER BY msisdn) END AS fields
     FROM (SELECT batch_no, msisdn, name, custom1, custom2 FROM recipients WHERE campaign_sid = $1
           UNION ALL -- the repeats a call_duplicate_numbers campaign calls too, as many times as listed
           SELECT c.batch_no, c.msisdn, NULL, NULL, NULL FROM recipient_copies c CROSS JOIN LATERAL generate_series(1, c.copies) WHERE c.campaign_sid = $1) r
     WHERE batch_no IS NOT NULL AND ($2::int[] IS NULL OR batch_no = ANY($2::int[])) GROUP BY batch_no ORDER BY batch_no`,
    [def.campaignSid, only],
  );
  // Every batch of a personalised campaign carries fields (dispatch numbers those batches' sends
  // differently), also one whose recipients all lack them.
  let personalised = rows.some((r) => r.fields !== null);
  if (!personalised && only !== null) {
    const [p] = await tx.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM recipients WHERE campaign_sid = $1 AND (name IS NOT NULL OR custom1 IS NOT NULL OR custom2 IS NOT NULL)) AS any', [
      def.campaignSid,
    ]);
    personalised = p.any;
  }
  for (const r of rows) {
    const fields = r.fields ?? (personalised ? r.numbers.map(() => null) : null);
    tx.publish(
      TOPIC.dndCommands,
      def.campaignSid,
      message(
        'FilterRecipients',
        { campaignSid: def.campaignSid, enterpriseSid: def.enterpriseSid, batchNo: r.batch_no, numbers: r.numbers, optOut: def.optOut, optIn: def.optIn, ...(fields ? { fields } : {}) },
        { causedBy },
      ),
    );
  }
}
