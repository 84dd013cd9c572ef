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
