import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { ReadableNamingStrategy } from './naming-strategy.js';

/** The one description of how Puente talks to PostgreSQL, shared by the app, the CLI and the tests. */
export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
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
      // A statement that runs away is cut off instead of holding a connection forever.
      statement_timeout: 60_000,
      idleTimeoutMillis: 30_000,
      application_name: 'puente',
    },
  };
}
