import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mail log's indexes hold only the rows their readers look for, so that every mail written (a
 * bulletin to 100,000 writes 100,000 rows) updates fewer of them:
 * - the reconciliation of messages left `queued` (MailService.reconcileQueued) reads queued rows only:
 *   (status, created_at) becomes (created_at) WHERE status = 'queued', so a row written with its outcome
 *   (bulletins) never enters it and a row marked sent leaves it;
 * - staff mail is looked up by user and supporter mail by supporter: each index skips the rows whose
 *   column is empty (most mail is to supporters, with no user).
 */
export class MailLogIndexes1797150000000 implements MigrationInterface {
  name = 'MailLogIndexes1797150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX messages_status_created_at_idx');
    await q.query(
      `CREATE INDEX messages_queued_created_at_idx ON messages (created_at) WHERE status = 'queued'`,
    );
    await q.query('DROP INDEX messages_user_id_idx');
    await q.query('CREATE INDEX messages_user_id_idx ON messages (user_id) WHERE user_id IS NOT NULL');
    await q.query('DROP INDEX messages_supporter_id_idx');
    await q.query(
      'CREATE INDEX messages_supporter_id_idx ON messages (supporter_id) WHERE supporter_id IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX messages_supporter_id_idx');
    await q.query('CREATE INDEX messages_supporter_id_idx ON messages (supporter_id)');
    await q.query('DROP INDEX messages_user_id_idx');
    await q.query('CREATE INDEX messages_user_id_idx ON messages (user_id)');
    await q.query('DROP INDEX messages_queued_created_at_idx');
    await q.query('CREATE INDEX messages_status_created_at_idx ON messages (status, created_at)');
  }
}
