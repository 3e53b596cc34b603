import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issues 21 and 22 — tags on supporters. A tag belongs to one organization; a supporter carries only
 * her own organization's tags, and the database enforces it: `supporter_tags` names the organization
 * and points at both the tag and the supporter through (organization_id, id), so a tag of committee A
 * can never be put on a supporter of committee B, whatever the code does. Names are unique per
 * organization regardless of case ("Guanajuato" and "guanajuato" are one tag). Erasing a supporter
 * removes her tags (PrivacyService.erase); deleting a tag removes it from everyone.
 */
export class Tags1795900000000 implements MigrationInterface {
  name = 'Tags1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE supporters ADD CONSTRAINT supporters_organization_id_id_key
      UNIQUE (organization_id, id)`);
    await q.query(`
      CREATE TABLE tags (
        id uuid CONSTRAINT tags_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL CONSTRAINT tags_organization_id_fkey REFERENCES organizations (id) ON DELETE CASCADE,
        name text NOT NULL CONSTRAINT tags_name_check CHECK (name = btrim(name) AND length(name) BETWEEN 1 AND 60),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tags_organization_id_id_key UNIQUE (organization_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX tags_organization_id_name_key ON tags (organization_id, lower(name))`);
    await q.query(`
      CREATE TABLE supporter_tags (
        organization_id uuid NOT NULL,
        supporter_id uuid NOT NULL,
        tag_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT supporter_tags_pkey PRIMARY KEY (supporter_id, tag_id),
        CONSTRAINT supporter_tags_supporter_fkey FOREIGN KEY (organization_id, supporter_id)
          REFERENCES supporters (organization_id, id) ON DELETE CASCADE,
        CONSTRAINT supporter_tags_tag_fkey FOREIGN KEY (organization_id, tag_id)
          REFERENCES tags (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX supporter_tags_tag_id_idx ON supporter_tags (tag_id, supporter_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE supporter_tags');
    await q.query('DROP TABLE tags');
    await q.query('ALTER TABLE supporters DROP CONSTRAINT supporters_organization_id_id_key');
  }
}
