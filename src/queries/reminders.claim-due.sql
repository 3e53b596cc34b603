-- reminders.claim-due: generated from the code (npm run queries:update); do not edit by hand.
WITH 
  expired_claims AS (SELECT id FROM reminders WHERE status = 'sending' AND locked_until < $1
                      ORDER BY locked_until LIMIT $2 FOR UPDATE SKIP LOCKED),
  due_pending AS (SELECT id FROM reminders WHERE status = 'pending' AND due_at <= $1
                   ORDER BY due_at LIMIT $2 - (SELECT count(*) FROM expired_claims) FOR UPDATE SKIP LOCKED),
  picked AS (SELECT id FROM expired_claims UNION ALL SELECT id FROM due_pending),
    claimed AS (
      UPDATE reminders SET status = 'sending', locked_until = $3, locked_by = $4,
                           attempts = attempts + 1
       WHERE id IN (SELECT id FROM picked)
      RETURNING id, kind, template, subject_type AS "subjectType", subject_id AS "subjectId",
                campaign_id AS "campaignId", supporter_id AS "supporterId", recipient_email AS "recipientEmail",
                locale, data, attempts, transactional, due_at)
    SELECT claimed.*, s.email AS "supporterEmail", s.timezone AS "supporterZone", s.erased_at IS NOT NULL AS erased,
           coalesce(s.email_consent AND s.unsubscribed_at IS NULL AND s.erased_at IS NULL, false) AS consent,
           coalesce(o.sender_name, o.name) AS "senderName", o.reply_to::text AS "replyTo"
      FROM claimed LEFT JOIN supporters s ON s.id = claimed."supporterId"
      LEFT JOIN campaigns k ON k.id = claimed."campaignId"
      -- A staff invitation to the whole organization has neither campaign nor supporter: its invitation's.
      LEFT JOIN invitations i ON claimed."subjectType" = 'invitation' AND i.id = claimed."subjectId"
      LEFT JOIN organizations o ON o.id = coalesce(k.organization_id, s.organization_id, i.organization_id)
     ORDER BY claimed.due_at
