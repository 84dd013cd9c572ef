import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DispatchTables1 implements MigrationInterface {
  name = 'DispatchTables1763856000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dispatch_campaigns (
      campaign_sid text PRIMARY KEY,
      enterprise_sid text NOT NULL,
      status text NOT NULL,
      body text NOT NULL,
      from_numbers jsonb NOT NULL,
      from_prefix text,
      start_time timestamptz,
      accepted_count integer NOT NULL,
      credits_per_recipient integer NOT NULL,
      trace_headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX dispatch_campaigns_status ON dispatch_campaigns (status)');
    // One row per recipient. A row turns 'sending' in a committed transaction BEFORE its submit_sm
    // is written to the carrier, so after a crash an unanswered send is known and never re-sent.
    await q.query(`CREATE TABLE sends (
      campaign_sid text NOT NULL,
      msisdn text NOT NULL,
      seq integer NOT NULL,
      state text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      carrier_message_id text,
      error_code text,
      claimed_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (campaign_sid, msisdn))`);
    await q.query('CREATE INDEX sends_queue ON sends (campaign_sid, state, seq)');
    await q.query('CREATE INDEX sends_carrier_id ON sends (carrier_message_id) WHERE carrier_message_id IS NOT NULL');
    await q.query(`CREATE INDEX sends_in_doubt ON sends (msisdn) WHERE state = 'sending'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sends; DROP TABLE dispatch_campaigns');
  }
}

/**
 * The send pipeline's tables, designed for churn (each recipient's row changes three or four times
 * within seconds):
 * - no index on a column that changes on every step (state), so those updates are HOT, with room
 *   left on each page (fillfactor) and vacuum thresholds in rows instead of a fraction;
 * - sends are claimed by ranges of `seq` (the campaign's claim cursor), not by scanning for state;
 * - receipts match through (carrier_message_id, msisdn), which is written once per send;
 * - progress is counted (`dispatch_progress`, `loaded`), never scanned for;
 * - a claim records which live instance holds its sends (`dispatch_claims`, with instance
 *   heartbeats), so a send is in doubt only once no live process holds it.
 */
export class DispatchPipeline2 implements MigrationInterface {
  name = 'DispatchPipeline21764500000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS sends_queue');
    await q.query('DROP INDEX IF EXISTS sends_in_doubt');
    await q.query('DROP INDEX IF EXISTS sends_carrier_id');
    await q.query('ALTER TABLE sends ADD COLUMN claim_id bigint');
    await q.query('CREATE UNIQUE INDEX sends_seq ON sends (campaign_sid, seq)');
    await q.query('CREATE INDEX sends_receipt ON sends (carrier_message_id, msisdn) WHERE carrier_message_id IS NOT NULL');
    await q.query(`ALTER TABLE sends SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 50000,
      autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 100000, autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0.05)`);
    // Recipients arrive batch by batch, before or after the schedule: what has been loaded, and up to which seq.
    await q.query(`CREATE TABLE dispatch_intake (
      campaign_sid text PRIMARY KEY,
      loaded integer NOT NULL DEFAULT 0,
      seq_end integer NOT NULL DEFAULT 0)`);
    await q.query(`ALTER TABLE dispatch_campaigns
      ADD COLUMN claim_cursor integer NOT NULL DEFAULT 0,
      ADD COLUMN final_counts jsonb`);
    // Campaigns recorded before this migration: their counters from their rows, once.
    await q.query(`INSERT INTO dispatch_intake (campaign_sid, loaded, seq_end)
      SELECT campaign_sid, count(*) FILTER (WHERE state <> 'opted-out'), COALESCE(max(seq) + 1, 0) FROM sends GROUP BY campaign_sid`);

    await q.query(`UPDATE dispatch_campaigns c SET final_counts = (SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*) AS n FROM sends s WHERE s.campaign_sid = c.campaign_sid GROUP BY state) x)
      WHERE status = 'completed'`);
    await q.query(`ALTER TABLE dispatch_campaigns SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0)`);
    // Finished sends, counted in a few rows per campaign (a slot each writer picks at random), so
    // concurrent writers never queue behind one hot counter row; remaining = accepted - sum(finished).
    await q.query(`CREATE TABLE dispatch_progress (
      campaign_sid text NOT NULL,
      slot smallint NOT NULL,
      finished integer NOT NULL,
      PRIMARY KEY (campaign_sid, slot))`);
    await q.query(`INSERT INTO dispatch_progress (campaign_sid, slot, finished)
      SELECT c.campaign_sid, 0, c.accepted_count - (SELECT count(*) FROM sends s WHERE s.campaign_sid = c.campaign_sid AND s.state IN ('queued', 'sending'))
      FROM dispatch_campaigns c WHERE c.status = 'sending'`);
    await q.query(`ALTER TABLE dispatch_progress SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0)`);
    await q.query(`CREATE TABLE dispatch_instances (instance_id text PRIMARY KEY, heartbeat_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE dispatch_claims (
      id bigserial PRIMARY KEY,
      campaign_sid text NOT NULL,
      seq_lo integer NOT NULL,
      seq_hi integer NOT NULL,
      instance_id text NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      -- The holder gave up on some of its sends (no answer came): they are in doubt now.
      released boolean NOT NULL DEFAULT false)`);
    await q.query(`ALTER TABLE dispatch_claims SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0)`);
    // A receipt that overtook the recording of its send's answer waits here (durably: it was
    // acknowledged to the carrier) until its send has the message id, or until it expires.
    await q.query(`CREATE TABLE receipts_pending (
      carrier_message_id text NOT NULL,
      msisdn text NOT NULL,
      state text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (carrier_message_id, msisdn))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE receipts_pending; DROP TABLE dispatch_claims; DROP TABLE dispatch_progress; DROP TABLE dispatch_instances; DROP TABLE dispatch_intake');
    await q.query('ALTER TABLE dispatch_campaigns DROP COLUMN claim_cursor, DROP COLUMN final_counts');
    await q.query('DROP INDEX sends_receipt; DROP INDEX sends_seq; ALTER TABLE sends DROP COLUMN claim_id');
    await q.query('CREATE INDEX sends_queue ON sends (campaign_sid, state, seq)');
  }
}

