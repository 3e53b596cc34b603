import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Concealed campaign links (issue 17): a staff entry (walk-in, donor, import row) by a member who sees
 * only some campaigns links a supporter the organization already held from elsewhere to their campaign
 * `concealed`, so that member's views show what they typed (`entered`) instead of her stored record.
 * `entered` is what staff typed for this person at their latest entry in this campaign (every staff
 * entry, concealed or not); NULL for links made by her own public actions. Existing links stay visible.
 */
export class ConcealedLinks1797200000000 implements MigrationInterface {
  name = 'ConcealedLinks1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaign_supporters
      ADD COLUMN concealed boolean NOT NULL DEFAULT false,
      ADD COLUMN entered jsonb CONSTRAINT campaign_supporters_entered_check
        CHECK (entered IS NULL OR jsonb_typeof(entered) = 'object')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaign_supporters DROP COLUMN entered, DROP COLUMN concealed');
  }
}
