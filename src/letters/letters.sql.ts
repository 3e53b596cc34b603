import { acceptingTargetSql } from '../campaigns/campaigns.sql.js';
import { statement } from '../database/sql.js';
import {
  type AttributionParams,
  type SupporterParams,
  fulfilPledgeSql,
  referrerSql,
  upsertSupporterCtes,
} from '../supporters/supporters.sql.js';
import type { PublicStatus } from './public-name.js';
import type { ProposedChanges } from '../supporters/supporters.service.js';
import { scheduleRemindersSql } from '../reminders/reminders.sql.js';
import { COUNTER_SHARDS } from './signature-counter.js';
import { signableSql } from './signable.js';

// The letters feature's SQL builders: the one-statement public sign, the counter shard increment and
// the signing lock (signature-counter.ts explains both).

/** Adds one to a random shard for each row of `from` (a CTE or table), for `actionExpr`'s action. */
export function incrementCounterSql(actionExpr: string, from: string): string {
  return `INSERT INTO letter_action_counters AS lc (action_id, shard, count)
     SELECT ${actionExpr}, floor(random() * ${COUNTER_SHARDS})::smallint, 1 FROM ${from}
     ON CONFLICT ON CONSTRAINT letter_action_counters_pkey DO UPDATE SET count = lc.count + 1`;
}

/**
 * Deliveries say "up to signature seq N". Identity values are handed out at INSERT but become visible
 * at COMMIT, so a signature with a lower seq can commit after one with a higher seq. Signers take
 * this SHARED advisory lock (no row is written, so signers do not block each other); a delivery takes
 * it EXCLUSIVELY for the instant it reads `max(seq)`, which waits for the signatures in flight, so no
 * signature can later appear below a recorded `up_to_seq` and be missed by the next delta delivery.
 */
export function signingLockSql(actionExpr: string, mode: 'shared' | 'exclusive'): string {
  const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  return `SELECT ${fn}(hashtextextended('letter_action:' || (${actionExpr})::text, 0))`;
}
/** A delivery's lock of action $1. */
export const SIGNING_LOCK_EXCLUSIVE = signingLockSql('$1', 'exclusive');

export type SignParams = SupporterParams &
  AttributionParams & {
    campaignSlug: string;
    letterSlug: string;
    note: string | null;
    showPublicly: boolean;
    locale: string | null;
    /** The public name's starting status (publicNameStatus): held back when it looks like spam. */
    publicStatus: Exclude<PublicStatus, 'hidden'>;
  };

export interface SignRow {
  /** false when the letter takes no signature (nothing was written; the caller asks why). */
  accepted: boolean;
  created: number;
  signatureCount: number;
  supporterId: string | null;
  changes: ProposedChanges | null;
  /** The thank-you mail queued for a new signature (sent at once by the caller), else null. */
  thanksId: string | null;
}

/**
 * The public sign, in one statement and one round trip: `signable_letter` finds the letter by its
 * slugs only while it takes signatures (campaign active, letter open, before its deadline, a note only
 * where allowed); then, only when it did — so a refused signature writes nothing — take the shared
 * signing lock, upsert the supporter (the one upsert path, as CTEs), insert the signature, bump a
 * counter shard and fulfil the `sign` pledge when the signature is new, and answer the count. What the
 * page shows for a public signer (`public_name`, `public_city`) is what this signature submitted, never
 * the stored record; a public name that looks like a link, formula, phone or email starts held back
 * (`publicStatus`). The signature records where it came from (`source`, `referrer`). The count read sees the statement's snapshot, so the new signature is added to it
 * explicitly. `accepted` is false when `signable_letter` found nothing; the caller then asks why.
 */
export const SIGN = statement<SignParams, SignRow>('letters.sign', (p) => {
  const at = p.ref('at');
  const note = p.ref('note');
  const letter = 'signable_letter';
  return `
  WITH ${letter} AS (${acceptingTargetSql(
    {
      table: 'letter_actions',
      columns: (campaign) => `${campaign}.default_locale`,
      accepting: (target) => signableSql(target, at, note),
    },
    p.ref('campaignSlug'),
    p.ref('letterSlug'),
  )}),
  signing_lock AS (${signingLockSql(`SELECT id FROM ${letter}`, 'shared')}),
  ${upsertSupporterCtes(p, {
    campaign: `(SELECT campaign_id FROM ${letter})`,
    source: `'signature:' || (SELECT id FROM ${letter})`,
    when: `EXISTS (SELECT 1 FROM ${letter})`,
  })},
  new_signature AS (
    INSERT INTO signatures (action_id, supporter_id, personal_note, show_publicly, public_name, public_city, locale,
                            source, referrer_id, public_status, created_at)
    SELECT ${letter}.id, upserted_supporter.id, NULLIF(${note}, ''), ${p.ref('showPublicly')},
           CASE WHEN ${p.ref('showPublicly')} THEN NULLIF(${p.ref('firstName')}::text, '') END,
           CASE WHEN ${p.ref('showPublicly')} THEN NULLIF(${p.ref('city')}::text, '') END,
           coalesce(${p.ref('locale')}, ${letter}.default_locale), ${p.ref('source')},
           ${referrerSql(`${letter}.campaign_id`, 'upserted_supporter.id', p.ref('referrer'))}, ${p.ref('publicStatus')}, ${at}
      FROM ${letter}, upserted_supporter, signing_lock
    ON CONFLICT ON CONSTRAINT signatures_action_id_supporter_id_key DO NOTHING
    RETURNING id
  ),
  counter_shard AS (${incrementCounterSql(`(SELECT id FROM ${letter})`, 'new_signature')}),
  fulfilled_pledge AS (${fulfilPledgeSql({
    campaign: `(SELECT campaign_id FROM ${letter})`,
    supporter: '(SELECT id FROM upserted_supporter)',
    kind: "'sign'",
    at,
    by: "'signature:' || (SELECT id FROM new_signature)",
    when: 'EXISTS (SELECT 1 FROM new_signature)',
  })}),
  thanks AS (${scheduleRemindersSql(`
    SELECT 'action-thanks', 'action-thanks', 'signature', new_signature.id, ${letter}.campaign_id,
           upserted_supporter.id, NULL, coalesce(${p.ref('locale')}, ${letter}.default_locale),
           jsonb_build_object('action', 'letter', 'campaignSlug', ${p.ref('campaignSlug')}::text,
                              'actionSlug', ${p.ref('letterSlug')}::text,
                              'firstName', NULLIF(${p.ref('firstName')}::text, '')),
           ${at}, 'pending'::reminder_status, 'thanks:signature:' || new_signature.id, true, ${at}
      FROM ${letter}, upserted_supporter, new_signature`)} RETURNING id)
  SELECT EXISTS (SELECT 1 FROM ${letter}) AS accepted, (SELECT count(*) FROM new_signature)::int AS created,
         (SELECT id FROM thanks) AS "thanksId",
         (SELECT id FROM upserted_supporter) AS "supporterId", (SELECT changes FROM upserted_supporter) AS changes,
         ((SELECT coalesce(sum(count), 0) FROM letter_action_counters WHERE action_id = (SELECT id FROM ${letter}))
           + (SELECT count(*) FROM new_signature))::int AS "signatureCount"`;
});