/**
 * The shared send rate: one row per carrier holding the current 100 ms slot and how much of its
 * quota is used (and what the last grant gave), upserted in place by every instance (so the table never grows), see grantRate.
 * The row changes on every batch: its updates are HOT (no index on what changes, room on the page).
 */
export class DispatchRate3 implements MigrationInterface {
  name = 'DispatchRate31765000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dispatch_rate_slots (
      carrier text PRIMARY KEY,
      slot bigint NOT NULL,
      quota integer NOT NULL,
      used integer NOT NULL,
      granted integer NOT NULL)
      WITH (fillfactor = 20, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dispatch_rate_slots');
  }
}

/** The batches of recipients loaded into sends: a repeated batch is recognised by its row, so sends are loaded with COPY. */
export class DispatchBatches4 implements MigrationInterface {
  name = 'DispatchBatches41765100000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE dispatch_batches (campaign_sid text NOT NULL, batch_no integer NOT NULL, PRIMARY KEY (campaign_sid, batch_no))');
    // Campaigns loaded before this table existed: their batches are marked from the sends they hold.
    await q.query(`INSERT INTO dispatch_batches (campaign_sid, batch_no)
      SELECT DISTINCT campaign_sid, (CASE WHEN seq >= 0 THEN seq ELSE -seq - 1 END) / 1000 FROM sends ON CONFLICT DO NOTHING`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dispatch_batches');
  }
}

/**
 * The claim as one function call: one round trip, so the campaign's cursor lock is held only while
 * the function runs (as two statements in a client transaction, the lock also waited on the busy
 * event loop between them: 35 ms a claim, and the sender loops queued on it). Its two statements
 * run with their own snapshots, so the second sees every send queued again by an answer that
 * committed while the first waited for the cursor.
 */
