import type { EntityManager } from 'typeorm';
import { query } from '../database/sql.js';

/**
 * The public signature count.
 *
 * A viral letter gets thousands of signers at once. One `count` column on `letter_actions` would make
 * every signer's transaction update the same row: each waits for the previous one to commit (a row
 * lock held until the end of the transaction), so all signers of that letter are serialised on one
 * row — the hot row the UK Parliament petitions site had to design away. `count(*)` over `signatures`
 * on every read is exact but gets slower with every signature, and the count is shown on every
 * public page view.
 *
 * So the count is SHARDED: `letter_action_counters(action_id, shard, count)` holds up to 16 rows per
 * action. A new signature (only when the INSERT actually created a row, never on a repeat) adds 1 to
 * ONE shard picked at random, in the same transaction as the signature: concurrent signers mostly hit
 * different rows and do not wait for each other (16 shards → ~16× less contention; raise
 * COUNTER_SHARDS and the CHECK constraint if one letter ever needs more). The upsert creates a shard
 * row on first use, so nothing needs pre-creating. Because the increment commits or rolls back with
 * the signature, `sum(count)` over the shards always equals the number of committed signatures: exact,
 * never approximate, and a read is a 16-row primary-key range scan whatever the size of the letter.
 * The increment and the signing lock (for deliveries) are SQL builders in letters.sql.ts.
 */
export const COUNTER_SHARDS = 16;

export async function signatureCount(m: EntityManager, actionId: string): Promise<number> {
  const rows = await query<{ n: number }>(
    m,
    `SELECT coalesce(sum(count), 0)::int AS n FROM letter_action_counters WHERE action_id = $1`,
    [actionId],
  );
  return rows[0].n;
}

export async function signatureCounts(m: EntityManager, actionIds: string[]): Promise<Map<string, number>> {
  if (!actionIds.length) return new Map();
  const rows = await query<{ actionId: string; n: number }>(
    m,
    `SELECT action_id AS "actionId", sum(count)::int AS n FROM letter_action_counters
      WHERE action_id = ANY($1::uuid[]) GROUP BY action_id`,
    [actionIds],
  );
  return new Map(rows.map((r) => [r.actionId, r.n]));
}
