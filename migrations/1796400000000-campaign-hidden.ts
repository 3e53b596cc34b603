import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `campaigns.hidden_at` (issue 21): an archived campaign the organizers put out of sight. Hidden
 * campaigns leave the console's lists (they stay readable by id, and in the API with `?hidden=true`);
 * only an archived campaign can be hidden, which the check enforces.
 */
export class CampaignHidden1796400000000 implements MigrationInterface {
  name = 'CampaignHidden1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns ADD COLUMN hidden_at timestamptz`);
    await q.query(
      `ALTER TABLE campaigns ADD CONSTRAINT campaigns_hidden_only_archived_check
         CHECK (hidden_at IS NULL OR status = 'archived')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaigns DROP CONSTRAINT campaigns_hidden_only_archived_check');
    await q.query('ALTER TABLE campaigns DROP COLUMN hidden_at');
  }
}
