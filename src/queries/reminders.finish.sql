-- reminders.finish: generated from the code (npm run queries:update); do not edit by hand.
  UPDATE reminders r
     SET status = o.status::reminder_status,
         due_at = coalesce(o.due_at, r.due_at),
         attempts = r.attempts - o.refund,
         last_error = CASE WHEN o.status = 'sent' THEN NULL ELSE coalesce(o.error, r.last_error) END,
         message_id = coalesce(o.message_id, r.message_id),
         sent_at = CASE WHEN o.status = 'sent' THEN $8::timestamptz END,
         locked_until = NULL, locked_by = NULL
    FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::text[], $6::uuid[])
         AS o(id, status, due_at, refund, error, message_id)
   WHERE r.id = o.id AND r.locked_by = $7 AND r.status = 'sending'
  RETURNING r.id, r.message_id AS "messageId"
