import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23 (part B) — campaigns travel, and what the public sees is moderated:
 * - `organizations.embed_origins`: the sites allowed to frame the organization's forms
 *   (`Content-Security-Policy: frame-ancestors` on /embed/ routes only);
 * - `supporters.share_code`: an opaque random code for a supporter's own share links (`?ref=`); it is
 *   random, not derived from the id or email, so a link tells no one who shared it;
 * - the actions (signatures, RSVPs, pledges) already carry `source` ('web' until now): it is now the
 *   sanitized `?source=` value (bounded here too), and `referrer_id` the supporter whose share code
 *   brought them (same organization only; ON DELETE SET NULL);
 * - an optional phone (E.164) on supporters, with its own consent and a separate WhatsApp consent,
 *   each with when it was given;
 * - `signatures.public_status`: whether a public signer's name is shown, held back for review, or
 *   hidden by an organizer;
 * - `campaign_images`: one preview image per campaign (JPEG bytes, 1200×630), in the database so every
 *   app instance serves it (no shared disk needed).
 */
export class EmbedsSourcesPhone1796700000000 implements MigrationInterface {
  name = 'EmbedsSourcesPhone1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organizations
      ADD COLUMN embed_origins text[] NOT NULL DEFAULT '{}'
        CONSTRAINT organizations_embed_origins_check CHECK (cardinality(embed_origins) <= 20)`);
    await q.query(`ALTER TABLE supporters
      ADD COLUMN share_code text NOT NULL DEFAULT substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)
        CONSTRAINT supporters_share_code_check CHECK (share_code ~ '^[a-z0-9]{8,32}$'),
      ADD COLUMN phone text CONSTRAINT supporters_phone_check CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
      ADD COLUMN phone_consent boolean NOT NULL DEFAULT false,
      ADD COLUMN phone_consent_at timestamptz,
      ADD COLUMN whatsapp_consent boolean NOT NULL DEFAULT false,
      ADD COLUMN whatsapp_consent_at timestamptz`);
    await q.query(`ALTER TABLE supporters ADD CONSTRAINT supporters_share_code_key UNIQUE (share_code)`);
    for (const table of ['signatures', 'rsvps', 'pledges']) {
      await q.query(`ALTER TABLE ${table}
        ADD CONSTRAINT ${table}_source_check CHECK (source ~ '^[a-z0-9._-]{1,64}$'),
        ADD COLUMN referrer_id uuid CONSTRAINT ${table}_referrer_id_fkey REFERENCES supporters (id) ON DELETE SET NULL`);
      await q.query(`CREATE INDEX ${table}_referrer_id_idx ON ${table} (referrer_id)`);
      await q.query(`CREATE INDEX ${table}_source_idx ON ${table} (source)`);
    }
    await q.query(`ALTER TABLE signatures
      ADD COLUMN public_status text NOT NULL DEFAULT 'shown'
        CONSTRAINT signatures_public_status_check CHECK (public_status IN ('shown', 'held', 'hidden'))`);
    await q.query(`
      CREATE TABLE campaign_images (
        campaign_id uuid CONSTRAINT campaign_images_pkey PRIMARY KEY
          CONSTRAINT campaign_images_campaign_id_fkey REFERENCES campaigns (id) ON DELETE CASCADE,
        content_type text NOT NULL CONSTRAINT campaign_images_content_type_check CHECK (content_type = 'image/jpeg'),
        bytes bytea NOT NULL CONSTRAINT campaign_images_bytes_check CHECK (octet_length(bytes) <= 2000000),
        width int NOT NULL,
        height int NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE campaign_images`);
    await q.query(`ALTER TABLE signatures DROP COLUMN public_status`);
    for (const table of ['signatures', 'rsvps', 'pledges']) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN referrer_id, DROP CONSTRAINT ${table}_source_check`);
      await q.query(`DROP INDEX ${table}_source_idx`);
    }
    await q.query(`ALTER TABLE supporters DROP COLUMN share_code, DROP COLUMN phone, DROP COLUMN phone_consent,
      DROP COLUMN phone_consent_at, DROP COLUMN whatsapp_consent, DROP COLUMN whatsapp_consent_at`);
    await q.query(`ALTER TABLE organizations DROP COLUMN embed_origins`);
  }
}
