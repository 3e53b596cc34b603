import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 — bulletins. An organization's saved audiences (a name and a filter over its supporters),
 * its bilingual bulletins, and one delivery row per bulletin × supporter: the snapshot of who gets it,
 * taken in one statement when sending starts, and the queue the sender claims from (the same lease
 * discipline as reminders: `sending` + `locked_until` + `locked_by`). `supporters.bounced_at` keeps an
 * address that an SMTP server refused for good out of every later audience.
 */
export class Bulletins1796500000000 implements MigrationInterface {
  name = 'Bulletins1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE supporters ADD COLUMN bounced_at timestamptz`);
    await q.query(`
      CREATE TABLE audiences (
        id uuid CONSTRAINT audiences_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL CONSTRAINT audiences_organization_id_fkey REFERENCES organizations (id) ON DELETE CASCADE,
        name text NOT NULL CONSTRAINT audiences_name_check CHECK (name = btrim(name) AND length(name) BETWEEN 1 AND 120),
        filter jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX audiences_organization_id_name_key ON audiences (organization_id, lower(name))`,
    );
    await q.query(
      `CREATE TYPE bulletin_status AS ENUM ('draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')`,
    );
    await q.query(`
      CREATE TABLE bulletins (
        id uuid CONSTRAINT bulletins_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL CONSTRAINT bulletins_organization_id_fkey REFERENCES organizations (id) ON DELETE CASCADE,
        audience_id uuid CONSTRAINT bulletins_audience_id_fkey REFERENCES audiences (id) ON DELETE SET NULL,
        subject jsonb NOT NULL,
        body jsonb NOT NULL,
        status bulletin_status NOT NULL DEFAULT 'draft',
        scheduled_at timestamptz,
        local_date date,
        local_time time,
        started_at timestamptz,
        finished_at timestamptz,
        audience_count integer,
        created_by uuid CONSTRAINT bulletins_created_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bulletins_scheduled_check CHECK (status <> 'scheduled' OR scheduled_at IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX bulletins_organization_id_created_at_idx ON bulletins (organization_id, created_at)`,
    );
    await q.query(`CREATE INDEX bulletins_audience_id_idx ON bulletins (audience_id)`);
    await q.query(`CREATE INDEX bulletins_created_by_idx ON bulletins (created_by)`);
    await q.query(
      `CREATE INDEX bulletins_scheduled_idx ON bulletins (scheduled_at) WHERE status = 'scheduled'`,
    );
    await q.query(
      `CREATE TYPE bulletin_delivery_status AS ENUM ('pending', 'sending', 'sent', 'failed', 'bounced', 'skipped', 'cancelled')`,
    );
    await q.query(`
      CREATE TABLE bulletin_deliveries (
        bulletin_id uuid NOT NULL CONSTRAINT bulletin_deliveries_bulletin_id_fkey REFERENCES bulletins (id) ON DELETE CASCADE,
        supporter_id uuid NOT NULL CONSTRAINT bulletin_deliveries_supporter_id_fkey REFERENCES supporters (id) ON DELETE CASCADE,
        due_at timestamptz NOT NULL,
        status bulletin_delivery_status NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        claimed_at timestamptz,
        locked_until timestamptz,
        locked_by text,
        sent_at timestamptz,
        message_id uuid,
        last_error text,
        CONSTRAINT bulletin_deliveries_pkey PRIMARY KEY (bulletin_id, supporter_id)
      )`);
    await q.query(`CREATE INDEX bulletin_deliveries_supporter_id_idx ON bulletin_deliveries (supporter_id)`);
    await q.query(
      `CREATE INDEX bulletin_deliveries_pending_due_at_idx ON bulletin_deliveries (due_at) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX bulletin_deliveries_sending_locked_until_idx ON bulletin_deliveries (locked_until) WHERE status = 'sending'`,
    );
    // The throttle counts what was claimed in the last hour, across instances.
    await q.query(
      `CREATE INDEX bulletin_deliveries_claimed_at_idx ON bulletin_deliveries (claimed_at) WHERE claimed_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE bulletin_deliveries');
    await q.query('DROP TYPE bulletin_delivery_status');
    await q.query('DROP TABLE bulletins');
    await q.query('DROP TYPE bulletin_status');
    await q.query('DROP TABLE audiences');
    await q.query('ALTER TABLE supporters DROP COLUMN bounced_at');
  }
}
