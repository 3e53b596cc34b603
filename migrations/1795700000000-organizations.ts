import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organizations: the privacy boundary. Every campaign, supporter, own target and exchange rate belongs
 * to one organization; staff are its members (organizer | coordinator), invited by email.
 *
 * Existing data: when the database already holds campaigns or supporters, one organization is created
 * for them (named after the first campaign; editable), every existing organizer member of a campaign
 * becomes its organizer, and every row keeps its links (supporters, campaigns, rates and the targets
 * organizers added move into it; the four starter-library bodies stay shared). Nothing is deleted.
 * Target names and titles become LocalizedText in the language the target is written to.
 */
export class Organizations1795700000000 implements MigrationInterface {
  name = 'Organizations1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organizations (
        id uuid CONSTRAINT organizations_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL CONSTRAINT organizations_slug_key UNIQUE
          CONSTRAINT organizations_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
        name text NOT NULL CONSTRAINT organizations_name_check CHECK (length(name) BETWEEN 1 AND 200),
        default_locale text NOT NULL DEFAULT 'en'
          CONSTRAINT organizations_default_locale_check CHECK (default_locale IN ('en', 'es')),
        country char(2),
        timezone text NOT NULL DEFAULT 'America/Mexico_City',
        sender_name text CONSTRAINT organizations_sender_name_check CHECK (length(sender_name) <= 120),
        reply_to citext,
        created_by uuid CONSTRAINT organizations_created_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX organizations_created_by_idx ON organizations (created_by)`);

    await q.query(`
      CREATE TABLE organization_members (
        organization_id uuid NOT NULL CONSTRAINT organization_members_organization_id_fkey REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT organization_members_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        role member_role NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organization_members_pkey PRIMARY KEY (organization_id, user_id)
      )`);
    await q.query(`CREATE INDEX organization_members_user_id_idx ON organization_members (user_id)`);

    // One pending invitation per organization and email (a new invite replaces the old one, whose link
    // then stops working); the link is signed with the invitation's id and expiry; used once.
    await q.query(`
      CREATE TABLE invitations (
        id uuid CONSTRAINT invitations_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL CONSTRAINT invitations_organization_id_fkey REFERENCES organizations (id) ON DELETE CASCADE,
        campaign_id uuid CONSTRAINT invitations_campaign_id_fkey REFERENCES campaigns (id) ON DELETE CASCADE,
        email citext NOT NULL,
        role member_role NOT NULL,
        invited_by uuid CONSTRAINT invitations_invited_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_user_id uuid CONSTRAINT invitations_accepted_user_id_fkey REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX invitations_organization_id_idx ON invitations (organization_id)`);
    await q.query(`CREATE INDEX invitations_campaign_id_idx ON invitations (campaign_id)`);
    await q.query(`CREATE INDEX invitations_invited_by_idx ON invitations (invited_by)`);
    await q.query(`CREATE INDEX invitations_accepted_user_id_idx ON invitations (accepted_user_id)`);
    await q.query(`CREATE UNIQUE INDEX invitations_organization_id_email_pending_key
      ON invitations (organization_id, email) WHERE accepted_at IS NULL`);

    // The organization for existing data, named after the first campaign.
    await q.query(`
      INSERT INTO organizations (slug, name, default_locale, country, timezone)
      SELECT 'organization', left(coalesce(c.title->>'en', c.title->>'es', 'Organization'), 200), c.default_locale,
             c.country, 'America/Mexico_City'
        FROM (SELECT * FROM campaigns ORDER BY created_at, id LIMIT 1) c
       UNION ALL
      SELECT 'organization', 'Organization', 'en', NULL, 'America/Mexico_City'
       WHERE NOT EXISTS (SELECT 1 FROM campaigns)
         AND (EXISTS (SELECT 1 FROM supporters) OR EXISTS (SELECT 1 FROM exchange_rates))`);
    await q.query(`
      INSERT INTO organization_members (organization_id, user_id, role)
      SELECT DISTINCT o.id, m.user_id, 'organizer'::member_role
        FROM organizations o, campaign_members m JOIN users u ON u.id = m.user_id
       WHERE m.role = 'organizer' AND u.role = 'organizer'`);

    // campaigns: added nullable, filled, then tightened.
    await q.query(`ALTER TABLE campaigns ADD COLUMN organization_id uuid
      CONSTRAINT campaigns_organization_id_fkey REFERENCES organizations (id) ON DELETE RESTRICT`);
    await q.query(`UPDATE campaigns SET organization_id = (SELECT id FROM organizations LIMIT 1)`);
    await q.query(`ALTER TABLE campaigns ALTER COLUMN organization_id SET NOT NULL`);
    await q.query(`CREATE INDEX campaigns_organization_id_idx ON campaigns (organization_id)`);

    // supporters: one record per organization and email.
    await q.query(`ALTER TABLE supporters ADD COLUMN organization_id uuid
      CONSTRAINT supporters_organization_id_fkey REFERENCES organizations (id) ON DELETE RESTRICT`);
    await q.query(`UPDATE supporters SET organization_id = (SELECT id FROM organizations LIMIT 1)`);
    await q.query(`ALTER TABLE supporters ALTER COLUMN organization_id SET NOT NULL`);
    await q.query(`ALTER TABLE supporters DROP CONSTRAINT supporters_email_key`);
    await q.query(`ALTER TABLE supporters ADD CONSTRAINT supporters_organization_id_email_key
      UNIQUE (organization_id, email)`);
    // A privacy request finds every organization's record of one email.
    await q.query(`CREATE INDEX supporters_email_idx ON supporters (email)`);

    // exchange rates: each organization's own.
    await q.query(`ALTER TABLE exchange_rates ADD COLUMN organization_id uuid
      CONSTRAINT exchange_rates_organization_id_fkey REFERENCES organizations (id) ON DELETE CASCADE`);
    await q.query(`UPDATE exchange_rates SET organization_id = (SELECT id FROM organizations LIMIT 1)`);
    await q.query(`ALTER TABLE exchange_rates ALTER COLUMN organization_id SET NOT NULL`);
    await q.query(`ALTER TABLE exchange_rates DROP CONSTRAINT exchange_rates_base_quote_valid_from_key`);
    await q.query(`ALTER TABLE exchange_rates ADD CONSTRAINT exchange_rates_organization_id_base_quote_valid_from_key
      UNIQUE (organization_id, base, quote, valid_from)`);

    // targets: NULL owner = the instance's starter library (admins edit); else the organization's own.
    await q.query(`ALTER TABLE targets ADD COLUMN organization_id uuid
      CONSTRAINT targets_organization_id_fkey REFERENCES organizations (id) ON DELETE CASCADE`);
    await q.query(`CREATE INDEX targets_organization_id_idx ON targets (organization_id)`);
    await q.query(`
      UPDATE targets SET organization_id = (SELECT id FROM organizations LIMIT 1)
       WHERE created_at > (SELECT min(created_at) FROM targets)`);
    await q.query(`DROP INDEX targets_name_idx`);
    await q.query(`ALTER TABLE targets DROP CONSTRAINT targets_name_check`);
    await q.query(`ALTER TABLE targets ALTER COLUMN name TYPE jsonb USING jsonb_build_object(locale, name)`);
    await q.query(`ALTER TABLE targets ALTER COLUMN title TYPE jsonb
      USING CASE WHEN title IS NULL THEN NULL ELSE jsonb_build_object(locale, title) END`);
    await q.query(`ALTER TABLE targets ADD CONSTRAINT targets_name_check CHECK (jsonb_typeof(name) = 'object'
      AND (name ? 'en' OR name ? 'es') AND (name - 'en' - 'es') = '{}'::jsonb)`);
    await q.query(`ALTER TABLE targets ADD CONSTRAINT targets_title_check CHECK (title IS NULL OR (jsonb_typeof(title) = 'object'
      AND (title ? 'en' OR title ? 'es') AND (title - 'en' - 'es') = '{}'::jsonb))`);
    await q.query(`CREATE INDEX targets_name_idx ON targets (lower(coalesce(name->>'en', name->>'es')))`);
    // The starter library in both languages.
    await q.query(`
      UPDATE targets t SET name = v.name::jsonb
        FROM (VALUES
          ('United States Trade Representative', '{"en": "United States Trade Representative", "es": "Representante Comercial de los Estados Unidos"}'),
          ('Secretary of Labor', '{"en": "Secretary of Labor", "es": "Titular del Departamento del Trabajo de EE. UU."}'),
          ('Secretaría del Trabajo y Previsión Social', '{"en": "Mexico''s Secretariat of Labor and Social Welfare", "es": "Secretaría del Trabajo y Previsión Social"}'),
          ('Centro Federal de Conciliación y Registro Laboral', '{"en": "Federal Center for Conciliation and Labor Registration", "es": "Centro Federal de Conciliación y Registro Laboral"}')
        ) AS v(old, name)
       WHERE t.organization_id IS NULL AND coalesce(t.name->>'en', t.name->>'es') = v.old`);

    // deliveries: the exact address an email delivery went to.
    await q.query(`ALTER TABLE deliveries ADD COLUMN sent_to citext`);
    await q.query(`
      UPDATE deliveries d SET sent_to = t.email FROM targets t WHERE t.id = d.target_id AND d.method = 'email'`);

    // The audit log can say which organization an entry concerns.
    await q.query(`ALTER TABLE audit_log ADD COLUMN organization_id uuid`);
    await q.query(`CREATE INDEX audit_log_organization_id_idx ON audit_log (organization_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_organization_id_idx`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN organization_id`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN sent_to`);
    await q.query(`DROP INDEX targets_name_idx`);
    await q.query(`ALTER TABLE targets DROP CONSTRAINT targets_title_check`);
    await q.query(`ALTER TABLE targets DROP CONSTRAINT targets_name_check`);
    await q.query(
      `ALTER TABLE targets ALTER COLUMN title TYPE text USING coalesce(title->>locale, title->>'en', title->>'es')`,
    );
    await q.query(
      `ALTER TABLE targets ALTER COLUMN name TYPE text USING coalesce(name->>locale, name->>'en', name->>'es')`,
    );
    await q.query(
      `ALTER TABLE targets ADD CONSTRAINT targets_name_check CHECK (length(name) BETWEEN 1 AND 200)`,
    );
    await q.query(`CREATE INDEX targets_name_idx ON targets (lower(name))`);
    await q.query(`ALTER TABLE targets DROP COLUMN organization_id`);
    await q.query(
      `ALTER TABLE exchange_rates DROP CONSTRAINT exchange_rates_organization_id_base_quote_valid_from_key`,
    );
    await q.query(
      `ALTER TABLE exchange_rates ADD CONSTRAINT exchange_rates_base_quote_valid_from_key UNIQUE (base, quote, valid_from)`,
    );
    await q.query(`ALTER TABLE exchange_rates DROP COLUMN organization_id`);
    await q.query(`DROP INDEX supporters_email_idx`);
    await q.query(`ALTER TABLE supporters DROP CONSTRAINT supporters_organization_id_email_key`);
    await q.query(`ALTER TABLE supporters ADD CONSTRAINT supporters_email_key UNIQUE (email)`);
    await q.query(`ALTER TABLE supporters DROP COLUMN organization_id`);
    await q.query(`ALTER TABLE campaigns DROP COLUMN organization_id`);
    await q.query(`DROP TABLE invitations`);
    await q.query(`DROP TABLE organization_members`);
    await q.query(`DROP TABLE organizations`);
  }
}
