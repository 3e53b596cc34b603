-- events.place-rsvp: generated from the code (npm run queries:update); do not edit by hand.
  WITH a AS (SELECT x.id, x.campaign_id
      FROM campaigns c JOIN events x ON x.campaign_id = c.id AND x.slug = $13
     WHERE c.slug = $12 AND c.status = 'active' AND (x.status = 'scheduled' AND x.starts_at > $11
           AND (x.rsvp_deadline IS NULL OR x.rsvp_deadline >= $11))),
  
  s AS (
    INSERT INTO supporters AS t (organization_id, email, first_name, last_name, city, region, country, postal_code,
                                 locale, timezone, email_consent, email_consent_at, email_consent_source)
    SELECT (SELECT organization_id FROM campaigns WHERE id = (SELECT campaign_id FROM a)), $1::text, NULLIF($2::text, ''), NULLIF($3::text, ''), NULLIF($4::text, ''), NULLIF($5::text, ''),
           NULLIF($6::text, ''), NULLIF($7::text, ''), coalesce($8::text, 'en'), $9::text, coalesce($10::boolean, false),
           CASE WHEN $10 THEN $11::timestamptz END, CASE WHEN $10 THEN 'rsvp:' || (SELECT id FROM a) END
     WHERE EXISTS (SELECT 1 FROM a)
    ON CONFLICT ON CONSTRAINT supporters_organization_id_email_key DO UPDATE SET email = t.email
    RETURNING t.id, t.locale, (xmax = 0) AS created, CASE WHEN t.xmax = 0 THEN '{}'::jsonb ELSE jsonb_strip_nulls(jsonb_build_object(
      'firstName', CASE WHEN NULLIF($2::text, '') IS DISTINCT FROM t.first_name THEN NULLIF($2::text, '') END,
      'lastName', CASE WHEN NULLIF($3::text, '') IS DISTINCT FROM t.last_name THEN NULLIF($3::text, '') END,
      'city', CASE WHEN NULLIF($4::text, '') IS DISTINCT FROM t.city THEN NULLIF($4::text, '') END,
      'region', CASE WHEN NULLIF($5::text, '') IS DISTINCT FROM t.region THEN NULLIF($5::text, '') END,
      'country', CASE WHEN NULLIF($6::text, '') IS DISTINCT FROM t.country THEN NULLIF($6::text, '') END,
      'postalCode', CASE WHEN NULLIF($7::text, '') IS DISTINCT FROM t.postal_code THEN NULLIF($7::text, '') END,
      'locale', CASE WHEN $8::text IS DISTINCT FROM t.locale THEN $8::text END,
      'timezone', CASE WHEN $9::text IS DISTINCT FROM t.timezone THEN $9::text END,
      'consentEmail', CASE WHEN coalesce($10::boolean, false)
                            AND NOT (t.email_consent AND t.unsubscribed_at IS NULL) THEN true END)) END AS changes
  ), link AS (
    INSERT INTO campaign_supporters (campaign_id, supporter_id, source, first_action_at, last_action_at)
    SELECT (SELECT campaign_id FROM a), s.id, 'rsvp:' || (SELECT id FROM a), $11, $11 FROM s
    ON CONFLICT ON CONSTRAINT campaign_supporters_pkey DO UPDATE SET last_action_at = EXCLUDED.last_action_at
  ),
  seat AS (
    UPDATE events SET seats_taken = seats_taken + CASE WHEN require_approval THEN 0
                                                       WHEN capacity IS NULL OR capacity - seats_taken >= $15 THEN $15 ELSE 0 END
     WHERE id = (SELECT id FROM a) AND status = 'scheduled'
       AND NOT EXISTS (SELECT 1 FROM rsvps o, a WHERE o.event_id = a.id AND o.status = 'offered' AND o.offer_expires_at <= $11)
       AND NOT EXISTS (SELECT 1 FROM rsvps r, s, a WHERE r.event_id = a.id AND r.supporter_id = s.id)
    RETURNING id, new.require_approval AS pending, new.seats_taken > old.seats_taken AS fits
  ),
  r AS (
    INSERT INTO rsvps (event_id, supporter_id, status, guests, manage_token_hash, source, created_at, updated_at)
    SELECT seat.id, s.id, CASE WHEN seat.pending THEN 'pending' WHEN seat.fits THEN 'going' ELSE 'waitlisted' END::rsvp_status,
           $14, $16, 'web', $11, $11
      FROM seat, s
    RETURNING id, status
  ),
  pledge AS (UPDATE pledges SET status = 'fulfilled', fulfilled_at = $11, fulfilled_by = 'rsvp:' || (SELECT id FROM r)
           WHERE campaign_id = (SELECT campaign_id FROM a) AND supporter_id = (SELECT id FROM s) AND kind = 'attend' AND status = 'open' AND EXISTS (SELECT 1 FROM r WHERE status = 'going') RETURNING id),
  src AS (SELECT r.id AS rsvp_id, s.id AS supporter_id, s.locale, seat.id AS event_id, r.status FROM r, s, seat),
  reminders AS (INSERT INTO reminders AS r (kind, template, subject_type, subject_id, campaign_id, supporter_id,
                                   recipient_email, locale, data, due_at, status, dedupe_key, transactional,
                                   created_at)
       
    SELECT 'event-reminder', 'event-reminder', 'event', e.id, e.campaign_id, src.supporter_id, NULL, src.locale,
           jsonb_build_object('startsInMinutes', o.minutes,
                              'startsAtIso', to_char(e.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                              'timeZone', e.timezone, 'rsvpId', src.rsvp_id),
           e.starts_at - o.minutes * interval '1 minute', (CASE WHEN e.starts_at - o.minutes * interval '1 minute' <= $11::timestamptz THEN 'skipped' ELSE 'pending' END)::reminder_status,
           'event:' || e.id || ':rsvp:' || src.rsvp_id || ':' || o.minutes || 'm',
           (o.minutes = e.reveal_address_hours_before * 60) IS TRUE, $11::timestamptz
      FROM (SELECT * FROM src WHERE status = 'going') src JOIN events e ON e.id = src.event_id AND e.status = 'scheduled'
      CROSS JOIN LATERAL (SELECT DISTINCT u.minutes
                            FROM unnest(e.reminder_offsets_minutes || coalesce(e.reveal_address_hours_before * 60, 0))
                              AS u(minutes)
                           WHERE u.minutes > 0) o
       ON CONFLICT ON CONSTRAINT reminders_dedupe_key_key DO UPDATE SET
         due_at = EXCLUDED.due_at, data = EXCLUDED.data, locale = EXCLUDED.locale, status = EXCLUDED.status,
         attempts = 0, last_error = NULL, locked_until = NULL, locked_by = NULL
       WHERE r.status IN ('pending', 'cancelled')),
  confirmation AS (INSERT INTO reminders AS r (kind, template, subject_type, subject_id, campaign_id, supporter_id,
                                   recipient_email, locale, data, due_at, status, dedupe_key, transactional,
                                   created_at)
       
    SELECT 'rsvp-confirmation', 'rsvp-confirmation', 'event', e.id, e.campaign_id, src.supporter_id, NULL, src.locale,
           jsonb_build_object('rsvpId', src.rsvp_id) || '{}'::jsonb, $11::timestamptz, 'pending'::reminder_status, 'notice:rsvp:' || src.rsvp_id || ':confirmation:' || src.status || ':' || floor(extract(epoch FROM $11::timestamptz) * 1000)::bigint,
           true, $11::timestamptz
      FROM src JOIN events e ON e.id = src.event_id
       ON CONFLICT ON CONSTRAINT reminders_dedupe_key_key DO UPDATE SET
         due_at = EXCLUDED.due_at, data = EXCLUDED.data, locale = EXCLUDED.locale, status = EXCLUDED.status,
         attempts = 0, last_error = NULL, locked_until = NULL, locked_by = NULL
       WHERE r.status IN ('pending', 'cancelled') RETURNING id)
  SELECT (SELECT id FROM a) AS "eventId", (SELECT campaign_id FROM a) AS "campaignId",
         (SELECT id FROM s) AS "supporterId", (SELECT changes FROM s) AS changes,
         (SELECT id FROM r) AS "rsvpId", (SELECT status FROM r) AS status,
         (SELECT id FROM confirmation) AS "confirmationId"
