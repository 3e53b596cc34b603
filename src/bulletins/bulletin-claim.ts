import type { Locale } from '../common/localized-text.js';
import { mayReceiveBulletinSql } from './eligibility.js';

// The bulletin sender's statements (see BulletinSender for the guarantee they are part of).

/**
 * Recipients per row of `bulletin_batches` (the snapshot BulletinsService.start writes); the column is
 * stored PLAIN (in the row), so a batch must fit in a page: 400 ids are 6.4 kB.
 */
export const BATCH_SIZE = 400;

/**
 * Turns up to $2 due batches ($1 now) of sending bulletins into pending delivery rows, oldest first,
 * and deletes them, in one statement: a batch is either still a batch or all its delivery rows, and
 * the primary key (bulletin, supporter) keeps a recipient from ever having two rows. Batches another
 * instance is expanding are skipped. A supporter deleted since the snapshot is left out. Answers the
 * number of rows written.
 */
export const EXPAND_SQL = `
  WITH picked AS (
    SELECT x.bulletin_id, x.batch FROM bulletin_batches x
     WHERE x.due_at <= $1 AND x.bulletin_id IN (SELECT id FROM bulletins WHERE status = 'sending')
     ORDER BY x.due_at LIMIT $2 FOR UPDATE OF x SKIP LOCKED),
  expanded AS (
    DELETE FROM bulletin_batches x USING picked p WHERE x.bulletin_id = p.bulletin_id AND x.batch = p.batch
    RETURNING x.bulletin_id, x.due_at, x.supporter_ids),
  inserted AS (
    INSERT INTO bulletin_deliveries (bulletin_id, supporter_id, due_at)
    SELECT e.bulletin_id, u.supporter_id, e.due_at
      FROM expanded e CROSS JOIN LATERAL unnest(e.supporter_ids) AS u(supporter_id)
     WHERE EXISTS (SELECT 1 FROM supporters s WHERE s.id = u.supporter_id)
    ON CONFLICT ON CONSTRAINT bulletin_deliveries_pkey DO NOTHING RETURNING 1)
  SELECT count(*)::int AS rows FROM inserted`;

/**
 * The throttle ($1 now; $2 whether the hourly cap is on): under a transaction-scoped advisory lock, so
 * the instances claim one after another and each sees what the others took. Rows claimed in the last
 * second and the last hour, read from bulletin_deliveries_claimed_at_idx.
 */
export const THROTTLE_SQL = `
  WITH lock AS (SELECT pg_advisory_xact_lock(hashtext('puente.bulletins.throttle')))
  SELECT (SELECT count(*) FROM bulletin_deliveries WHERE claimed_at > $1::timestamptz - interval '1 second'
                                                      AND claimed_at <= $1::timestamptz)::int AS "lastSecond",
         CASE WHEN $2 THEN (SELECT count(*) FROM bulletin_deliveries
                             WHERE claimed_at > $1::timestamptz - interval '1 hour' AND claimed_at <= $1::timestamptz)
              ELSE 0 END::int AS "lastHour"
    FROM lock`;

/**
 * Claims up to $4 rows for instance $3 until $2 ($1 now): expired claims of sending bulletins first
 * (their instance died), then due pending rows of sending bulletins, oldest first, each skipping rows
 * another instance holds. Answers them with the recipient as she is now (eligibility is checked again
 * at send time) and the organization's sender name and reply-to.
 */
export const CLAIM_SQL = `
  WITH sending AS (SELECT id FROM bulletins WHERE status = 'sending'),
  stale AS (SELECT d.bulletin_id, d.supporter_id FROM bulletin_deliveries d
             WHERE d.status = 'sending' AND d.locked_until < $1 AND d.bulletin_id IN (SELECT id FROM sending)
             ORDER BY d.locked_until LIMIT $4 FOR UPDATE SKIP LOCKED),
  due AS (SELECT d.bulletin_id, d.supporter_id FROM bulletin_deliveries d
           WHERE d.status = 'pending' AND d.due_at <= $1 AND d.bulletin_id IN (SELECT id FROM sending)
           ORDER BY d.due_at LIMIT $4 - (SELECT count(*) FROM stale) FOR UPDATE SKIP LOCKED),
  picked AS (SELECT * FROM stale UNION ALL SELECT * FROM due),
  claimed AS (
    UPDATE bulletin_deliveries d
       SET status = 'sending', locked_until = $2, locked_by = $3, attempts = d.attempts + 1, claimed_at = $1
      FROM picked p WHERE d.bulletin_id = p.bulletin_id AND d.supporter_id = p.supporter_id
    RETURNING d.bulletin_id, d.supporter_id, d.attempts, d.due_at)
  SELECT c.bulletin_id AS "bulletinId", c.supporter_id AS "supporterId", c.attempts,
         s.email, s.first_name AS "firstName", s.locale,
         (${mayReceiveBulletinSql('s')} AND s.email IS NOT NULL) AS eligible,
         coalesce(o.sender_name, o.name) AS "senderName", o.reply_to::text AS "replyTo"
    FROM claimed c JOIN supporters s ON s.id = c.supporter_id JOIN organizations o ON o.id = s.organization_id
   ORDER BY c.due_at`;

export interface ClaimedDelivery {
  bulletinId: string;
  supporterId: string;
  attempts: number;
  email: string | null;
  firstName: string | null;
  locale: Locale;
  eligible: boolean;
  senderName: string | null;
  replyTo: string | null;
}

/**
 * Records outcomes ($1 bulletin ids, $2 supporter ids, $3 statuses, $4 retry times, $5 errors, $6
 * message ids) of rows instance $7 still holds, at $8; a bounce also marks the supporter bounced.
 */
export const FINISH_SQL = `
  WITH done AS (
    UPDATE bulletin_deliveries d
       SET status = o.status::bulletin_delivery_status,
           due_at = coalesce(o.due_at, d.due_at),
           last_error = CASE WHEN o.status = 'sent' THEN NULL ELSE coalesce(o.error, d.last_error) END,
           message_id = coalesce(o.message_id, d.message_id),
           sent_at = CASE WHEN o.status = 'sent' THEN $8::timestamptz END,
           locked_until = NULL, locked_by = NULL
      FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::uuid[])
           AS o(bulletin_id, supporter_id, status, due_at, error, message_id)
     WHERE d.bulletin_id = o.bulletin_id AND d.supporter_id = o.supporter_id
       AND d.locked_by = $7 AND d.status = 'sending'
    RETURNING d.supporter_id, d.status::text AS status),
  bounced AS (
    UPDATE supporters s SET bounced_at = coalesce(s.bounced_at, $8::timestamptz)
      FROM done WHERE done.status = 'bounced' AND s.id = done.supporter_id RETURNING s.id)
  SELECT supporter_id AS "supporterId", status FROM done`;
