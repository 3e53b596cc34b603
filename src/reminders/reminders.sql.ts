import { statement, type SqlParams } from '../database/sql.js';
import type { FinishColumns } from './reminder-outcomes.js';
import type { MailLocale } from '../mail/templates/data.js';
import type { TemplateName } from '../mail/templates/templates.js';
import { mayReceiveCampaignEmailSql } from '../supporters/supporters.service.js';

// The reminders feature's SQL builders: scheduling as SQL (for other features' statements), and the
// worker's claim and finish statements (see ReminderWorker for the guarantee they are part of).

/**
 * Scheduling as SQL, for features that schedule inside a statement of their own (the one-statement RSVP)
 * or for many rows at once (every RSVP of a moved event). `rows` is `VALUES (…)` or a `SELECT` giving
 * these columns in this order: kind, template, subject_type, subject_id, campaign_id, supporter_id,
 * recipient_email, locale, data, due_at, status, dedupe_key, transactional, created_at. The rule is
 * {@link RemindersService.schedule}'s: a new dedupe key is inserted; an existing one is moved only while
 * pending or cancelled (never sent twice). Use {@link reminderStatusSql} for the status column.
 */
export function scheduleRemindersSql(rows: string): string {
  return `INSERT INTO reminders AS r (kind, template, subject_type, subject_id, campaign_id, supporter_id,
                                   recipient_email, locale, data, due_at, status, dedupe_key, transactional,
                                   created_at)
       ${rows}
       ON CONFLICT ON CONSTRAINT reminders_dedupe_key_key DO UPDATE SET
         due_at = EXCLUDED.due_at, data = EXCLUDED.data, locale = EXCLUDED.locale, status = EXCLUDED.status,
         attempts = 0, last_error = NULL, locked_until = NULL, locked_by = NULL
       WHERE r.status IN ('pending', 'cancelled')`;
}

/** The status of a scheduled reminder: `skipped` when its time has passed (never sent late). */
export function reminderStatusSql(dueAt: string, now: string): string {
  return `(CASE WHEN ${dueAt} <= ${now} THEN 'skipped' ELSE 'pending' END)::reminder_status`;
}

/** The parameters of a claim: the time, the lease's end, the claiming instance and the most rows. */
export interface ClaimParams {
  now: Date;
  leaseEnd: Date;
  instanceId: string;
  limit: number;
}

/**
 * Which rows a claim takes: claims that expired first (their instance died), then due pending rows,
 * oldest first. Each is one ordered walk of its partial index (reminders_sending_locked_until_idx,
 * reminders_pending_due_at_idx) that stops at the limit, so a claim costs the same with 100 or 100,000
 * reminders waiting (one condition with OR read and sorted every due row).
 */
function pickDue(p: SqlParams<ClaimParams>): string {
  const now = p.ref('now');
  const limit = p.ref('limit');
  return `
  expired_claims AS (SELECT id FROM reminders WHERE status = 'sending' AND locked_until < ${now}
                      ORDER BY locked_until LIMIT ${limit} FOR UPDATE SKIP LOCKED),
  due_pending AS (SELECT id FROM reminders WHERE status = 'pending' AND due_at <= ${now}
                   ORDER BY due_at LIMIT ${limit} - (SELECT count(*) FROM expired_claims) FOR UPDATE SKIP LOCKED),
  picked AS (SELECT id FROM expired_claims UNION ALL SELECT id FROM due_pending)`;
}

/** Exactly the rows `ids` (immediate sends), when they are due or their claim expired; by primary key. */
function pickIds(p: SqlParams<ClaimParams & { ids: string[] }>): string {
  const now = p.ref('now');
  return `
  picked AS (SELECT id FROM reminders
              WHERE id = ANY(${p.ref('ids')}::uuid[])
                AND ((status = 'pending' AND due_at <= ${now}) OR (status = 'sending' AND locked_until < ${now}))
              LIMIT ${p.ref('limit')} FOR UPDATE SKIP LOCKED)`;
}

/**
 * Claims the `picked` rows for the instance until the lease's end and answers them with the
 * recipient's state, which comes with the claim: consent, erasure and zone are read at send time.
 */
