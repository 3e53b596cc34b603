-- reminders.claim-due: generated from the code (npm run queries:update); do not edit by hand.
WITH 
  stale AS (SELECT id FROM reminders WHERE status = 'sending' AND locked_until < $1
             ORDER BY locked_until LIMIT $4 FOR UPDATE SKIP LOCKED),
  due AS (SELECT id FROM reminders WHERE status = 'pending' AND due_at <= $1
           ORDER BY due_at LIMIT $4 - (SELECT count(*) FROM stale) FOR UPDATE SKIP LOCKED),
  picked AS (SELECT id FROM stale UNION ALL SELECT id FROM due),
    claimed AS (
      UPDATE reminders SET status = 'sending', locked_until = $2, locked_by = $3, attempts = attempts + 1
       WHERE id IN (SELECT id FROM picked)
      RETURNING id, kind, template, subject_type AS "subjectType", subject_id AS "subjectId",
                campaign_id AS "campaignId", supporter_id AS "supporterId", recipient_email AS "recipientEmail",
                locale, data, attempts, transactional, due_at)
    SELECT c.*, s.email AS "supporterEmail", s.timezone AS "supporterZone", s.erased_at IS NOT NULL AS erased,
           coalesce(s.email_consent AND s.unsubscribed_at IS NULL AND s.erased_at IS NULL, false) AS consent,
           coalesce(o.sender_name, o.name) AS "senderName", o.reply_to::text AS "replyTo"
      FROM claimed c LEFT JOIN supporters s ON s.id = c."supporterId"
      LEFT JOIN campaigns k ON k.id = c."campaignId"
      LEFT JOIN organizations o ON o.id = coalesce(k.organization_id, s.organization_id)
     ORDER BY c.due_at
