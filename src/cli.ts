import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { openDatabase } from './database/connect.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { runPendingMigrations } from './database/migrate.js';
import { backupDatabase, restoreDatabase } from './database/backup.js';
import { CLI_COMMANDS, requireFlag, UsageError, type CliCommand, type CliContext } from './cli-commands.js';

/**
 * `npm run cli -- <command> [--flag value]`. Works against the same database the app uses: DATABASE_URL,
 * or the embedded one in DATA_DIR (joining it when the app is running, starting it otherwise).
 */
const MIGRATION_COMMANDS: Record<string, CliCommand> = {
  'migration:run': {
    usage: 'migration:run',
    description: 'run pending migrations (the app also does this at start)',
    run: async ({ url, config }) => {
      const ds = await new DataSource(dataSourceOptions(url, 2)).initialize();
      try {
        const done = await runPendingMigrations(ds);
        console.log(done.length ? done.map((m) => `ran ${m.name}`).join('\n') : 'no pending migrations');
      } finally {
        await ds.destroy();
      }
      void config;
    },
  },
  backup: {
    usage: 'backup [--file backups/puente.backup.gz]',
    description: 'write every table of the database to one file (a consistent snapshot; the app may run)',
    run: async ({ url, flags }) => {
      const file =
        flags.file || join('backups', `puente-${new Date().toISOString().replace(/[:.]/g, '-')}.backup.gz`);
      const counts = await backupDatabase(url, file);
      const rows = counts.reduce((n, c) => n + c.rows, 0);
      console.log(`wrote ${file}: ${counts.length} tables, ${rows} rows`);
    },
  },
  restore: {
    usage: 'restore --file backups/puente.backup.gz [--replace]',
    description: 'load a backup into this database (stop the app first; --replace to overwrite data)',
    run: async ({ url, flags }) => {
      const file = requireFlag(flags, 'file');
      // A fresh database gets the schema first; the backup must be at the same migration.
      const ds = await new DataSource(dataSourceOptions(url, 2)).initialize();
      try {
        await runPendingMigrations(ds);
      } finally {
        await ds.destroy();
      }
      const counts = await restoreDatabase(url, file, { replace: 'replace' in flags });
      const rows = counts.reduce((n, c) => n + c.rows, 0);
      console.log(`restored ${file}: ${counts.length} tables, ${rows} rows`);
    },
  },
  'migration:revert': {
    usage: 'migration:revert',
    description: 'undo the last migration',
    run: async ({ url }) => {
      const ds = await new DataSource(dataSourceOptions(url, 2)).initialize();
      try {
        await ds.undoLastMigration({ transaction: 'each' });
        console.log('reverted the last migration');
      } finally {
        await ds.destroy();
      }
    },
  },
  'migration:create': {
    usage: 'migration:create --name add-phone-to-supporters',
    description: 'write an empty migration to fill in by hand',
    run: async ({ flags }) => writeMigration(requireFlag(flags, 'name')),
  },
};

/**
 * An empty migration to write by hand. There is no `migration:generate`: the entities describe only part of
 * the schema (CHECKs, triggers, partial indexes, sequences live in migrations only), so TypeORM's diff
 * would drop them (see docs/architecture.md, "Database and migrations").
 */
async function writeMigration(name: string): Promise<void> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new UsageError('--name takes lowercase words joined by dashes');
  const stamp = Date.now();
  const className = name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()) + stamp;
  const file = `${stamp}-${name}`;
  const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(q: QueryRunner): Promise<void> {
    // TODO: write it
  }

  async down(q: QueryRunner): Promise<void> {
    // TODO: write it (undo up, in reverse order)
  }
}
`;
  const dir = join(process.cwd(), 'migrations');
  await writeFile(join(dir, `${file}.ts`), source);
  const indexFile = join(dir, 'index.ts');
  let index = await readFile(indexFile, 'utf8');
  index = index.replace(
    /(\nexport const migrations = \[)/,
    `\nimport { ${className} } from './${file}.js';$1`,
  );
  index = index.replace(/\];\s*$/, `, ${className}];\n`);
  await writeFile(indexFile, index);
  console.log(`wrote migrations/${file}.ts and listed it in migrations/index.ts (run npm run format)`);
}

function parseArgs(argv: string[]): { command: string | undefined; flags: Record<string, string> } {
  const [command, ...rest] = argv;
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(rest[i]);
    if (!m) throw new UsageError(`unexpected argument "${rest[i]}"`);
    // A flag followed by another flag (or by nothing) is a switch: `--replace`.
    flags[m[1]] = m[2] ?? (rest[i + 1]?.startsWith('--') ? '' : rest[++i]) ?? '';
  }
  return { command, flags };
}

async function main(): Promise<number> {
  const commands = { ...MIGRATION_COMMANDS, ...CLI_COMMANDS };
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const command = parsed.command ? commands[parsed.command] : undefined;
  if (!command) {
    console.log('usage: npm run cli -- <command> [--flag value]\n');
    for (const c of Object.values(commands)) console.log(`  ${c.usage.padEnd(60)} ${c.description}`);
    return parsed.command ? 2 : 0;
  }
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  const db = await openDatabase(config, () => undefined, { attach: true });
  try {
    const context: CliContext = { url: db.url, config, flags: parsed.flags };
    await command.run(context);
    return 0;
  } catch (e) {
    console.error(
      e instanceof UsageError ? `${e.message}\nusage: npm run cli -- ${command.usage}` : (e as Error).message,
    );
    return e instanceof UsageError ? 2 : 1;
  } finally {
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
