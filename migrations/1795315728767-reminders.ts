import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Reminders1795315728767 implements MigrationInterface {
  name = 'Reminders1795315728767';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE reminder_status AS ENUM ('pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped')`,
    );
    // Every scheduled or queued email. dedupe_key is unique, so nothing can be queued twice.
    // supporter_id has no foreign key: this migration sorts before the supporters one (as messages).
    await q.query(`
      CREATE TABLE reminders (
        id uuid CONSTRAINT reminders_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        template text NOT NULL,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        campaign_id uuid CONSTRAINT reminders_campaign_id_fkey REFERENCES campaigns (id) ON DELETE CASCADE,
        supporter_id uuid,
        recipient_email citext,
        locale text NOT NULL CONSTRAINT reminders_locale_check CHECK (locale IN ('en', 'es')),
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        due_at timestamptz NOT NULL,
        status reminder_status NOT NULL DEFAULT 'pending',
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        locked_until timestamptz,
        locked_by text,
        message_id uuid,
        dedupe_key text NOT NULL CONSTRAINT reminders_dedupe_key_key UNIQUE,
        transactional boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CONSTRAINT reminders_recipient_check CHECK (supporter_id IS NOT NULL OR recipient_email IS NOT NULL),
        CONSTRAINT reminders_sent_at_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      )`);
    // What the worker claims: due pending rows, and claims whose lock expired.
    await q.query(`CREATE INDEX reminders_pending_due_at_idx ON reminders (due_at) WHERE status = 'pending'`);
    await q.query(
      `CREATE INDEX reminders_sending_locked_until_idx ON reminders (locked_until) WHERE status = 'sending'`,
    );
    await q.query(
      'CREATE INDEX reminders_subject_type_subject_id_idx ON reminders (subject_type, subject_id)',
    );
    await q.query('CREATE INDEX reminders_campaign_id_idx ON reminders (campaign_id)');
    await q.query('CREATE INDEX reminders_supporter_id_idx ON reminders (supporter_id)');
    await q.query('CREATE INDEX reminders_message_id_idx ON reminders (message_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE reminders');
    await q.query('DROP TYPE reminder_status');
  }
}
