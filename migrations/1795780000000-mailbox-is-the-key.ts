import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A submission never changes a known supporter's record: what a public page shows for a signer is what
 * that signature submitted (`public_name`, `public_city`), and changes someone asks for (new name, city,
 * language, consent again after unsubscribing) wait in `supporter_updates` until the link mailed to
 * that supporter's address applies them.
 */
export class MailboxIsTheKey1795780000000 implements MigrationInterface {
  name = 'MailboxIsTheKey1795780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signatures
      ADD COLUMN public_name text CONSTRAINT signatures_public_name_check CHECK (length(public_name) <= 100),
      ADD COLUMN public_city text CONSTRAINT signatures_public_city_check CHECK (length(public_city) <= 100)`);
    // Existing public signatures keep showing what they show today.
    await q.query(`
      UPDATE signatures g SET public_name = s.first_name, public_city = s.city
        FROM supporters s WHERE s.id = g.supporter_id AND g.show_publicly AND s.erased_at IS NULL`);
    await q.query(`
      CREATE TABLE supporter_updates (
        id uuid CONSTRAINT supporter_updates_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        supporter_id uuid NOT NULL CONSTRAINT supporter_updates_supporter_id_fkey REFERENCES supporters (id) ON DELETE CASCADE,
        changes jsonb NOT NULL CONSTRAINT supporter_updates_changes_check CHECK (jsonb_typeof(changes) = 'object'),
        source text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        applied_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX supporter_updates_supporter_id_created_at_idx ON supporter_updates (supporter_id, created_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE supporter_updates`);
    await q.query(`ALTER TABLE signatures DROP COLUMN public_city, DROP COLUMN public_name`);
  }
}
