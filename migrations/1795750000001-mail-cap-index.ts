import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-address hourly mail cap (MAIL_MAX_PER_ADDRESS_PER_HOUR, issue 18) counts the messages one
 * address got in the last hour before sending mail a public form caused.
 */
export class MailCapIndex1795750000001 implements MigrationInterface {
  name = 'MailCapIndex1795750000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX messages_recipient_email_created_at_idx ON messages (recipient_email, created_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX messages_recipient_email_created_at_idx');
  }
}
