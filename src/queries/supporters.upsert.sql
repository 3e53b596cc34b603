-- supporters.upsert: generated from the code (npm run queries:update); do not edit by hand.
WITH 
  s AS (
    INSERT INTO supporters AS t (organization_id, email, first_name, last_name, city, region, country, postal_code,
                                 locale, timezone, email_consent, email_consent_at, email_consent_source)
    SELECT (SELECT organization_id FROM campaigns WHERE id = $13::uuid), $1::text, NULLIF($2::text, ''), NULLIF($3::text, ''), NULLIF($4::text, ''), NULLIF($5::text, ''),
           NULLIF($6::text, ''), NULLIF($7::text, ''), coalesce($8::text, 'en'), $9::text, coalesce($10::boolean, false),
           CASE WHEN $10 THEN $11::timestamptz END, CASE WHEN $10 THEN $12::text END
     WHERE true
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
    SELECT $13::uuid, s.id, $12::text, $11, $11 FROM s
    ON CONFLICT ON CONSTRAINT campaign_supporters_pkey DO UPDATE SET last_action_at = EXCLUDED.last_action_at
  ) SELECT id AS "supporterId", created, changes FROM s
