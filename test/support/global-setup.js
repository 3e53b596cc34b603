// Plain ESM JavaScript: jest loads global setup outside its ts/ESM pipeline, so this uses the compiled
// app in dist/ (`npm run test:e2e` builds first) — the very launcher and migrations `npm start` uses.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ensureDatabase } from '../../dist/src/database/connect.js';
import { dataSourceOptions } from '../../dist/src/database/data-source-options.js';
import { EmbeddedPostgres } from '../../dist/src/database/embedded-postgres.js';
import { runPendingMigrations } from '../../dist/src/database/migrate.js';

export const TEMPLATE_DB = 'puente_template';

/**
 * One embedded PostgreSQL for the whole e2e run. Migrations run once, into a template database;
 * every test file then gets its own database copied from it (test/support/test-app.ts).
 */
export default async function globalSetup() {
  const dataDir = await mkdtemp(join(tmpdir(), 'puente-e2e-'));
  const server = await EmbeddedPostgres.start({ dataDir, port: null, ephemeral: true });
  globalThis.__puentePg = server;
  try {
    await ensureDatabase(server.url(), TEMPLATE_DB);
    const ds = await new DataSource(dataSourceOptions(server.url(TEMPLATE_DB), 2)).initialize();
    await runPendingMigrations(ds);
    await ds.destroy();
  } catch (e) {
    await server.stop();
    throw e;
  }
  const stateFile = join(dataDir, 'harness.json');
  await writeFile(
    stateFile,
    JSON.stringify({ adminUrl: server.url(), dataDir, databaseUrlFor: server.url('__DB__') }),
  );
  process.env.PUENTE_TEST_STATE = stateFile;
}
