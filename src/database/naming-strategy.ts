import { DefaultNamingStrategy, type NamingStrategyInterface } from 'typeorm';

/**
 * PostgreSQL's own naming for constraints and indexes (`signatures_action_id_supporter_id_key`,
 * `rsvps_event_id_fkey`) instead of TypeORM's hashes, so generated migrations read like hand-written ones.
 */
export class ReadableNamingStrategy extends DefaultNamingStrategy implements NamingStrategyInterface {
  private static table(t: unknown): string {
    const name = typeof t === 'string' ? t : (t as { name: string }).name;
    return name.split('.').pop()!;
  }

  override primaryKeyName(table: unknown): string {
    return `${ReadableNamingStrategy.table(table)}_pkey`;
  }

  override uniqueConstraintName(table: unknown, columns: string[]): string {
    return `${ReadableNamingStrategy.table(table)}_${columns.join('_')}_key`;
  }

  override foreignKeyName(table: unknown, columns: string[]): string {
    return `${ReadableNamingStrategy.table(table)}_${columns.join('_')}_fkey`;
  }

  override indexName(table: unknown, columns: string[]): string {
    return `${ReadableNamingStrategy.table(table)}_${columns.join('_')}_idx`;
  }

  override checkConstraintName(table: unknown, expression: string): string {
    const words =
      expression
        .match(/[a-z_]+/g)
        ?.slice(0, 3)
        .join('_') ?? 'check';
    return `${ReadableNamingStrategy.table(table)}_${words}_check`;
  }
}
