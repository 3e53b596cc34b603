import type { MailLocale } from '../mail/templates/data.js';
import type { TemplateName } from '../mail/templates/templates.js';
import { mayReceiveCampaignEmailSql } from '../supporters/supporters.service.js';

// The reminder worker's claim statement (see ReminderWorker for the guarantee it is part of).

/**
 * Which rows a claim takes ($1 now, $4 the most): claims that expired first (their instance died), then
 * due pending rows, oldest first. Each is one ordered walk of its partial index (reminders_sending_
 * locked_until_idx, reminders_pending_due_at_idx) that stops at the limit, so a claim costs the same
 * with 100 or 100,000 reminders waiting (one condition with OR read and sorted every due row).
 */
export const PICK_DUE = `
  stale AS (SELECT id FROM reminders WHERE status = 'sending' AND locked_until < $1
             ORDER BY locked_until LIMIT $4 FOR UPDATE SKIP LOCKED),
  due AS (SELECT id FROM reminders WHERE status = 'pending' AND due_at <= $1
           ORDER BY due_at LIMIT $4 - (SELECT count(*) FROM stale) FOR UPDATE SKIP LOCKED),
  picked AS (SELECT id FROM stale UNION ALL SELECT id FROM due)`;

/** Exactly the rows $5 (immediate sends), when they are due or their claim expired; by primary key. */
export const PICK_IDS = `
  picked AS (SELECT id FROM reminders
              WHERE id = ANY($5::uuid[])
                AND ((status = 'pending' AND due_at <= $1) OR (status = 'sending' AND locked_until < $1))
              LIMIT $4 FOR UPDATE SKIP LOCKED)`;

/**
 * Claims the picked rows for instance $3 until $2 and answers them with the recipient's state, which
 * comes with the claim: consent, erasure and zone are read at send time.
 */
export function claimSql(pick: string): string {
  return `WITH ${pick},
    claimed AS (
      UPDATE reminders SET status = 'sending', locked_until = $2, locked_by = $3, attempts = attempts + 1
       WHERE id IN (SELECT id FROM picked)
      RETURNING id, kind, template, subject_type AS "subjectType", subject_id AS "subjectId",
                campaign_id AS "campaignId", supporter_id AS "supporterId", recipient_email AS "recipientEmail",
                locale, data, attempts, transactional, due_at)
    SELECT c.*, s.email AS "supporterEmail", s.timezone AS "supporterZone", s.erased_at IS NOT NULL AS erased,
           ${mayReceiveCampaignEmailSql('s')} AS consent,
           coalesce(o.sender_name, o.name) AS "senderName", o.reply_to::text AS "replyTo"
      FROM claimed c LEFT JOIN supporters s ON s.id = c."supporterId"
      LEFT JOIN campaigns k ON k.id = c."campaignId"
      -- A staff invitation to the whole organization has neither campaign nor supporter: its invitation's.
      LEFT JOIN invitations i ON c."subjectType" = 'invitation' AND i.id = c."subjectId"
      LEFT JOIN organizations o ON o.id = coalesce(k.organization_id, s.organization_id, i.organization_id)
     ORDER BY c.due_at`;
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
