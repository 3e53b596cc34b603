import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 — reminders on time after a crash.
 * - `reminder_status` gains `expired`: a reminder that could no longer help when its turn came (an
 *   event reminder after the event started) ends without being sent, and says so.
 * - `message_status` gains `abandoned`: a mail recorded by an instance that stopped before recording
 *   its outcome (it may or may not have left); its reminder was taken again by another instance.
 */
export class ReminderLease1795800000000 implements MigrationInterface {
  name = 'ReminderLease1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE reminder_status ADD VALUE IF NOT EXISTS 'expired'`);
    await q.query(`ALTER TYPE message_status ADD VALUE IF NOT EXISTS 'abandoned'`);
  }

  async down(q: QueryRunner): Promise<void> {
    // PostgreSQL cannot drop an enum value: the types are rebuilt without them, after moving the rows
    // to the nearest older status. Indexes and checks that name a status are made again on the new type.
    await q.query(`UPDATE reminders SET status = 'skipped' WHERE status = 'expired'`);
    await q.query(`UPDATE messages SET status = 'failed' WHERE status = 'abandoned'`);

    await q.query('DROP INDEX reminders_pending_due_at_idx');
    await q.query('DROP INDEX reminders_sending_locked_until_idx');
    await q.query('ALTER TABLE reminders DROP CONSTRAINT reminders_sent_at_check');
    await q.query('ALTER TYPE reminder_status RENAME TO reminder_status_old');
    await q.query(
      `CREATE TYPE reminder_status AS ENUM ('pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped')`,
    );
    await q.query(`
      ALTER TABLE reminders
        ALTER COLUMN status DROP DEFAULT,
        ALTER COLUMN status TYPE reminder_status USING status::text::reminder_status,
        ALTER COLUMN status SET DEFAULT 'pending'`);
    await q.query('DROP TYPE reminder_status_old');
    await q.query(
      `ALTER TABLE reminders ADD CONSTRAINT reminders_sent_at_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))`,
    );
    await q.query(`CREATE INDEX reminders_pending_due_at_idx ON reminders (due_at) WHERE status = 'pending'`);
    await q.query(
      `CREATE INDEX reminders_sending_locked_until_idx ON reminders (locked_until) WHERE status = 'sending'`,
    );

    await q.query('DROP INDEX messages_status_created_at_idx');
    await q.query('ALTER TABLE messages DROP CONSTRAINT messages_sent_at_check');
    await q.query('ALTER TYPE message_status RENAME TO message_status_old');
    await q.query(`CREATE TYPE message_status AS ENUM ('queued', 'sent', 'failed')`);
    await q.query(`
      ALTER TABLE messages
        ALTER COLUMN status DROP DEFAULT,
        ALTER COLUMN status TYPE message_status USING status::text::message_status,
        ALTER COLUMN status SET DEFAULT 'queued'`);
    await q.query('DROP TYPE message_status_old');
    await q.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_sent_at_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))`,
    );
    await q.query('CREATE INDEX messages_status_created_at_idx ON messages (status, created_at)');
  }
}
