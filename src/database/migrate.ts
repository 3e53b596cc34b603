import type { DataSource, Migration } from 'typeorm';

/** Any number from the same arbitrary namespace, so every instance takes the same lock. */
const MIGRATION_LOCK = 0x70756e74; // 'punt'

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so several instances starting at once
 * (docker compose --scale app=3) do not race: the first migrates, the others wait and find nothing to do.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
