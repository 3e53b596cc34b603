import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { FailFastClient } from './fail-fast-client.js';
import { ReadableNamingStrategy } from './naming-strategy.js';

/** How long a request may wait on the database (DATABASE_CONNECT_TIMEOUT_MS, DATABASE_STATEMENT_TIMEOUT_MS). */
export interface DatabaseTimeouts {
  connectMs: number;
  statementMs: number;
}

/**
 * Statement timeout for a stream that may rightly outlast DATABASE_STATEMENT_TIMEOUT_MS (an export or a
 * delivery packet read by a slow client): a cursor or COPY is one statement until its last row.
 */
export const STREAM_STATEMENT_TIMEOUT = '15min';

/** Past the statement timeout, how long a silent server gets before its connection is dropped. */
export const GIVE_UP_MARGIN_MS = 500;

/**
 * The one description of how Puente talks to PostgreSQL, shared by the app, the CLI and the tests.
 * With `timeouts` (the app), a request fails fast on a stalled database: waiting for a connection is
 * bounded by `connectMs`, a statement by `statementMs` (PostgreSQL cancels it) and, when the server
 * does not answer at all, by `statementMs` + {@link GIVE_UP_MARGIN_MS} (the connection is dropped).
 * Without (migrations, the CLI), statements may take as long as they need.
 */
export function dataSourceOptions(
  url: string,
  poolSize: number,
  timeouts?: DatabaseTimeouts,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    namingStrategy: new ReadableNamingStrategy(),
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    // Migrations create the extensions we use (citext, pg_trgm); TypeORM must not try uuid-ossp on connect.
    installExtensions: false,
    logging: false,
    extra: {
      max: poolSize,
      Client: FailFastClient,
      ...(timeouts
        ? {
            connectionTimeoutMillis: timeouts.connectMs,
            statement_timeout: timeouts.statementMs,
            giveUpAfterMs: timeouts.statementMs + GIVE_UP_MARGIN_MS,
            // A transaction left open by a stuck request does not hold its locks for long either.
            idle_in_transaction_session_timeout: Math.max(10_000, timeouts.statementMs * 2),
          }
        : {}),
      idleTimeoutMillis: 30_000,
      application_name: 'puente',
    },
  };
}
