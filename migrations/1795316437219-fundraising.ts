import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fundraisers, donations and exchange rates. Money is `bigint` minor units beside a `char(3)` ISO 4217
 * code; rates are `numeric(22,10)` (read back as text, never as a float). The timestamp is later than
 * the supporters migration on purpose: donations reference supporters and pledges.
 */
export class Fundraising1795316437219 implements MigrationInterface {
  name = 'Fundraising1795316437219';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE fundraiser_status AS ENUM ('open', 'closed')`);
    // fulfilled: a pledged donation that a later received donation from the same supporter made good.
    await q.query(`CREATE TYPE donation_status AS ENUM ('pledged', 'received', 'refunded', 'fulfilled')`);
    await q.query(`CREATE TYPE donation_method AS ENUM ('cash', 'check', 'transfer', 'card', 'other')`);

    await q.query(`
      CREATE TABLE fundraisers (
        id uuid CONSTRAINT fundraisers_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL CONSTRAINT fundraisers_campaign_id_fkey REFERENCES campaigns (id) ON DELETE CASCADE,
        title jsonb NOT NULL,
        description jsonb,
        goal_minor bigint NOT NULL CONSTRAINT fundraisers_goal_minor_check CHECK (goal_minor > 0),
        goal_currency char(3) NOT NULL CONSTRAINT fundraisers_goal_currency_check CHECK (goal_currency ~ '^[A-Z]{3}$'),
        status fundraiser_status NOT NULL DEFAULT 'open',
        deadline timestamptz,
        created_by uuid CONSTRAINT fundraisers_created_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX fundraisers_campaign_id_status_idx ON fundraisers (campaign_id, status, created_at)`,
    );
    await q.query(`CREATE INDEX fundraisers_created_by_idx ON fundraisers (created_by)`);

    await q.query(`
      CREATE TABLE donations (
        id uuid CONSTRAINT donations_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        fundraiser_id uuid NOT NULL CONSTRAINT donations_fundraiser_id_fkey REFERENCES fundraisers (id) ON DELETE CASCADE,
        supporter_id uuid CONSTRAINT donations_supporter_id_fkey REFERENCES supporters (id) ON DELETE SET NULL,
        pledge_id uuid CONSTRAINT donations_pledge_id_fkey REFERENCES pledges (id) ON DELETE SET NULL,
        amount_minor bigint NOT NULL CONSTRAINT donations_amount_minor_check CHECK (amount_minor > 0),
        currency char(3) NOT NULL CONSTRAINT donations_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
        status donation_status NOT NULL,
        method donation_method NOT NULL,
        received_at timestamptz,
        external_ref text CONSTRAINT donations_external_ref_check CHECK (length(external_ref) BETWEEN 1 AND 200),
        note text CONSTRAINT donations_note_check CHECK (length(note) <= 2000),
        fulfilled_by_donation_id uuid CONSTRAINT donations_fulfilled_by_donation_id_fkey REFERENCES donations (id) ON DELETE SET NULL,
        recorded_by uuid CONSTRAINT donations_recorded_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        refunded_at timestamptz,
        refunded_by uuid CONSTRAINT donations_refunded_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT donations_fundraiser_id_external_ref_key UNIQUE (fundraiser_id, external_ref),
        CONSTRAINT donations_pledge_id_key UNIQUE (pledge_id),
        CONSTRAINT donations_received_at_check CHECK (status IN ('pledged', 'fulfilled') OR received_at IS NOT NULL),
        CONSTRAINT donations_refunded_check CHECK ((status = 'refunded') = (refunded_at IS NOT NULL))
      )`);
    // The tally groups by (currency, status) and by received day within one fundraiser.
    await q.query(
      `CREATE INDEX donations_fundraiser_id_status_currency_idx ON donations (fundraiser_id, status, currency, received_at) INCLUDE (amount_minor, supporter_id)`,
    );
    await q.query(`CREATE INDEX donations_supporter_id_idx ON donations (supporter_id)`);
    await q.query(
      `CREATE INDEX donations_fulfilled_by_donation_id_idx ON donations (fulfilled_by_donation_id)`,
    );
    await q.query(`CREATE INDEX donations_recorded_by_idx ON donations (recorded_by)`);
    await q.query(`CREATE INDEX donations_refunded_by_idx ON donations (refunded_by)`);

    await q.query(`
      CREATE TABLE exchange_rates (
        id uuid CONSTRAINT exchange_rates_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        base char(3) NOT NULL CONSTRAINT exchange_rates_base_check CHECK (base ~ '^[A-Z]{3}$'),
        quote char(3) NOT NULL CONSTRAINT exchange_rates_quote_check CHECK (quote ~ '^[A-Z]{3}$'),
        rate numeric(22, 10) NOT NULL CONSTRAINT exchange_rates_rate_check CHECK (rate > 0),
        valid_from date NOT NULL,
        created_by uuid CONSTRAINT exchange_rates_created_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT exchange_rates_base_quote_valid_from_key UNIQUE (base, quote, valid_from),
        CONSTRAINT exchange_rates_pair_check CHECK (base <> quote)
      )`);
    await q.query(`CREATE INDEX exchange_rates_created_by_idx ON exchange_rates (created_by)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE exchange_rates');
    await q.query('DROP TABLE donations');
    await q.query('DROP TABLE fundraisers');
    await q.query('DROP TYPE donation_method');
    await q.query('DROP TYPE donation_status');
    await q.query('DROP TYPE fundraiser_status');
  }
}
