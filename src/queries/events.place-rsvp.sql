-- events.place-rsvp: generated from the code (npm run queries:update); do not edit by hand.
  WITH open_event AS (SELECT target.id, target.campaign_id
      FROM campaigns campaign JOIN events target ON target.campaign_id = campaign.id AND target.slug = $4
     WHERE campaign.slug = $3 AND campaign.status = 'active' AND (target.status = 'scheduled' AND target.starts_at > $1
           AND (target.rsvp_deadline IS NULL OR target.rsvp_deadline >= $1))),
  
  upserted_supporter AS (
    INSERT INTO supporters AS stored (organization_id, email, first_name, last_name, city, region, country, postal_code,
                                      locale, timezone, email_consent, email_consent_at, email_consent_source,
                                      phone, phone_consent, phone_consent_at, whatsapp_consent, whatsapp_consent_at)
    SELECT (SELECT organization_id FROM campaigns WHERE id = (SELECT campaign_id FROM open_event)), $7::text, NULLIF($8::text, ''), NULLIF($9::text, ''), NULLIF($10::text, ''), NULLIF($11::text, ''),
           NULLIF($12::text, ''), NULLIF($13::text, ''), coalesce($14::text, 'en'), $15::text, coalesce($5::boolean, false),
           CASE WHEN $5 THEN $1::timestamptz END, CASE WHEN $5 THEN 'rsvp:' || (SELECT id FROM open_event) END,
           $6::jsonb->>'phone', coalesce(($6::jsonb->>'consentPhone')::boolean, false),
           CASE WHEN ($6::jsonb->>'consentPhone')::boolean THEN $1::timestamptz END,
           coalesce(($6::jsonb->>'consentWhatsapp')::boolean, false),
           CASE WHEN ($6::jsonb->>'consentWhatsapp')::boolean THEN $1::timestamptz END
     WHERE EXISTS (SELECT 1 FROM open_event)
    ON CONFLICT ON CONSTRAINT supporters_organization_id_email_key DO UPDATE SET email = stored.email
    RETURNING stored.id, stored.locale, (xmax = 0) AS created, CASE WHEN stored.xmax = 0 THEN '{}'::jsonb ELSE jsonb_strip_nulls(jsonb_build_object(
      'firstName', CASE WHEN NULLIF($8::text, '') IS DISTINCT FROM stored.first_name THEN NULLIF($8::text, '') END,
      'lastName', CASE WHEN NULLIF($9::text, '') IS DISTINCT FROM stored.last_name THEN NULLIF($9::text, '') END,
      'city', CASE WHEN NULLIF($10::text, '') IS DISTINCT FROM stored.city THEN NULLIF($10::text, '') END,
      'region', CASE WHEN NULLIF($11::text, '') IS DISTINCT FROM stored.region THEN NULLIF($11::text, '') END,
      'country', CASE WHEN NULLIF($12::text, '') IS DISTINCT FROM stored.country THEN NULLIF($12::text, '') END,
      'postalCode', CASE WHEN NULLIF($13::text, '') IS DISTINCT FROM stored.postal_code THEN NULLIF($13::text, '') END,
      'locale', CASE WHEN $14::text IS DISTINCT FROM stored.locale THEN $14::text END,
      'timezone', CASE WHEN $15::text IS DISTINCT FROM stored.timezone THEN $15::text END,
      'consentEmail', CASE WHEN coalesce($5::boolean, false)
                            AND NOT (stored.email_consent AND stored.unsubscribed_at IS NULL) THEN true END,
      'phone', CASE WHEN $6::jsonb->>'phone' IS DISTINCT FROM stored.phone THEN $6::jsonb->>'phone' END,
      'consentPhone', CASE WHEN ($6::jsonb->>'consentPhone')::boolean
                            AND (NOT stored.phone_consent OR $6::jsonb->>'phone' IS DISTINCT FROM stored.phone) THEN true END,
      'consentWhatsapp', CASE WHEN ($6::jsonb->>'consentWhatsapp')::boolean
                               AND (NOT stored.whatsapp_consent OR $6::jsonb->>'phone' IS DISTINCT FROM stored.phone) THEN true END)) END AS changes
  ), campaign_link AS (
    INSERT INTO campaign_supporters (campaign_id, supporter_id, source, first_action_at, last_action_at)
    SELECT (SELECT campaign_id FROM open_event), upserted_supporter.id, 'rsvp:' || (SELECT id FROM open_event), $1, $1 FROM upserted_supporter
    ON CONFLICT ON CONSTRAINT campaign_supporters_pkey DO UPDATE SET last_action_at = EXCLUDED.last_action_at, concealed = false
  ),
  seat_update AS (
    UPDATE events SET seats_taken = seats_taken + CASE WHEN require_approval THEN 0
                                                       WHEN capacity IS NULL OR capacity - seats_taken >= $2 THEN $2 ELSE 0 END
     WHERE id = (SELECT id FROM open_event) AND status = 'scheduled'
       AND NOT EXISTS (SELECT 1 FROM rsvps due_offer, open_event
                        WHERE due_offer.event_id = open_event.id AND due_offer.status = 'offered' AND due_offer.offer_expires_at <= $1)
       AND NOT EXISTS (SELECT 1 FROM rsvps earlier, upserted_supporter, open_event
                        WHERE earlier.event_id = open_event.id AND earlier.supporter_id = upserted_supporter.id)
    RETURNING id, new.require_approval AS pending, new.seats_taken > old.seats_taken AS fits
  ),
  new_rsvp AS (
    INSERT INTO rsvps (event_id, supporter_id, status, guests, manage_token_hash, source, referrer_id,
                       created_at, updated_at)
    SELECT seat_update.id, upserted_supporter.id,
           CASE WHEN seat_update.pending THEN 'pending' WHEN seat_update.fits THEN 'going' ELSE 'waitlisted' END::rsvp_status,
           $16, $17, $18,
           (SELECT r.id FROM supporters r
            WHERE r.share_code = $19::text AND r.erased_at IS NULL AND r.id <> upserted_supporter.id
              AND r.organization_id = (SELECT organization_id FROM campaigns WHERE id = (SELECT campaign_id FROM open_event))), $1, $1
      FROM seat_update, upserted_supporter
    RETURNING id, status
  ),
  fulfilled_pledge AS (UPDATE pledges SET status = 'fulfilled', fulfilled_at = $1, fulfilled_by = 'rsvp:' || (SELECT id FROM new_rsvp)
           WHERE campaign_id = (SELECT campaign_id FROM open_event) AND supporter_id = (SELECT id FROM upserted_supporter) AND kind = 'attend' AND status = 'open' AND EXISTS (SELECT 1 FROM new_rsvp WHERE status = 'going') RETURNING id),
  placed AS (SELECT new_rsvp.id AS rsvp_id, upserted_supporter.id AS supporter_id, upserted_supporter.locale,
                    seat_update.id AS event_id, new_rsvp.status
               FROM new_rsvp, upserted_supporter, seat_update),
  scheduled_reminders AS (INSERT INTO reminders AS r (kind, template, subject_type, subject_id, campaign_id, supporter_id,
                                   recipient_email, locale, data, due_at, status, dedupe_key, transactional,
                                   created_at)
       
    SELECT 'event-reminder', 'event-reminder', 'event', e.id, e.campaign_id, src.supporter_id, NULL, src.locale,
           jsonb_build_object('startsInMinutes', o.minutes,
                              'startsAtIso', to_char(e.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                              'timeZone', e.timezone, 'rsvpId', src.rsvp_id),
           e.starts_at - o.minutes * interval '1 minute', (CASE WHEN e.starts_at - o.minutes * interval '1 minute' <= $1::timestamptz THEN 'skipped' ELSE 'pending' END)::reminder_status,
           'event:' || e.id || ':rsvp:' || src.rsvp_id || ':' || o.minutes || 'm',
           (o.minutes = e.reveal_address_hours_before * 60) IS TRUE, $1::timestamptz
      FROM (SELECT * FROM placed WHERE status = 'going') src JOIN events e ON e.id = src.event_id AND e.status = 'scheduled'
      CROSS JOIN LATERAL (SELECT DISTINCT u.minutes
                            FROM unnest(e.reminder_offsets_minutes || coalesce(e.reveal_address_hours_before * 60, 0))
                              AS u(minutes)
                           WHERE u.minutes > 0) o
       ON CONFLICT ON CONSTRAINT reminders_dedupe_key_key DO UPDATE SET
         due_at = EXCLUDED.due_at, data = EXCLUDED.data, locale = EXCLUDED.locale, status = EXCLUDED.status,
         attempts = 0, last_error = NULL, locked_until = NULL, locked_by = NULL
       WHERE r.status IN ('pending', 'cancelled')),
  queued_confirmation AS (INSERT INTO reminders AS r (kind, template, subject_type, subject_id, campaign_id, supporter_id,
                                   recipient_email, locale, data, due_at, status, dedupe_key, transactional,
                                   created_at)
       
    SELECT 'rsvp-confirmation', 'rsvp-confirmation', 'event', e.id, e.campaign_id, src.supporter_id, NULL, src.locale,
           jsonb_build_object('rsvpId', src.rsvp_id) || '{}'::jsonb, $1::timestamptz, 'pending'::reminder_status, 'notice:rsvp:' || src.rsvp_id || ':confirmation:' || src.status || ':' || floor(extract(epoch FROM $1::timestamptz) * 1000)::bigint,
           true, $1::timestamptz
      FROM placed src JOIN events e ON e.id = src.event_id
       ON CONFLICT ON CONSTRAINT reminders_dedupe_key_key DO UPDATE SET
         due_at = EXCLUDED.due_at, data = EXCLUDED.data, locale = EXCLUDED.locale, status = EXCLUDED.status,
         attempts = 0, last_error = NULL, locked_until = NULL, locked_by = NULL
       WHERE r.status IN ('pending', 'cancelled') RETURNING id)
  SELECT (SELECT id FROM open_event) AS "eventId", (SELECT campaign_id FROM open_event) AS "campaignId",
         (SELECT id FROM upserted_supporter) AS "supporterId", (SELECT changes FROM upserted_supporter) AS changes,
         (SELECT id FROM new_rsvp) AS "rsvpId", (SELECT status FROM new_rsvp) AS status,
         (SELECT id FROM queued_confirmation) AS "confirmationId"
