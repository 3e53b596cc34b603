import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { Statement } from './sql.js';

/**
 * The public write and read paths' statements, run as named prepared statements straight on the pg
 * pool TypeORM already holds: PostgreSQL parses and plans each once per connection instead of on every
 * request, and no TypeORM query runner is built per call. Only for single statements that are their
 * own transaction (a statement is atomic); anything needing BEGIN … COMMIT uses TransactionService.
 * Errors come back as TypeORM's QueryFailedError, like every other query, so they map to the same
 * answers (a data exception is a 400, not a 500).
 */
@Injectable()
export class HotQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** A hot statement (built once with named parameters, see sql.ts), bound to `values`. */
  run<P, Row>(s: Statement<P, Row>, values: P): Promise<Row[]> {
    return this.query<Row>(s.name, s.text, s.bind(values));
  }

  /**
   * Any other statement that is its own transaction, prepared once per connection as `name`; with
   * `name` null, planned on every call instead (an unnamed statement: a custom plan for these values).
   * That is for statements on a queue table that grows from nothing to 100,000 rows while they run (the
   * bulletin deliveries): a generic plan PostgreSQL caches for a prepared statement while the table is
   * small may scan it whole, and is kept as the table grows until autovacuum next analyzes it; planned
   * per call, the statement sees the table's size each time (a planning cost of well under a
   * millisecond per group of 25 mails).
   */
  async query<T>(name: string | null, text: string, values: unknown[]): Promise<T[]> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    try {
      const res = await pool.query(name === null ? { text, values } : { name, text, values });
      return res.rows as T[];
    } catch (e) {
      throw new QueryFailedError(text, values, e as Error);
    }
  }
}

/** Whether `e` is a unique violation (23505), of `constraint` when given. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const d = (e as { driverError?: { code?: unknown; constraint?: unknown } } | null)?.driverError;
  return d?.code === '23505' && (constraint === undefined || d.constraint === constraint);
}