export class DispatchClaimFunction5 implements MigrationInterface {
  name = 'DispatchClaimFunction51765100000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION dispatch_claim(p_campaign text, p_width int, p_instance text)
      RETURNS TABLE (claim_id bigint, msisdn text, seq int, attempts int)
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      DECLARE
        c record;
      BEGIN
        WITH cur AS (
          SELECT d.claim_cursor AS lo, LEAST(i.seq_end, d.claim_cursor + p_width) AS hi
          FROM dispatch_campaigns d JOIN dispatch_intake i USING (campaign_sid)
          WHERE d.campaign_sid = p_campaign AND d.status = 'sending' AND d.claim_cursor < i.seq_end
          FOR UPDATE OF d),
        moved AS (UPDATE dispatch_campaigns d SET claim_cursor = cur.hi FROM cur WHERE d.campaign_sid = p_campaign RETURNING cur.lo, cur.hi)
        INSERT INTO dispatch_claims (campaign_sid, seq_lo, seq_hi, instance_id) SELECT p_campaign, lo, hi, p_instance FROM moved
        RETURNING id, seq_lo, seq_hi INTO c;
        IF c.id IS NULL THEN
          RETURN;
        END IF;
        RETURN QUERY
          UPDATE sends s SET state = 'sending', claim_id = c.id, claimed_at = now(), attempts = s.attempts + 1
          WHERE s.campaign_sid = p_campaign AND s.seq >= c.seq_lo AND s.seq < c.seq_hi AND s.state = 'queued'
          RETURNING c.id, s.msisdn, s.seq, s.attempts;
        IF NOT FOUND THEN
          RETURN QUERY SELECT c.id, NULL::text, NULL::int, NULL::int;
        END IF;
      END
      $fn$`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION dispatch_claim(text, int, text)');
  }
}

/**
 * Personalised campaigns (seed 001) and the channel: each send may carry its recipient's fields,
 * from which the sender renders its own text (nullable: plain campaigns' rows stay as narrow and
 * as HOT-updatable as before); a campaign's channel, so a voice campaign is never sent over SMPP;
 * and what a personalised campaign used, summed once over its sends' own segments when it completes.
 */
export class DispatchPersonalised6 implements MigrationInterface {
  name = 'DispatchPersonalised61765200000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sends ADD COLUMN name text, ADD COLUMN custom1 text, ADD COLUMN custom2 text');
    await q.query(`ALTER TABLE dispatch_campaigns ADD COLUMN channel text NOT NULL DEFAULT 'sms', ADD COLUMN used_credits integer`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dispatch_campaigns DROP COLUMN channel, DROP COLUMN used_credits');
    await q.query('ALTER TABLE sends DROP COLUMN name, DROP COLUMN custom1, DROP COLUMN custom2');
  }
}

/**
 * Recipients per final state, counted as sends change state (one upsert per batch, never per
 * message), in striped rows like dispatch_progress so concurrent writers rarely meet; and the
 * counts last reported per campaign, so the progress timer publishes only what changed.
 */
export class DispatchStateCounts7 implements MigrationInterface {
  name = 'DispatchStateCounts71765200000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dispatch_state_counts (
      campaign_sid text NOT NULL,
      slot smallint NOT NULL,
      state text NOT NULL,
      n integer NOT NULL,
      PRIMARY KEY (campaign_sid, slot, state))
      WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0)`);
    // Campaigns sending while this migration runs: their counts from their rows, once.
    await q.query(`INSERT INTO dispatch_state_counts (campaign_sid, slot, state, n)
      SELECT s.campaign_sid, 0, s.state, count(*) FROM sends s JOIN dispatch_campaigns c USING (campaign_sid)
      WHERE c.status = 'sending' AND s.state NOT IN ('queued', 'sending', 'opted-out') GROUP BY s.campaign_sid, s.state`);
    await q.query(`CREATE TABLE dispatch_count_reports (
      campaign_sid text PRIMARY KEY,
      counts jsonb NOT NULL,
      as_of timestamptz NOT NULL)
      WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dispatch_count_reports; DROP TABLE dispatch_state_counts');
  }
}

/**
 * Auto-pause (sending/health.ts): a campaign paused by its health window keeps status 'paused'
 * (the claim takes only 'sending' ones, so the pause survives a restart) and why, until resumed.
 */
export class DispatchAutoPause8 implements MigrationInterface {
  name = 'DispatchAutoPause81765300000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dispatch_campaigns ADD COLUMN pause_reason text, ADD COLUMN pause_detail text');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dispatch_campaigns DROP COLUMN pause_reason, DROP COLUMN pause_detail');
  }
}

/**
 * The claim function of migration 9 and later, around its first CTE (`claimed`: the range's queued
 * sends turned 'sending' or 'opted-out', returning msisdn, seq, attempts and state). Migration 9's
 * counted its skipped sends finished in the claim itself; from migration 12 the opted-out timer
 * does, as it publishes them.
 */
const claimFunctionSql = (claimed: string, countSkipped: boolean): string => `CREATE OR REPLACE FUNCTION dispatch_claim(p_campaign text, p_width int, p_instance text)
      RETURNS TABLE (claim_id bigint, msisdn text, seq int, attempts int)
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      DECLARE
        c record;
        v_enterprise text;
      BEGIN
        WITH cur AS (
          SELECT d.claim_cursor AS lo, LEAST(i.seq_end, d.claim_cursor + p_width) AS hi
          FROM dispatch_campaigns d JOIN dispatch_intake i USING (campaign_sid)
          WHERE d.campaign_sid = p_campaign AND d.status = 'sending' AND d.claim_cursor < i.seq_end
          FOR UPDATE OF d),
        moved AS (UPDATE dispatch_campaigns d SET claim_cursor = cur.hi FROM cur WHERE d.campaign_sid = p_campaign RETURNING cur.lo, cur.hi)
        INSERT INTO dispatch_claims (campaign_sid, seq_lo, seq_hi, instance_id) SELECT p_campaign, lo, hi, p_instance FROM moved
        RETURNING id, seq_lo, seq_hi INTO c;
        IF c.id IS NULL THEN
          RETURN;
        END IF;
        SELECT d.enterprise_sid INTO v_enterprise FROM dispatch_campaigns d WHERE d.campaign_sid = p_campaign;
        -- One statement: the range's queued sends turn 'sending', or 'opted-out' when their number
        -- is on the list (a probe of its primary key each); the skipped ones are counted finished and
        -- queued for publishing, and only the others are returned to be submitted.
        RETURN QUERY
          WITH ${claimed},
          skipped AS (SELECT k.msisdn FROM claimed k WHERE k.state = 'opted-out'),
          pending AS (INSERT INTO dispatch_opted_out_outbox (campaign_sid, msisdn) SELECT p_campaign, k.msisdn FROM skipped k)${
            countSkipped
              ? `,
          progress AS (
            INSERT INTO dispatch_progress AS p (campaign_sid, slot, finished)
            SELECT p_campaign, floor(random() * 16)::smallint, count(*) FROM skipped HAVING count(*) > 0
            ON CONFLICT (campaign_sid, slot) DO UPDATE SET finished = p.finished + EXCLUDED.finished),
          counted AS (
            INSERT INTO dispatch_state_counts AS sc (campaign_sid, slot, state, n)
            SELECT p_campaign, floor(random() * 16)::smallint, 'opted-out', count(*) FROM skipped HAVING count(*) > 0
            ON CONFLICT (campaign_sid, slot, state) DO UPDATE SET n = sc.n + EXCLUDED.n)`
              : ''
          }
          SELECT c.id, k.msisdn, k.seq, k.attempts FROM claimed k WHERE k.state = 'sending';
        IF NOT FOUND THEN
          RETURN QUERY SELECT c.id, NULL::text, NULL::int, NULL::int;
        END IF;
      END
      $fn$`;

/** Migration 9's opt-out check: a correlated EXISTS, which the planner may turn into a hash of the whole list. */
const CLAIMED_BY_EXISTS = `claimed AS (
            UPDATE sends s SET
              state = CASE WHEN EXISTS (SELECT 1 FROM opt_outs o WHERE o.enterprise_sid = v_enterprise AND o.msisdn = s.msisdn) THEN 'opted-out' ELSE 'sending' END,
              claim_id = c.id, claimed_at = now(), attempts = s.attempts + 1
            WHERE s.campaign_sid = p_campaign AND s.seq >= c.seq_lo AND s.seq < c.seq_hi AND s.state = 'queued'
            RETURNING s.msisdn, s.seq, s.attempts, s.state)`;

/**
 * Opt-outs at send time (issue 8): dispatch keeps its own copy of every enterprise's opt-out list
 * (`opt_outs`, from consent.changes.v1), and the claim skips a claimed send whose number is on its
 * campaign's enterprise's list. The check was meant as one primary-key probe per claimed row (a
 * correlated EXISTS): EXPLAIN ANALYZE of a 250-send claim against a 1,000,000-number list with
 * fresh statistics shows an Index Only Scan of opt_outs_pkey with loops=250 at 0.005 ms each (9.2 ms
 * for the claim's UPDATE, against 7.0 ms without the check); with stale ones the planner hashed the
 * whole list per claim instead, which migration 12 rules out. Skipped sends end 'opted-out' in the same
 * statement, are counted as finished (dispatch_progress) and per state (dispatch_state_counts)
 * there too, so the campaign still completes with exact counts; their outcomes wait in
 * `dispatch_opted_out_outbox` for the opted-out timer, which publishes them through the outbox (the
 * claim runs outside any transaction of the service, so it cannot write the outbox itself).
 */
export class DispatchSendTimeOptOuts9 implements MigrationInterface {
  name = 'DispatchSendTimeOptOuts91765300000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE opt_outs (
      enterprise_sid text NOT NULL,
      msisdn text NOT NULL,
      PRIMARY KEY (enterprise_sid, msisdn))`);
    await q.query(`CREATE TABLE dispatch_opted_out_outbox (
      id bigserial PRIMARY KEY,
      campaign_sid text NOT NULL,
      msisdn text NOT NULL)
      WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0)`);
    await q.query(claimFunctionSql(CLAIMED_BY_EXISTS, true));
  }
  async down(q: QueryRunner): Promise<void> {
    await new DispatchClaimFunction5().up(q);
    await q.query('DROP TABLE dispatch_opted_out_outbox; DROP TABLE opt_outs');
  }
}

