import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SupportersAndPledges1795316000000 implements MigrationInterface {
  name = 'SupportersAndPledges1795316000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE supporters (
        id uuid CONSTRAINT supporters_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        -- NULL once erased, so an erased person can later sign up again as someone new.
        email citext CONSTRAINT supporters_email_key UNIQUE,
        first_name text,
        last_name text,
        city text,
        region text,
        country char(2),
        postal_code text,
        locale text NOT NULL DEFAULT 'en' CONSTRAINT supporters_locale_check CHECK (locale IN ('en', 'es')),
        timezone text,
        email_consent boolean NOT NULL DEFAULT false,
        email_consent_at timestamptz,
        email_consent_source text,
        unsubscribed_at timestamptz,
        erased_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT supporters_erased_check CHECK (erased_at IS NULL OR email IS NULL)
      )`);
    await q.query(`CREATE INDEX supporters_name_trgm_idx ON supporters
      USING gin ((coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(city, '')) gin_trgm_ops)`);

    // Which supporters a campaign has (whatever brought them: pledge, signature, RSVP, donation, import).
    await q.query(`
      CREATE TABLE campaign_supporters (
        campaign_id uuid NOT NULL CONSTRAINT campaign_supporters_campaign_id_fkey REFERENCES campaigns (id) ON DELETE CASCADE,
        supporter_id uuid NOT NULL CONSTRAINT campaign_supporters_supporter_id_fkey REFERENCES supporters (id) ON DELETE CASCADE,
        source text NOT NULL,
        first_action_at timestamptz NOT NULL DEFAULT now(),
        last_action_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT campaign_supporters_pkey PRIMARY KEY (campaign_id, supporter_id)
      )`);
    await q.query(`CREATE INDEX campaign_supporters_supporter_id_idx ON campaign_supporters (supporter_id)`);
    await q.query(
      `CREATE INDEX campaign_supporters_campaign_id_first_action_at_idx ON campaign_supporters (campaign_id, first_action_at)`,
    );

    await q.query(
      `CREATE TYPE pledge_kind AS ENUM ('support', 'sign', 'attend', 'volunteer', 'donate', 'share')`,
    );
    await q.query(`CREATE TYPE pledge_status AS ENUM ('open', 'fulfilled')`);
    await q.query(`
      CREATE TABLE pledges (
        id uuid CONSTRAINT pledges_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL CONSTRAINT pledges_campaign_id_fkey REFERENCES campaigns (id) ON DELETE CASCADE,
        supporter_id uuid NOT NULL CONSTRAINT pledges_supporter_id_fkey REFERENCES supporters (id) ON DELETE CASCADE,
        kind pledge_kind NOT NULL,
        amount_minor bigint CONSTRAINT pledges_amount_minor_check CHECK (amount_minor > 0),
        currency char(3),
        message text CONSTRAINT pledges_message_check CHECK (length(message) <= 1000),
        status pledge_status NOT NULL DEFAULT 'open',
        fulfilled_at timestamptz,
        fulfilled_by text,
        source text NOT NULL DEFAULT 'web',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pledges_campaign_id_supporter_id_kind_key UNIQUE (campaign_id, supporter_id, kind),
        CONSTRAINT pledges_amount_check CHECK ((amount_minor IS NULL) = (currency IS NULL)),
        CONSTRAINT pledges_donate_amount_check CHECK (kind = 'donate' OR amount_minor IS NULL)
      )`);
    await q.query(`CREATE INDEX pledges_supporter_id_idx ON pledges (supporter_id)`);
    await q.query(`CREATE INDEX pledges_campaign_id_kind_status_idx ON pledges (campaign_id, kind, status)`);
    await q.query(`CREATE INDEX pledges_campaign_id_created_at_idx ON pledges (campaign_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE pledges');
    await q.query('DROP TYPE pledge_status');
    await q.query('DROP TYPE pledge_kind');
    await q.query('DROP TABLE campaign_supporters');
    await q.query('DROP TABLE supporters');
  }
}
