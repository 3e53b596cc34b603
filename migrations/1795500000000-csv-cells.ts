import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQL twins of what every CSV export does to a cell, so PostgreSQL can write a CSV itself
 * (`COPY … TO STDOUT (FORMAT csv)`, issue 11) with the same output as the JavaScript path:
 * - `csv_cell(text)`: the formula-injection guard of `src/common/csv-safety.ts` (a cell starting with
 *   = + - @ tab or carriage return gets a leading single quote); NULL stays NULL (an empty cell);
 * - `iso_utc(timestamptz)`: the instant as `Date.toISOString()` writes it (`2026-11-22T10:00:00.000Z`).
 * Both are plain SQL functions, which PostgreSQL inlines into the query.
 */
export class CsvCells1795500000000 implements MigrationInterface {
  name = 'CsvCells1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE FUNCTION csv_cell(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
         RETURN CASE WHEN left(value, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || value ELSE value END`,
    );
    await q.query(
      `CREATE FUNCTION iso_utc(at timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
         RETURN to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION iso_utc(timestamptz)`);
    await q.query(`DROP FUNCTION csv_cell(text)`);
  }
}