/**
 * Quiet hours: each campaign keeps the policy snapshot it was created with (null: none applies,
 * or the campaign asked ignoreQuietHours=true), and a send held back until its recipient's window
 * opens keeps when that is (`not_before`, nullable, so other rows stay as narrow as before).
 */
export class DispatchQuietHours10 implements MigrationInterface {
  name = 'DispatchQuietHours101765300000003';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dispatch_campaigns ADD COLUMN quiet_hours jsonb, ADD COLUMN ignore_quiet_hours boolean NOT NULL DEFAULT false');
    await q.query('ALTER TABLE sends ADD COLUMN not_before timestamptz');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sends DROP COLUMN not_before');
    await q.query('ALTER TABLE dispatch_campaigns DROP COLUMN quiet_hours, DROP COLUMN ignore_quiet_hours');
  }
}

/**
 * The progress timer reads each running campaign's deferred sends (count, earliest and latest
 * not_before) every tick: a partial index holds only those, so the read never scans the campaign.
 */
export class DispatchDeferredIndex11 implements MigrationInterface {
  name = 'DispatchDeferredIndex111765300000004';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX sends_deferred ON sends (campaign_sid, not_before) WHERE state = 'deferred'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX sends_deferred');
  }
}

/**
 * The claim's opt-out check as a probe of opt_outs' primary key per claimed row, whatever the
 * statistics say. Migration 9's correlated EXISTS was planned as a hashed subplan whenever the
 * list's statistics were older than its rows (a list just loaded, before autoanalyze): every claim
 * then read the enterprise's whole list into a hash. With 100,000 opt-outs a claim took 138 ms
 * instead of 5 (pg_stat_statements, `npm run bench -- --recipients 100000`), and since claims of a
 * campaign queue on its cursor row, dispatch fell from ~4,800 to ~2,600 msg/s. A LATERAL subquery
 * with LIMIT 1 cannot be flattened or hashed, so it is always a nested loop of index probes.
 */
