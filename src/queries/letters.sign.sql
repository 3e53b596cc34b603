-- letters.sign: generated from the code (npm run queries:update); do not edit by hand.
  WITH a AS (SELECT x.id, x.campaign_id, c.default_locale
      FROM campaigns c JOIN letter_actions x ON x.campaign_id = c.id AND x.slug = $13
     WHERE c.slug = $12 AND c.status = 'active' AND x.status = 'open' AND (x.deadline IS NULL OR x.deadline > $11)
                  AND (NULLIF($14, '') IS NULL OR x.allow_personal_note)),
  lock AS (SELECT pg_advisory_xact_lock_shared(hashtextextended('letter_action:' || (SELECT id FROM a)::text, 0))),
  
  s AS (
    INSERT INTO supporters AS t (organization_id, email, first_name, last_name, city, region, country, postal_code,
                                 locale, timezone, email_consent, email_consent_at, email_consent_source)
    SELECT (SELECT organization_id FROM campaigns WHERE id = (SELECT campaign_id FROM a)), $1::text, NULLIF($2::text, ''), NULLIF($3::text, ''), NULLIF($4::text, ''), NULLIF($5::text, ''),
           NULLIF($6::text, ''), NULLIF($7::text, ''), coalesce($8::text, 'en'), $9::text, coalesce($10::boolean, false),
           CASE WHEN $10 THEN $11::timestamptz END, CASE WHEN $10 THEN 'signature:' || (SELECT id FROM a) END
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
    SELECT (SELECT campaign_id FROM a), s.id, 'signature:' || (SELECT id FROM a), $11, $11 FROM s
    ON CONFLICT ON CONSTRAINT campaign_supporters_pkey DO UPDATE SET last_action_at = EXCLUDED.last_action_at
  ),
  g AS (
    INSERT INTO signatures (action_id, supporter_id, personal_note, show_publicly, public_name, public_city, locale,
                            source, created_at)
    SELECT a.id, s.id, NULLIF($14, ''), $15, CASE WHEN $15 THEN NULLIF($2::text, '') END,
           CASE WHEN $15 THEN NULLIF($4::text, '') END, coalesce($16, a.default_locale), 'web', $11 FROM a, s, lock
    ON CONFLICT ON CONSTRAINT signatures_action_id_supporter_id_key DO NOTHING
    RETURNING id
  ),
  shard AS (INSERT INTO letter_action_counters AS lc (action_id, shard, count)
     SELECT (SELECT id FROM a), floor(random() * 16)::smallint, 1 FROM g
     ON CONFLICT ON CONSTRAINT letter_action_counters_pkey DO UPDATE SET count = lc.count + 1),
  pledge AS (UPDATE pledges SET status = 'fulfilled', fulfilled_at = $11, fulfilled_by = 'signature:' || (SELECT id FROM g)
           WHERE campaign_id = (SELECT campaign_id FROM a) AND supporter_id = (SELECT id FROM s) AND kind = 'sign' AND status = 'open' AND EXISTS (SELECT 1 FROM g) RETURNING id)
  SELECT EXISTS (SELECT 1 FROM a) AS accepted, (SELECT count(*) FROM g)::int AS created,
         (SELECT id FROM s) AS "supporterId", (SELECT changes FROM s) AS changes,
         ((SELECT coalesce(sum(count), 0) FROM letter_action_counters WHERE action_id = (SELECT id FROM a))
           + (SELECT count(*) FROM g))::int AS "signatureCount"
