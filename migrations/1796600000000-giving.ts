import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23 — how to give to a fundraiser: a short list of ways (a payment link, a bank transfer, an
 * OXXO deposit…), each in one currency with bilingual details, shown on the campaign page and after a
 * donate pledge. Organization data, not a supporter's: nothing here is personal. The list is the
 * column's whole value; its shape is checked by the API (GivingMethodDto), its size here.
 */
export class Giving1796600000000 implements MigrationInterface {
  name = 'Giving1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE fundraisers ADD COLUMN giving jsonb NOT NULL DEFAULT '[]'::jsonb
      CONSTRAINT fundraisers_giving_check CHECK (jsonb_typeof(giving) = 'array' AND jsonb_array_length(giving) <= 6)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE fundraisers DROP COLUMN giving`);
  }
}
