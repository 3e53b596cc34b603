import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Statement } from '../database/sql.js';
import { PLACE_RSVP } from '../events/events.sql.js';
import { SIGN } from '../letters/letters.sql.js';
import { CLAIM_DUE, CLAIM_IDS, FINISH } from '../reminders/reminders.sql.js';
import { UPSERT_SUPPORTER } from '../supporters/supporters.sql.js';

/**
 * The hot statements as PostgreSQL receives them, each committed as `src/queries/<name>.sql`, so a
 * change to any builder they are assembled from (each feature's `<feature>.sql.ts`) shows the whole statement in review. This test fails
 * when the code's statement and its file differ; `UPDATE_QUERY_FILES=1` (npm run queries:update)
 * rewrites the files from the code instead.
 */
const HOT_STATEMENTS: Statement<never, unknown>[] = [
  PLACE_RSVP,
  SIGN,
  CLAIM_DUE,
  CLAIM_IDS,
  FINISH,
  UPSERT_SUPPORTER,
];

const here = dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_QUERY_FILES === '1';

/** The file's text: a header naming the statement, then the statement without its outer blank lines. */
function fileText(name: string, sql: string): string {
  const body = sql.replace(/^\s*\n/, '').replace(/\s+$/, '');
  return `-- ${name}: generated from the code (npm run queries:update); do not edit by hand.\n${body}\n`;
}

describe('hot statements match their committed files (src/queries/*.sql)', () => {
  it.each(HOT_STATEMENTS.map((s) => [s.name, s.text]))('%s', (name, sql) => {
    const file = join(here, `${name}.sql`);
    const expected = fileText(name, sql);
    if (update) writeFileSync(file, expected);
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });
});