export class DispatchClaimOptOutProbe12 implements MigrationInterface {
  name = 'DispatchClaimOptOutProbe121765400000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      claimFunctionSql(
        `opted AS MATERIALIZED (
            SELECT s.seq FROM sends s
            CROSS JOIN LATERAL (SELECT 1 FROM opt_outs o WHERE o.enterprise_sid = v_enterprise AND o.msisdn = s.msisdn LIMIT 1) hit
            WHERE s.campaign_sid = p_campaign AND s.seq >= c.seq_lo AND s.seq < c.seq_hi AND s.state = 'queued'),
          claimed AS (
            UPDATE sends s SET
              state = CASE WHEN s.seq IN (SELECT x.seq FROM opted x) THEN 'opted-out' ELSE 'sending' END,
              claim_id = c.id, claimed_at = now(), attempts = s.attempts + 1
            WHERE s.campaign_sid = p_campaign AND s.seq >= c.seq_lo AND s.seq < c.seq_hi AND s.state = 'queued'
            RETURNING s.msisdn, s.seq, s.attempts, s.state)`,
        false,
      ),
    );
    // Skipped sends are counted finished by the opted-out timer as it publishes them, not in the
    // claim: the counters' slot rows are also locked by every batch of answers being recorded, and a
    // claim waiting for one held its campaign's cursor meanwhile (claims of a campaign take turns).
    // Rows queued before this migration were counted by the claim already.
    await q.query('ALTER TABLE dispatch_opted_out_outbox ADD COLUMN counted boolean NOT NULL DEFAULT true');
    await q.query('ALTER TABLE dispatch_opted_out_outbox ALTER COLUMN counted SET DEFAULT false');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(claimFunctionSql(CLAIMED_BY_EXISTS, true));
    await q.query('ALTER TABLE dispatch_opted_out_outbox DROP COLUMN counted');
  }
}

