import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An email delivery is queued through the reminders queue (issue 8): its mail status starts `queued`
 * and becomes `sent` or `failed` when the worker is done with it.
 */
export class QueuedDeliveries1795400000000 implements MigrationInterface {
  name = 'QueuedDeliveries1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_mail_status_check`);
    await q.query(
      `ALTER TABLE deliveries ADD CONSTRAINT deliveries_mail_status_check
         CHECK (mail_status IN ('queued', 'sent', 'failed'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE deliveries SET mail_status = 'failed' WHERE mail_status = 'queued'`);
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_mail_status_check`);
    await q.query(
      `ALTER TABLE deliveries ADD CONSTRAINT deliveries_mail_status_check CHECK (mail_status IN ('sent', 'failed'))`,
    );
  }
}
