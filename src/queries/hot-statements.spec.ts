import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLACE_RSVP_SQL } from '../events/rsvps.service.js';
import { SIGN_SQL } from '../letters/signatures.service.js';
import { claimSql, PICK_DUE, PICK_IDS } from '../reminders/reminder-claim.js';
import { FINISH_SQL } from '../reminders/reminder-outcomes.js';
import { UPSERT_SUPPORTER_SQL } from '../supporters/supporters.service.js';

/**
 * The hot statements as PostgreSQL receives them, each committed as `src/queries/<name>.sql`, so a
 * change to any builder they are assembled from shows the whole statement in review. This test fails
 * when the code's statement and its file differ; `UPDATE_QUERY_FILES=1` (npm run queries:update)
 * rewrites the files from the code instead.
 */
const HOT_STATEMENTS: Record<string, string> = {
  'events.place-rsvp': PLACE_RSVP_SQL,
  'letters.sign': SIGN_SQL,
  'reminders.claim-due': claimSql(PICK_DUE),
  'reminders.claim-ids': claimSql(PICK_IDS),
  'reminders.finish': FINISH_SQL,
  'supporters.upsert': UPSERT_SUPPORTER_SQL,
};

const here = dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_QUERY_FILES === '1';

/** The file's text: a header naming the statement, then the statement without its outer blank lines. */
function fileText(name: string, sql: string): string {
  const body = sql.replace(/^\s*\n/, '').replace(/\s+$/, '');
  return `-- ${name}: generated from the code (npm run queries:update); do not edit by hand.\n${body}\n`;
}

describe('hot statements match their committed files (src/queries/*.sql)', () => {
  it.each(Object.entries(HOT_STATEMENTS))('%s', (name, sql) => {
    const file = join(here, `${name}.sql`);
    const expected = fileText(name, sql);
    if (update) writeFileSync(file, expected);
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });
});
