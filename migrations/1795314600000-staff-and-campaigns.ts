import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StaffAndCampaigns1795314600000 implements MigrationInterface {
  name = 'StaffAndCampaigns1795314600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE user_role AS ENUM ('admin', 'organizer', 'coordinator')`);
    await q.query(`
      CREATE TABLE users (
        id uuid CONSTRAINT users_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        email citext NOT NULL CONSTRAINT users_email_key UNIQUE,
        name text NOT NULL,
        password_hash text NOT NULL,
        role user_role NOT NULL,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`CREATE TYPE campaign_status AS ENUM ('draft', 'active', 'won', 'lost', 'archived')`);
    await q.query(`
      CREATE TABLE campaigns (
        id uuid CONSTRAINT campaigns_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL CONSTRAINT campaigns_slug_key UNIQUE
          CONSTRAINT campaigns_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
        title jsonb NOT NULL,
        summary jsonb,
        body jsonb,
        sector text NOT NULL DEFAULT 'other',
        employer text,
        workplace text,
        city text,
        region text,
        country char(2),
        union_name text,
        default_locale text NOT NULL DEFAULT 'en' CONSTRAINT campaigns_default_locale_check CHECK (default_locale IN ('en', 'es')),
        status campaign_status NOT NULL DEFAULT 'draft',
        goal_pledges integer CONSTRAINT campaigns_goal_pledges_check CHECK (goal_pledges > 0),
        goal_signatures integer CONSTRAINT campaigns_goal_signatures_check CHECK (goal_signatures > 0),
        goal_money_minor bigint CONSTRAINT campaigns_goal_money_minor_check CHECK (goal_money_minor > 0),
        goal_currency char(3),
        starts_on date,
        ends_on date,
        created_by uuid CONSTRAINT campaigns_created_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT campaigns_goal_money_check CHECK ((goal_money_minor IS NULL) = (goal_currency IS NULL))
      )`);
    await q.query(`CREATE INDEX campaigns_status_idx ON campaigns (status)`);
    await q.query(`CREATE INDEX campaigns_sector_idx ON campaigns (sector)`);
    await q.query(`CREATE INDEX campaigns_created_by_idx ON campaigns (created_by)`);

    await q.query(`CREATE TYPE member_role AS ENUM ('organizer', 'coordinator')`);
    await q.query(`
      CREATE TABLE campaign_members (
        campaign_id uuid NOT NULL CONSTRAINT campaign_members_campaign_id_fkey REFERENCES campaigns (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT campaign_members_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        role member_role NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT campaign_members_pkey PRIMARY KEY (campaign_id, user_id)
      )`);
    await q.query(`CREATE INDEX campaign_members_user_id_idx ON campaign_members (user_id)`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT audit_log_pkey PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid CONSTRAINT audit_log_actor_user_id_fkey REFERENCES users (id) ON DELETE SET NULL,
        action text NOT NULL,
        subject_type text,
        subject_id text,
        campaign_id uuid,
        ip inet,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    await q.query(`CREATE INDEX audit_log_action_at_idx ON audit_log (action, at)`);
    await q.query(`CREATE INDEX audit_log_actor_user_id_idx ON audit_log (actor_user_id)`);
    await q.query(`CREATE INDEX audit_log_campaign_id_idx ON audit_log (campaign_id)`);
    // Login throttling counts recent failures per email and per IP.
    await q.query(
      `CREATE INDEX audit_log_login_failed_subject_idx ON audit_log (subject_id, at) WHERE action = 'auth.login_failed'`,
    );
    await q.query(
      `CREATE INDEX audit_log_login_failed_ip_idx ON audit_log (ip, at) WHERE action = 'auth.login_failed'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP TABLE campaign_members');
    await q.query('DROP TYPE member_role');
    await q.query('DROP TABLE campaigns');
    await q.query('DROP TYPE campaign_status');
    await q.query('DROP TABLE users');
    await q.query('DROP TYPE user_role');
  }
}
