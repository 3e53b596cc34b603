import type { EntityManager } from 'typeorm';

/** Tables whose `slug` column is unique on its own. */
export type SluggedTable = 'campaigns' | 'organizations';

/** `base`, or `base-2`, `base-3`… whichever is not taken yet in `table` (the constraint still decides). */
export async function freeSlug(m: EntityManager, table: SluggedTable, base: string): Promise<string> {
  const rows = (await m.query(`SELECT slug FROM ${table} WHERE slug = $1 OR slug LIKE $1 || '-%'`, [
    base,
  ])) as { slug: string }[];
  const taken = new Set(rows.map((r) => r.slug));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}
