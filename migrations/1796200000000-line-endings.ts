import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Multi-line text stored as LocalizedText (`{ "en": …, "es": … }`). */
const LOCALIZED: [table: string, column: string][] = [
  ['campaigns', 'summary'],
  ['campaigns', 'body'],
  ['events', 'description'],
  ['fundraisers', 'description'],
  ['letter_actions', 'subject'],
  ['letter_actions', 'body'],
];

/** Multi-line plain text. */
const PLAIN: [table: string, column: string][] = [
  ['targets', 'postal_address'],
  ['pledges', 'message'],
  ['signatures', 'personal_note'],
  ['deliveries', 'note'],
  ['donations', 'note'],
];

/**
 * Issue 21 — line endings. Browsers send a textarea's lines as CRLF, and until now they were stored as
 * sent: the packet PDF drew each CR as a glyph ("Ð" at every line end). Input is now normalised to LF
 * by the DTOs (`UnixLineEndings` in src/common/transforms.ts); this rewrites what is already stored the
 * same way (CRLF and a lone CR become LF). Only the changed rows are touched, and every row is kept.
 * There is no way back (which breaks were CRLF is not recorded, nor worth restoring): `down` does nothing.
 */
export class LineEndings1796200000000 implements MigrationInterface {
  name = 'LineEndings1796200000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of LOCALIZED) {
      await q.query(`
        UPDATE ${table} SET ${column} = (
          SELECT jsonb_object_agg(k, CASE WHEN jsonb_typeof(v) = 'string'
                                          THEN to_jsonb(regexp_replace(v #>> '{}', E'\\r\\n?', E'\\n', 'g'))
                                          ELSE v END)
            FROM jsonb_each(${column}) AS e(k, v))
         WHERE jsonb_typeof(${column}) = 'object'
           AND EXISTS (SELECT 1 FROM jsonb_each_text(${column}) AS e(k, v) WHERE strpos(v, E'\\r') > 0)`);
    }
    for (const [table, column] of PLAIN) {
      await q.query(`
        UPDATE ${table} SET ${column} = regexp_replace(${column}, E'\\r\\n?', E'\\n', 'g')
         WHERE strpos(${column}, E'\\r') > 0`);
    }
  }

  async down(): Promise<void> {
    // Nothing to undo: LF line breaks are what the code writes from now on either way.
  }
}
