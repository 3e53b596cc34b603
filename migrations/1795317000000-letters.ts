import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Letters: a shared library of targets, letter actions under campaigns, signatures (one per action and
 * supporter), a sharded signature counter, and the delivery log that proves what reached whom.
 */
export class Letters1795317000000 implements MigrationInterface {
  name = 'Letters1795317000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE target_kind AS ENUM ('government', 'corporate', 'other')`);
    await q.query(`CREATE TYPE letter_action_status AS ENUM ('draft', 'open', 'closed')`);
    await q.query(`CREATE TYPE delivery_method AS ENUM ('email', 'pdf', 'manual')`);

    // Shared by every campaign. locale: the language letters are delivered in.
    await q.query(`
      CREATE TABLE targets (
        id uuid CONSTRAINT targets_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CONSTRAINT targets_name_check CHECK (length(name) BETWEEN 1 AND 200),
        title text,
        organization text,
        kind target_kind NOT NULL DEFAULT 'government',
        country char(2),
        email citext,
        postal_address text,
        locale text NOT NULL DEFAULT 'en' CONSTRAINT targets_locale_check CHECK (locale IN ('en', 'es')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX targets_kind_country_idx ON targets (kind, country)`);
    await q.query(`CREATE INDEX targets_name_idx ON targets (lower(name))`);

    await q.query(`
      CREATE TABLE letter_actions (
        id uuid CONSTRAINT letter_actions_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL CONSTRAINT letter_actions_campaign_id_fkey REFERENCES campaigns (id) ON DELETE CASCADE,
        slug text NOT NULL,
        title jsonb NOT NULL,
        subject jsonb NOT NULL,
        body jsonb NOT NULL,
        allow_personal_note boolean NOT NULL DEFAULT true,
        deadline timestamptz,
        signature_goal integer CONSTRAINT letter_actions_signature_goal_check CHECK (signature_goal > 0),
        status letter_action_status NOT NULL DEFAULT 'draft',
        created_by uuid CONSTRAINT letter_actions_created_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT letter_actions_campaign_id_slug_key UNIQUE (campaign_id, slug)
      )`);
    await q.query(`CREATE INDEX letter_actions_created_by_idx ON letter_actions (created_by)`);
    await q.query(
      `CREATE INDEX letter_actions_campaign_id_status_idx ON letter_actions (campaign_id, status)`,
    );

    await q.query(`
      CREATE TABLE letter_action_targets (
        action_id uuid NOT NULL CONSTRAINT letter_action_targets_action_id_fkey REFERENCES letter_actions (id) ON DELETE CASCADE,
        target_id uuid NOT NULL CONSTRAINT letter_action_targets_target_id_fkey REFERENCES targets (id) ON DELETE RESTRICT,
        position smallint NOT NULL DEFAULT 0,
        CONSTRAINT letter_action_targets_pkey PRIMARY KEY (action_id, target_id)
      )`);
    await q.query(`CREATE INDEX letter_action_targets_target_id_idx ON letter_action_targets (target_id)`);

    // seq: a global, increasing number, so a delivery can say "up to signature N" and a later one
    // "everything after N" (see DeliveriesService for how in-flight signatures are accounted for).
    await q.query(`
      CREATE TABLE signatures (
        id uuid CONSTRAINT signatures_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT signatures_seq_key UNIQUE,
        action_id uuid NOT NULL CONSTRAINT signatures_action_id_fkey REFERENCES letter_actions (id) ON DELETE CASCADE,
        supporter_id uuid NOT NULL CONSTRAINT signatures_supporter_id_fkey REFERENCES supporters (id) ON DELETE CASCADE,
        personal_note text CONSTRAINT signatures_personal_note_check CHECK (length(personal_note) <= 2000),
        show_publicly boolean NOT NULL DEFAULT false,
        locale text NOT NULL DEFAULT 'en' CONSTRAINT signatures_locale_check CHECK (locale IN ('en', 'es')),
        source text NOT NULL DEFAULT 'web',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT signatures_action_id_supporter_id_key UNIQUE (action_id, supporter_id)
      )`);
    await q.query(`CREATE INDEX signatures_supporter_id_idx ON signatures (supporter_id)`);
    await q.query(`CREATE INDEX signatures_action_id_seq_idx ON signatures (action_id, seq)`);
    await q.query(
      `CREATE INDEX signatures_action_id_public_seq_idx ON signatures (action_id, seq DESC) WHERE show_publicly`,
    );