function claimSql<P extends ClaimParams>(p: SqlParams<P>, pick: string): string {
  return `WITH ${pick},
    claimed AS (
      UPDATE reminders SET status = 'sending', locked_until = ${p.ref('leaseEnd')}, locked_by = ${p.ref('instanceId')},
                           attempts = attempts + 1
       WHERE id IN (SELECT id FROM picked)
      RETURNING id, kind, template, subject_type AS "subjectType", subject_id AS "subjectId",
                campaign_id AS "campaignId", supporter_id AS "supporterId", recipient_email AS "recipientEmail",
                locale, data, attempts, transactional, due_at)
    SELECT claimed.*, s.email AS "supporterEmail", s.timezone AS "supporterZone", s.erased_at IS NOT NULL AS erased,
           ${mayReceiveCampaignEmailSql('s')} AS consent,
           coalesce(o.sender_name, o.name) AS "senderName", o.reply_to::text AS "replyTo"
      FROM claimed LEFT JOIN supporters s ON s.id = claimed."supporterId"
      LEFT JOIN campaigns k ON k.id = claimed."campaignId"
      -- A staff invitation to the whole organization has neither campaign nor supporter: its invitation's.
      LEFT JOIN invitations i ON claimed."subjectType" = 'invitation' AND i.id = claimed."subjectId"
      LEFT JOIN organizations o ON o.id = coalesce(k.organization_id, s.organization_id, i.organization_id)
     ORDER BY claimed.due_at`;
}

export interface ClaimedRow {
  id: string;
  kind: string;
  template: TemplateName;
  subjectType: string;
  subjectId: string;
  campaignId: string | null;
  supporterId: string | null;
  recipientEmail: string | null;
  locale: MailLocale;
  data: Record<string, unknown>;
  attempts: number;
  transactional: boolean;
  /** The supporter's address, zone and state at claim time (null without a supporter). */
  supporterEmail: string | null;
  supporterZone: string | null;
  erased: boolean | null;
  /** How the mail is signed: the organization of its campaign (or supporter), when there is one. */
  senderName: string | null;
  replyTo: string | null;
  consent: boolean;
}

/** The periodic claim: expired claims, then due rows. */
export const CLAIM_DUE = statement<ClaimParams, ClaimedRow>('reminders.claim-due', (p) =>
  claimSql(p, pickDue(p)),
);

/** The immediate send's claim of exactly `ids`. */
export const CLAIM_IDS = statement<ClaimParams & { ids: string[] }, ClaimedRow>('reminders.claim-ids', (p) =>
  claimSql(p, pickIds(p)),
);

/** The finish statement's parameters: the outcome columns (finishColumns), the instance and the time. */
export type FinishParams = FinishColumns & { instanceId: string; now: Date };

/**
 * Records outcomes (one array per column, from finishColumns) of reminders held by the instance, at
 * `now`: sent, failed and skipped rows end; retried and deferred ones become `pending` again at their
 * new time (a deferral gives the attempt back). Answers the rows it changed.
 */
export const FINISH = statement<FinishParams, { id: string; messageId: string | null }>(
  'reminders.finish',
  (p) => `
  UPDATE reminders r
     SET status = outcome.status::reminder_status,
         due_at = coalesce(outcome.due_at, r.due_at),
         attempts = r.attempts - outcome.refund,
         last_error = CASE WHEN outcome.status = 'sent' THEN NULL ELSE coalesce(outcome.error, r.last_error) END,
         message_id = coalesce(outcome.message_id, r.message_id),
         sent_at = CASE WHEN outcome.status = 'sent' THEN ${p.ref('now')}::timestamptz END,
         locked_until = NULL, locked_by = NULL
    FROM unnest(${p.ref('ids')}::uuid[], ${p.ref('statuses')}::text[], ${p.ref('dueAts')}::timestamptz[],
                ${p.ref('refunds')}::int[], ${p.ref('errors')}::text[], ${p.ref('messageIds')}::uuid[])
         AS outcome(id, status, due_at, refund, error, message_id)
   WHERE r.id = outcome.id AND r.locked_by = ${p.ref('instanceId')} AND r.status = 'sending'
  RETURNING r.id, r.message_id AS "messageId"`,
);
