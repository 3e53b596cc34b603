import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bulletin throttle counts claims, not delivery rows: one row per claim (when, how many deliveries)
 * in `bulletin_claims`, summed over the last second and hour (THROTTLE_SQL). It counted an index over
 * `bulletin_deliveries.claimed_at`, which every mail wrote twice (its claim and its outcome) and which a
 * claim under an hourly cap of 50,000 had to walk 50,000 entries of. The last hour's claims are carried
 * over, so the throttle holds across the upgrade; `claimed_at` stays on each delivery (when it was last
 * claimed), without an index.
 */
export class BulletinClaims1797160000000 implements MigrationInterface {
  name = 'BulletinClaims1797160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bulletin_claims (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT bulletin_claims_pkey PRIMARY KEY,
        claimed_at timestamptz NOT NULL,
        deliveries integer NOT NULL CONSTRAINT bulletin_claims_deliveries_check CHECK (deliveries > 0)
      )`);
    await q.query('CREATE INDEX bulletin_claims_claimed_at_idx ON bulletin_claims (claimed_at)');
    await q.query(`
      INSERT INTO bulletin_claims (claimed_at, deliveries)
      SELECT claimed_at, count(*) FROM bulletin_deliveries
       WHERE claimed_at > now() - interval '1 hour' GROUP BY claimed_at`);
    await q.query('DROP INDEX bulletin_deliveries_claimed_at_idx');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX bulletin_deliveries_claimed_at_idx ON bulletin_deliveries (claimed_at) WHERE claimed_at IS NOT NULL`,
    );
    await q.query('DROP TABLE bulletin_claims');
  }
}
