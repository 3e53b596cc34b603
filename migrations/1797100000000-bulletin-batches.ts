import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (performance) — the snapshot of a bulletin's audience is written in batches, not one row
 * per recipient. Sending starts with ONE statement that stores the recipients as `bulletin_batches`
 * (up to 400 supporter ids per row, grouped by the time they are due), which costs about what reading
 * them costs; the sender turns a due batch into its `bulletin_deliveries` rows (the unique key per
 * bulletin and supporter, as before) in the same statement that deletes the batch, when it needs more
 * rows to claim. Existing deliveries are untouched: a bulletin already sending has no batch.
 *
 * `bulletin_recipients` is every recipient of a bulletin, whether still in a batch (`pending`) or
 * already a delivery row: for a look in psql and for tests (stats count the batches by their sizes).
 */
export class BulletinBatches1797100000000 implements MigrationInterface {
  name = 'BulletinBatches1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bulletin_batches (
        bulletin_id uuid NOT NULL CONSTRAINT bulletin_batches_bulletin_id_fkey REFERENCES bulletins (id) ON DELETE CASCADE,
        batch integer NOT NULL,
        due_at timestamptz NOT NULL,
        supporter_ids uuid[] NOT NULL CONSTRAINT bulletin_batches_not_empty CHECK (cardinality(supporter_ids) > 0),
        CONSTRAINT bulletin_batches_pkey PRIMARY KEY (bulletin_id, batch)
      )`);
    // Kept in the row, neither compressed (random ids do not compress) nor moved to the TOAST table:
    // 400 ids (BATCH_SIZE) are 6.4 kB, well inside a page. A quarter less time to write a snapshot.
    await q.query(`ALTER TABLE bulletin_batches ALTER COLUMN supporter_ids SET STORAGE PLAIN`);
    await q.query(`CREATE INDEX bulletin_batches_due_at_idx ON bulletin_batches (due_at)`);
    await q.query(`
      CREATE VIEW bulletin_recipients AS
        SELECT d.bulletin_id, d.supporter_id, d.due_at, d.status, d.sent_at FROM bulletin_deliveries d
        UNION ALL
        SELECT b.bulletin_id, u.supporter_id, b.due_at, 'pending'::bulletin_delivery_status, NULL::timestamptz
          FROM bulletin_batches b CROSS JOIN LATERAL unnest(b.supporter_ids) AS u(supporter_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Batches not yet turned into deliveries become pending deliveries, so nothing is lost.
    await q.query(`
      INSERT INTO bulletin_deliveries (bulletin_id, supporter_id, due_at)
      SELECT b.bulletin_id, u.supporter_id, b.due_at
        FROM bulletin_batches b CROSS JOIN LATERAL unnest(b.supporter_ids) AS u(supporter_id)
        JOIN supporters s ON s.id = u.supporter_id
      ON CONFLICT DO NOTHING`);
    await q.query('DROP VIEW bulletin_recipients');
    await q.query('DROP TABLE bulletin_batches');
  }
}
