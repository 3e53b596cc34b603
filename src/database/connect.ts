import pg from 'pg';
import type { AppConfig } from '../config/config.js';
import { EmbeddedPostgres, runningEmbeddedUrl } from './embedded-postgres.js';

export const EMBEDDED_DATABASE = 'puente';

export interface DatabaseHandle {
  url: string;
  embedded: EmbeddedPostgres | null;
  /** Stops the embedded server, if this handle started one. */
  stop(): Promise<void>;
}

/**
 * `DATABASE_URL` when set; otherwise the embedded PostgreSQL in `DATA_DIR`, started here. With
 * `attach` (the CLI), an embedded server that a running app already started is used as it is.
 */
export async function openDatabase(
  config: AppConfig,
  log: (m: string) => void,
  options: { attach?: boolean } = {},
): Promise<DatabaseHandle> {
  const nothing = async () => undefined;
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: null, stop: nothing };
  if (options.attach) {
    const running = await runningEmbeddedUrl(config.dataDir, EMBEDDED_DATABASE);
    if (running) return { url: running, embedded: null, stop: nothing };
  }
  const embedded = await EmbeddedPostgres.start({ dataDir: config.dataDir, port: config.pgPort, log });
  try {
    await ensureDatabase(embedded.url(), EMBEDDED_DATABASE);
  } catch (e) {
    await embedded.stop();
    throw e;
  }
  return { url: embedded.url(EMBEDDED_DATABASE), embedded, stop: () => embedded.stop() };
}

export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await client.end();
  }
}
