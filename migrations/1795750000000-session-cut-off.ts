import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `users.sessions_valid_after` (issue 18): a per-user cut-off. A staff token (bearer or the console's
 * cookie) issued before it is refused on every request, so logout, a password reset and disabling an
 * account end every existing session of that account at once. Null: no cut-off yet.
 */
export class SessionCutOff1795750000000 implements MigrationInterface {
  name = 'SessionCutOff1795750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN sessions_valid_after timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP COLUMN sessions_valid_after');
  }
}
