import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { DEMO_SLUG, seedDemo } from '../src/web/demo-seed.js';
import { adminToken } from './support/factories.js';
import { createTestApp, createTestDatabase, dropTestDatabase, type TestApp } from './support/test-app.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/src/cli.js');

const cli = (databaseUrl: string, ...args: string[]) =>
  run(process.execPath, [CLI, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
  });

/**
 * Every table's row count, its content (an md5 of its rows in order) and the sum of each of its number
 * columns (money in minor units, counters, seats), and every sequence: what a restore must keep.
 */
async function fingerprint(url: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table: string; numbers: string[] }>(
      `SELECT c.relname AS table,
              array(SELECT a.attname::text FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                       AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype)
                     ORDER BY a.attnum) AS numbers
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'migrations'
        ORDER BY c.relname`,
    );
    const out: Record<string, unknown> = {};
    for (const { table, numbers } of tables.rows) {
      const t = client.escapeIdentifier(table);
      const sums = numbers.map((n) => `coalesce(sum(${client.escapeIdentifier(n)}), 0)::text`).join(', ');
      const { rows } = await client.query(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS content
                ${sums ? `, ARRAY[${sums}] AS totals` : ''}
           FROM ${t} x`,
      );
      out[table] = rows[0];
    }
    const seqs = await client.query(
      `SELECT sequencename, last_value::text FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`,
    );
    out['(sequences)'] = seqs.rows;
    return out;
  } finally {
    await client.end();
  }
}

/** An event of the demo campaign with one seat and two supporters waiting for it. */
async function fullEventWithWaitlist(app: TestApp): Promise<void> {
  const campaign = (await app.http.get(`/api/public/campaigns/${DEMO_SLUG}`).expect(200)).body as {
    id: string;
  };
  await app.http
    .post(`/api/campaigns/${campaign.id}/events`)
    .auth(await adminToken(app), { type: 'bearer' })
    .send({
      slug: 'full-room',
      title: { en: 'Meeting in a small room', es: 'Reunión en un cuarto pequeño' },
      kind: 'meeting',
      city: 'León',
      startsAt: '2030-03-14T16:00:00Z',
      timezone: 'America/Mexico_City',
      capacity: 1,
    })
    .expect(201);
  for (const who of ['first', 'second', 'third']) {
    await app.http
      .post(`/api/public/campaigns/${DEMO_SLUG}/events/full-room/rsvps`)
      .send({ email: `${who}-in-line@example.org`, firstName: who, country: 'MX' })
      .expect(202);
  }
}

describe('backup and restore (npm run cli -- backup / restore)', () => {
  let dir: string;
  const databases: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'puente-backup-'));
  });
  afterAll(async () => {
    for (const url of databases) await dropTestDatabase(url);
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips the demo campaign into a fresh database: every table, row, total and sequence', async () => {
    const source = await createTestDatabase();
    databases.push(source);
    const app = await createTestApp({}, { databaseUrl: source });
    expect(await seedDemo(app.app)).toBe(true);
    await fullEventWithWaitlist(app);
    const before = (await app.http.get(`/api/public/campaigns/${DEMO_SLUG}?lang=en`).expect(200)).body as {
      totals: unknown;
    };
    const waitlisted = await app.db.query(`SELECT waitlisted FROM events WHERE slug = 'full-room'`);
    expect(waitlisted.rows).toEqual([{ waitlisted: 2 }]); // kept by triggers, which a restore must not re-run
    await app.close(); // nothing writes to the source from here on

    const file = join(dir, 'nightly.backup.gz');
    const made = await cli(source, 'backup', '--file', file);
    expect(made.stdout).toMatch(new RegExp(`^wrote ${file}: \\d+ tables, \\d+ rows`));
    expect(existsSync(`${file}.partial`)).toBe(false);

    const fresh = await createTestDatabase();
    databases.push(fresh);
    const restored = await cli(fresh, 'restore', '--file', file);
    expect(restored.stdout).toContain(`restored ${file}:`);

    const expected = await fingerprint(source);
    const got = await fingerprint(fresh);
    for (const table of ['signatures', 'rsvps', 'donations', 'pledges', 'supporters', 'events']) {
      expect((expected[table] as { rows: number }).rows).toBeGreaterThan(0);
    }
    expect(got).toEqual(expected);

    // The app on the restored database shows the same campaign totals, and takes new actions.
    const copy = await createTestApp({}, { databaseUrl: fresh });
    try {
      const after = (await copy.http.get(`/api/public/campaigns/${DEMO_SLUG}?lang=en`).expect(200)).body as {
        totals: unknown;
      };
      expect(after.totals).toEqual(before.totals);
      await copy.http
        .post(`/api/public/campaigns/${DEMO_SLUG}/pledges`)
        .send({ email: 'new-after-restore@example.org', firstName: 'Ana', country: 'MX', kind: 'support' })
        .expect(201);
    } finally {
      await copy.close();
    }
  });

  it('refuses to overwrite a database in use without --replace, and a file that is not a backup', async () => {
    const used = await createTestDatabase();
    databases.push(used);
    const app = await createTestApp({}, { databaseUrl: used });
    await seedDemo(app.app);
    await app.close();
    const file = join(dir, 'used.backup.gz');
    await cli(used, 'backup', '--file', file);

    await expect(cli(used, 'restore', '--file', file)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('already holds campaigns or supporters') as unknown,
    });
    const replaced = await cli(used, 'restore', '--replace', '--file', file);
    expect(replaced.stdout).toContain('restored');

    const junk = join(dir, 'junk.gz');
    await writeFile(junk, 'not a backup');
    await expect(cli(used, 'restore', '--file', junk, '--replace')).rejects.toMatchObject({ code: 1 });
  });
});
