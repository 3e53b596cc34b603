import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MailMessages1795315005024 implements MigrationInterface {
  name = 'MailMessages1795315005024';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE message_status AS ENUM ('queued', 'sent', 'failed')`);
    // Every email sent, recorded (as queued) before it leaves. supporter_id has no foreign key yet:
    // the supporters table comes in a later migration, which adds messages_supporter_id_fkey.
    await q.query(`
      CREATE TABLE messages (
        id uuid CONSTRAINT messages_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        recipient_email citext NOT NULL,
        supporter_id uuid,
        user_id uuid,
        template text NOT NULL,
        locale text NOT NULL CONSTRAINT messages_locale_check CHECK (locale IN ('en', 'es')),
        subject text NOT NULL,
        status message_status NOT NULL DEFAULT 'queued',
        provider_message_id text,
        error text,
        related_type text,
        related_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CONSTRAINT messages_related_check CHECK ((related_type IS NULL) = (related_id IS NULL)),
        CONSTRAINT messages_sent_at_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      )`);
    await q.query('CREATE INDEX messages_supporter_id_idx ON messages (supporter_id)');
    await q.query('CREATE INDEX messages_user_id_idx ON messages (user_id)');
    await q.query('CREATE INDEX messages_related_type_related_id_idx ON messages (related_type, related_id)');
    await q.query('CREATE INDEX messages_status_created_at_idx ON messages (status, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE messages');
    await q.query('DROP TYPE message_status');
  }
}
