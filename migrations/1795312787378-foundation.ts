import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795312787378 implements MigrationInterface {
  name = 'Foundation1795312787378';

  async up(q: QueryRunner): Promise<void> {
    // citext: case-insensitive emails; pg_trgm: fast name/city search in staff lists.
    await q.query('CREATE EXTENSION IF NOT EXISTS citext');
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    // Instance-wide settings every app instance shares (e.g. the generated signing secret).
    await q.query(`
      CREATE TABLE settings (
        key text CONSTRAINT settings_pkey PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE settings');
  }
}
