import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { Clock } from '../../src/common/clock.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { ensureDatabase } from '../../src/database/connect.js';
import { TEMPLATE_DB, type HarnessState } from './harness-state.js';

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof supertest>;
  config: AppConfig;
  clock: Clock;
  databaseUrl: string;
  /** A plain pg pool on this test file's database, for looking under the hood. */
  db: pg.Pool;
  close(): Promise<void>;
}

async function harness(): Promise<HarnessState> {
  const file = process.env.PUENTE_TEST_STATE;
  if (!file) throw new Error('e2e tests run through `npm run test:e2e` (the global setup starts PostgreSQL)');
  return JSON.parse(await readFile(file, 'utf8')) as HarnessState;
}

/** A fresh database cloned from the migrated template, for one test file (or one app in it). */
export async function createTestDatabase(): Promise<string> {
  const state = await harness();
  const name = `t_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(state.adminUrl, name, TEMPLATE_DB);
  return state.databaseUrlFor.replace('__DB__', name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const state = await harness();
  const name = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: state.adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * The real application (same factory as main.ts) on its own database. `env` overrides settings as
 * the environment would. Pass `databaseUrl` to run a second instance on the same database.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { databaseUrl?: string } = {},
): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const dataDir = await mkdtemp(join(tmpdir(), 'puente-app-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '0',
    REMINDERS_ENABLED: 'false',
    // Tests read totals right after writing; the one test of the cache turns it on.
    PUBLIC_CACHE_SECONDS: '0',
    ADMIN_EMAIL: 'admin@example.org',
    ADMIN_PASSWORD: 'admin-password-for-tests',
    APP_SECRET: 'test-secret-test-secret-test-secret-0123',
    ...env,
    DATABASE_URL: databaseUrl,
  });
  const app = await createApp(config, databaseUrl, createLogger(config.logLevel));
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const ownsDatabase = !options.databaseUrl;
  return {
    app,
    http: supertest(app.getHttpServer()),
    config,
    clock: app.get(Clock),
    databaseUrl,
    db,
    close: async () => {
      await app.close();
      await db.end();
      if (ownsDatabase) await dropTestDatabase(databaseUrl);
    },
  };
}

/** Starts `t` listening on a free loopback port (for a real browser); resolves to its base URL. */
export async function listenForBrowser(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.getHttpServer().address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}
