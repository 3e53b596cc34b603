-- reminders.finish: generated from the code (npm run queries:update); do not edit by hand.
  UPDATE reminders r
     SET status = outcome.status::reminder_status,
         due_at = coalesce(outcome.due_at, r.due_at),
         attempts = r.attempts - outcome.refund,
         last_error = CASE WHEN outcome.status = 'sent' THEN NULL ELSE coalesce(outcome.error, r.last_error) END,
         message_id = coalesce(outcome.message_id, r.message_id),
         sent_at = CASE WHEN outcome.status = 'sent' THEN $1::timestamptz END,
         locked_until = NULL, locked_by = NULL
    FROM unnest($2::uuid[], $3::text[], $4::timestamptz[],
                $5::int[], $6::text[], $7::uuid[])
         AS outcome(id, status, due_at, refund, error, message_id)
   WHERE r.id = outcome.id AND r.locked_by = $8 AND r.status = 'sending'
  RETURNING r.id, r.message_id AS "messageId"