    // The public count, sharded so concurrent signers do not queue on one row (letters/signature-counter.ts).
    await q.query(`
      CREATE TABLE letter_action_counters (
        action_id uuid NOT NULL CONSTRAINT letter_action_counters_action_id_fkey REFERENCES letter_actions (id) ON DELETE CASCADE,
        shard smallint NOT NULL CONSTRAINT letter_action_counters_shard_check CHECK (shard BETWEEN 0 AND 15),
        count bigint NOT NULL DEFAULT 0 CONSTRAINT letter_action_counters_count_check CHECK (count >= 0),
        CONSTRAINT letter_action_counters_pkey PRIMARY KEY (action_id, shard)
      )`);

    // The proof of delivery: who, when, how, how many, and which signatures (from_seq, up_to_seq].
    await q.query(`
      CREATE TABLE deliveries (
        id uuid CONSTRAINT deliveries_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        action_id uuid NOT NULL CONSTRAINT deliveries_action_id_fkey REFERENCES letter_actions (id) ON DELETE CASCADE,
        target_id uuid NOT NULL CONSTRAINT deliveries_target_id_fkey REFERENCES targets (id) ON DELETE RESTRICT,
        method delivery_method NOT NULL,
        only_new boolean NOT NULL DEFAULT false,
        signature_count integer NOT NULL CONSTRAINT deliveries_signature_count_check CHECK (signature_count >= 0),
        from_seq bigint,
        up_to_seq bigint,
        note text CONSTRAINT deliveries_note_check CHECK (length(note) <= 2000),
        message_id uuid CONSTRAINT deliveries_message_id_fkey REFERENCES messages (id) ON DELETE SET NULL,
        mail_status text CONSTRAINT deliveries_mail_status_check CHECK (mail_status IN ('sent', 'failed')),
        delivered_by uuid CONSTRAINT deliveries_delivered_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        delivered_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX deliveries_action_id_target_id_delivered_at_idx ON deliveries (action_id, target_id, delivered_at)`,
    );
    await q.query(`CREATE INDEX deliveries_target_id_idx ON deliveries (target_id)`);
    await q.query(`CREATE INDEX deliveries_message_id_idx ON deliveries (message_id)`);
    await q.query(`CREATE INDEX deliveries_delivered_by_idx ON deliveries (delivered_by)`);

    // Starter library: real public bodies. Postal addresses only where they are the well-known official
    // ones; no emails (organizers fill in what they have confirmed).
    await q.query(`
      INSERT INTO targets (name, title, organization, kind, country, postal_address, locale) VALUES
        ('United States Trade Representative', NULL, 'Office of the United States Trade Representative',
         'government', 'US', E'600 17th Street NW\\nWashington, DC 20508', 'en'),
        ('Secretary of Labor', NULL, 'U.S. Department of Labor',
         'government', 'US', E'200 Constitution Ave NW\\nWashington, DC 20210', 'en'),
        ('Secretaría del Trabajo y Previsión Social', NULL, 'Secretaría del Trabajo y Previsión Social',
         'government', 'MX', NULL, 'es'),
        ('Centro Federal de Conciliación y Registro Laboral', NULL, 'Centro Federal de Conciliación y Registro Laboral',
         'government', 'MX', NULL, 'es')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE deliveries');
    await q.query('DROP TABLE letter_action_counters');
    await q.query('DROP TABLE signatures');
    await q.query('DROP TABLE letter_action_targets');
    await q.query('DROP TABLE letter_actions');
    await q.query('DROP TABLE targets');
    await q.query('DROP TYPE delivery_method');
    await q.query('DROP TYPE letter_action_status');
    await q.query('DROP TYPE target_kind');
  }
}
