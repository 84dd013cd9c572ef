import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The campaign webhooks waiting to be delivered (status, call-status, call-schedule callbacks).
 * A row is written in the same transaction as the change it reports, so a webhook is never lost
 * and never announced for a change that rolled back; the body is stored as the exact bytes that
 * are signed and sent. A row ends delivered or given up, and is pruned seven days later.
 *
 * The table churns (a few writes per row within minutes), so:
 * - the only index the deliverers use is partial, on rows still to deliver, ordered by when they
 *   are due; finished rows leave it;
 * - a second partial index, on when finished rows finished, keeps pruning an index range scan;
 * - vacuum thresholds are in rows, not a fraction of a table that is mostly dead tuples.
 */
export class DispatchWebhooks14 implements MigrationInterface {
  name = 'DispatchWebhooks141765600000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE webhook_outbox (
      id bigserial PRIMARY KEY,
      campaign_sid text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('status', 'call-status', 'call-schedule')),
      url text NOT NULL,
      body text NOT NULL,
      signing_key text NOT NULL,
      -- Deliveries started; a claim counts one, so a row whose deliverer keeps dying still ends.
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      -- When the row is due: at first now, then at its retry, or at the end of a deliverer's lease.
      next_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      given_up_at timestamptz,
      last_error text,
      last_status integer,
      CHECK (delivered_at IS NULL OR given_up_at IS NULL))
      WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0,
        autovacuum_vacuum_insert_threshold = 5000, autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0.05)`);
    await q.query('CREATE INDEX webhook_outbox_due ON webhook_outbox (next_at) WHERE delivered_at IS NULL AND given_up_at IS NULL');
    await q.query('CREATE INDEX webhook_outbox_finished ON webhook_outbox ((COALESCE(delivered_at, given_up_at))) WHERE delivered_at IS NOT NULL OR given_up_at IS NOT NULL');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE webhook_outbox');
  }
}
