import type { Locale } from '../common/localized-text.js';
import { mayReceiveBulletinSql } from './eligibility.js';

// The bulletin sender's statements (see BulletinSender for the guarantee they are part of).

/**
 * Recipients per row of `bulletin_batches` (the snapshot BulletinsService.start writes); the column is
 * stored PLAIN (in the row), so a batch must fit in a page: 400 ids are 6.4 kB.
 */
export const BATCH_SIZE = 400;

/**
 * The final SELECT of the claims over their `claimed` rows (those matching `where`): each with the
 * recipient as she is now (eligibility is checked again at send time), the organization's sender name
 * and reply-to.
 */
function claimedRecipientsSql(where: string): string {
  return `SELECT c.bulletin_id AS "bulletinId", c.supporter_id AS "supporterId", c.attempts,
         s.email, s.first_name AS "firstName", s.locale,
         (${mayReceiveBulletinSql('s')} AND s.email IS NOT NULL) AS eligible,
         coalesce(o.sender_name, o.name) AS "senderName", o.reply_to::text AS "replyTo"
    FROM claimed c JOIN supporters s ON s.id = c.supporter_id JOIN organizations o ON o.id = s.organization_id
   WHERE ${where}
   ORDER BY c.due_at`;
}

/**
 * Claims up to $4 recipients straight from the snapshot ($1 now, $2 lease, $3 instance, $5 batches at
 * most): takes due batches of sending bulletins, oldest first, skipping batches another instance is
 * expanding, deletes them and writes their delivery rows in one statement — the first $4 already
 * claimed (`sending`, leased to $3, attempt 1), the rest `pending` for a later claim. So a recipient is
 * either still in a batch or has her one delivery row (the primary key (bulletin, supporter) keeps her
 * from ever having two), and a delivery row is written once when it is claimed instead of written
 * `pending` and then updated (half the writes per mail on the sending path). A supporter deleted since
 * the snapshot is left out. Answers the claimed rows as CLAIM_SQL does.
 */
export const EXPAND_CLAIM_SQL = `
  WITH picked AS (
    SELECT x.bulletin_id, x.batch FROM bulletin_batches x
     WHERE x.due_at <= $1 AND x.bulletin_id IN (SELECT id FROM bulletins WHERE status = 'sending')
     ORDER BY x.due_at, x.bulletin_id, x.batch LIMIT $5 FOR UPDATE OF x SKIP LOCKED),
  expanded AS (
    DELETE FROM bulletin_batches x USING picked p WHERE x.bulletin_id = p.bulletin_id AND x.batch = p.batch
    RETURNING x.bulletin_id, x.batch, x.due_at, x.supporter_ids),
  numbered AS (
    SELECT e.bulletin_id, u.supporter_id, e.due_at,
           row_number() OVER (ORDER BY e.due_at, e.bulletin_id, e.batch, u.n) <= $4 AS claim
      FROM expanded e CROSS JOIN LATERAL unnest(e.supporter_ids) WITH ORDINALITY AS u(supporter_id, n)
     WHERE EXISTS (SELECT 1 FROM supporters s WHERE s.id = u.supporter_id)),
  claimed AS (
    INSERT INTO bulletin_deliveries (bulletin_id, supporter_id, due_at, status, attempts, claimed_at, locked_until, locked_by)
    SELECT n.bulletin_id, n.supporter_id, n.due_at,
           CASE WHEN n.claim THEN 'sending' ELSE 'pending' END::bulletin_delivery_status,
           CASE WHEN n.claim THEN 1 ELSE 0 END,
           CASE WHEN n.claim THEN $1::timestamptz END,
           CASE WHEN n.claim THEN $2::timestamptz END,
           CASE WHEN n.claim THEN $3::text END
      FROM numbered n
    ON CONFLICT ON CONSTRAINT bulletin_deliveries_pkey DO NOTHING
    RETURNING bulletin_id, supporter_id, attempts, due_at, status)
  ${claimedRecipientsSql("c.status = 'sending'")}`;

/**
 * The throttle ($1 now; $2 whether the hourly cap is on): under a transaction-scoped advisory lock, so
 * the instances claim one after another and each sees what the others took. Deliveries claimed in the
 * last second and the last hour, summed from the claims log (`bulletin_claims`, one row per claim,
 * written by CLAIMED_SQL in the same transaction).
 */
export const THROTTLE_SQL = `
  WITH lock AS (SELECT pg_advisory_xact_lock(hashtext('puente.bulletins.throttle')))
  SELECT (SELECT coalesce(sum(deliveries), 0) FROM bulletin_claims
           WHERE claimed_at > $1::timestamptz - interval '1 second' AND claimed_at <= $1::timestamptz)::int AS "lastSecond",
         CASE WHEN $2 THEN (SELECT coalesce(sum(deliveries), 0) FROM bulletin_claims
                             WHERE claimed_at > $1::timestamptz - interval '1 hour' AND claimed_at <= $1::timestamptz)
              ELSE 0 END::int AS "lastHour"
    FROM lock`;

/**
 * Logs a claim of $2 deliveries at $1 for the throttle, and forgets claims older than the longest
 * window (an hour), in the claim's transaction.
 */
export const CLAIMED_SQL = `
  WITH forgotten AS (DELETE FROM bulletin_claims WHERE claimed_at <= $1::timestamptz - interval '1 hour')
  INSERT INTO bulletin_claims (claimed_at, deliveries) VALUES ($1, $2)`;

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
  ${claimedRecipientsSql('true')}`;

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
 *
 * The same statement writes the `messages` rows of the mails handed to the provider ($9 ids, $10
 * addresses, $11 supporters, $12 locales, $13 subjects, $14 statuses, $15 provider ids, $16 errors,
 * $17 bulletins, $18 sent times), already with their outcome, whether or not the row is still held:
 * a mail that went out is logged. A bulletin mail has no `queued` row first (unlike MailService.send):
 * its delivery row is the record of a mail in flight (`sending`, leased), so one insert replaces an
 * insert and an update per mail. Not for a supporter erased meanwhile (her log would be erased anyway).
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
      FROM done WHERE done.status = 'bounced' AND s.id = done.supporter_id RETURNING s.id),
  logged AS (
    INSERT INTO messages (id, recipient_email, supporter_id, template, locale, subject, status,
                          provider_message_id, error, related_type, related_id, created_at, sent_at)
    SELECT l.id, l.email, l.supporter_id, 'bulletin', l.locale, l.subject, l.status::message_status,
           l.provider_id, l.error, 'bulletin', l.bulletin_id, coalesce(l.sent_at, $8::timestamptz), l.sent_at
      FROM unnest($9::uuid[], $10::text[], $11::uuid[], $12::text[], $13::text[], $14::text[], $15::text[],
                  $16::text[], $17::uuid[], $18::timestamptz[])
           AS l(id, email, supporter_id, locale, subject, status, provider_id, error, bulletin_id, sent_at)
     WHERE EXISTS (SELECT 1 FROM supporters s WHERE s.id = l.supporter_id AND s.erased_at IS NULL)
    ON CONFLICT ON CONSTRAINT messages_pkey DO NOTHING)
  SELECT supporter_id AS "supporterId", status FROM done`;
