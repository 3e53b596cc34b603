-- supporters.upsert: generated from the code (npm run queries:update); do not edit by hand.
WITH 
  upserted_supporter AS (
    INSERT INTO supporters AS stored (organization_id, email, first_name, last_name, city, region, country, postal_code,
                                      locale, timezone, email_consent, email_consent_at, email_consent_source,
                                      phone, phone_consent, phone_consent_at, whatsapp_consent, whatsapp_consent_at)
    SELECT (SELECT organization_id FROM campaigns WHERE id = $1::uuid), $6::text, NULLIF($7::text, ''), NULLIF($8::text, ''), NULLIF($9::text, ''), NULLIF($10::text, ''),
           NULLIF($11::text, ''), NULLIF($12::text, ''), coalesce($13::text, 'en'), $14::text, coalesce($3::boolean, false),
           CASE WHEN $3 THEN $4::timestamptz END, CASE WHEN $3 THEN $2::text END,
           $5::jsonb->>'phone', coalesce(($5::jsonb->>'consentPhone')::boolean, false),
           CASE WHEN ($5::jsonb->>'consentPhone')::boolean THEN $4::timestamptz END,
           coalesce(($5::jsonb->>'consentWhatsapp')::boolean, false),
           CASE WHEN ($5::jsonb->>'consentWhatsapp')::boolean THEN $4::timestamptz END
     WHERE true
    ON CONFLICT ON CONSTRAINT supporters_organization_id_email_key DO UPDATE SET email = stored.email
    RETURNING stored.id, stored.locale, (xmax = 0) AS created, CASE WHEN stored.xmax = 0 THEN '{}'::jsonb ELSE jsonb_strip_nulls(jsonb_build_object(
      'firstName', CASE WHEN NULLIF($7::text, '') IS DISTINCT FROM stored.first_name THEN NULLIF($7::text, '') END,
      'lastName', CASE WHEN NULLIF($8::text, '') IS DISTINCT FROM stored.last_name THEN NULLIF($8::text, '') END,
      'city', CASE WHEN NULLIF($9::text, '') IS DISTINCT FROM stored.city THEN NULLIF($9::text, '') END,
      'region', CASE WHEN NULLIF($10::text, '') IS DISTINCT FROM stored.region THEN NULLIF($10::text, '') END,
      'country', CASE WHEN NULLIF($11::text, '') IS DISTINCT FROM stored.country THEN NULLIF($11::text, '') END,
      'postalCode', CASE WHEN NULLIF($12::text, '') IS DISTINCT FROM stored.postal_code THEN NULLIF($12::text, '') END,
      'locale', CASE WHEN $13::text IS DISTINCT FROM stored.locale THEN $13::text END,
      'timezone', CASE WHEN $14::text IS DISTINCT FROM stored.timezone THEN $14::text END,
      'consentEmail', CASE WHEN coalesce($3::boolean, false)
                            AND NOT (stored.email_consent AND stored.unsubscribed_at IS NULL) THEN true END,
      'phone', CASE WHEN $5::jsonb->>'phone' IS DISTINCT FROM stored.phone THEN $5::jsonb->>'phone' END,
      'consentPhone', CASE WHEN ($5::jsonb->>'consentPhone')::boolean
                            AND (NOT stored.phone_consent OR $5::jsonb->>'phone' IS DISTINCT FROM stored.phone) THEN true END,
      'consentWhatsapp', CASE WHEN ($5::jsonb->>'consentWhatsapp')::boolean
                               AND (NOT stored.whatsapp_consent OR $5::jsonb->>'phone' IS DISTINCT FROM stored.phone) THEN true END)) END AS changes
  ), campaign_link AS (
    INSERT INTO campaign_supporters (campaign_id, supporter_id, source, first_action_at, last_action_at)
    SELECT $1::uuid, upserted_supporter.id, $2::text, $4, $4 FROM upserted_supporter
    ON CONFLICT ON CONSTRAINT campaign_supporters_pkey DO UPDATE SET last_action_at = EXCLUDED.last_action_at, concealed = false
  )
  SELECT id AS "supporterId", created, changes FROM upserted_supporter