/** Voice campaigns: what their calls play (CampaignScheduled's voice settings). */
export class DispatchVoice13 implements MigrationInterface {
  name = 'DispatchVoice131765500000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dispatch_campaigns ADD COLUMN voice jsonb');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dispatch_campaigns DROP COLUMN voice');
  }
}

/**
 * Voice calls beyond one try: each number's calls (`sends.calls`), every attempt for call details,
 * outcomes that overtook their call's answer, and the state 'calling' (placed, no outcome yet),
 * which only voice sends take, so its partial index costs SMS nothing.
 */
export class DispatchVoiceCalls15 implements MigrationInterface {
  name = 'DispatchVoiceCalls151765600000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sends ADD COLUMN calls smallint NOT NULL DEFAULT 0');
    await q.query("CREATE INDEX sends_calling ON sends (campaign_sid) WHERE state = 'calling'");
    await q.query(`CREATE TABLE call_attempts (
      campaign_sid text NOT NULL,
      seq int NOT NULL,
      attempt smallint NOT NULL,
      msisdn text NOT NULL,
      call_sid text NOT NULL,
      status text NOT NULL DEFAULT 'queued',
      duration_seconds int,
      started_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      PRIMARY KEY (campaign_sid, msisdn, seq, attempt))`);
    // One attempt per call: whoever records a call first (the sender, or its callback adopting a lost answer) counts it.
    await q.query('CREATE UNIQUE INDEX call_attempts_call ON call_attempts (call_sid)');
    await q.query(`CREATE TABLE call_outcomes_pending (
      call_sid text PRIMARY KEY,
      msisdn text NOT NULL,
      status text NOT NULL,
      duration_seconds int,
      reference text,
      received_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE call_outcomes_pending');
    await q.query('DROP TABLE call_attempts');
    await q.query('DROP INDEX sends_calling');
    await q.query('ALTER TABLE sends DROP COLUMN calls');
  }
}

/**
 * A send is keyed by its seq, no longer by its number: a voice campaign created with
 * call_duplicate_numbers calls a number once for each time it was listed, one send each. The seq
 * index becomes the primary key as it is; lookups by number (STOP replies, opt-outs at send time)
 * keep an index of their own, which every copy of a number shares.
 */
export class DispatchSendsBySeq16 implements MigrationInterface {
  name = 'DispatchSendsBySeq161765700000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sends DROP CONSTRAINT sends_pkey');
    await q.query('ALTER TABLE sends ADD CONSTRAINT sends_pkey PRIMARY KEY USING INDEX sends_seq');
    await q.query('CREATE INDEX sends_msisdn ON sends (campaign_sid, msisdn)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX sends_msisdn');
    await q.query('ALTER TABLE sends DROP CONSTRAINT sends_pkey');
    await q.query('CREATE UNIQUE INDEX sends_seq ON sends (campaign_sid, seq)');
    await q.query('ALTER TABLE sends ADD PRIMARY KEY (campaign_sid, msisdn)');
  }
}
