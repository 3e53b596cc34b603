-- letters.sign: generated from the code (npm run queries:update); do not edit by hand.
  WITH signable_letter AS (SELECT target.id, target.campaign_id, campaign.default_locale
      FROM campaigns campaign JOIN letter_actions target ON target.campaign_id = campaign.id AND target.slug = $4
     WHERE campaign.slug = $3 AND campaign.status = 'active' AND target.status = 'open' AND (target.deadline IS NULL OR target.deadline > $1)
                  AND (NULLIF($2, '') IS NULL OR target.allow_personal_note)),
  signing_lock AS (SELECT pg_advisory_xact_lock_shared(hashtextextended('letter_action:' || (SELECT id FROM signable_letter)::text, 0))),
  
  upserted_supporter AS (
    INSERT INTO supporters AS stored (organization_id, email, first_name, last_name, city, region, country, postal_code,
                                      locale, timezone, email_consent, email_consent_at, email_consent_source,
                                      phone, phone_consent, phone_consent_at, whatsapp_consent, whatsapp_consent_at)
    SELECT (SELECT organization_id FROM campaigns WHERE id = (SELECT campaign_id FROM signable_letter)), $7::text, NULLIF($8::text, ''), NULLIF($9::text, ''), NULLIF($10::text, ''), NULLIF($11::text, ''),
           NULLIF($12::text, ''), NULLIF($13::text, ''), coalesce($14::text, 'en'), $15::text, coalesce($5::boolean, false),
           CASE WHEN $5 THEN $1::timestamptz END, CASE WHEN $5 THEN 'signature:' || (SELECT id FROM signable_letter) END,
           $6::jsonb->>'phone', coalesce(($6::jsonb->>'consentPhone')::boolean, false),
           CASE WHEN ($6::jsonb->>'consentPhone')::boolean THEN $1::timestamptz END,
           coalesce(($6::jsonb->>'consentWhatsapp')::boolean, false),
           CASE WHEN ($6::jsonb->>'consentWhatsapp')::boolean THEN $1::timestamptz END
     WHERE EXISTS (SELECT 1 FROM signable_letter)
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
    SELECT (SELECT campaign_id FROM signable_letter), upserted_supporter.id, 'signature:' || (SELECT id FROM signable_letter), $1, $1 FROM upserted_supporter
    ON CONFLICT ON CONSTRAINT campaign_supporters_pkey DO UPDATE SET last_action_at = EXCLUDED.last_action_at, concealed = false
  ),
  new_signature AS (
    INSERT INTO signatures (action_id, supporter_id, personal_note, show_publicly, public_name, public_city, locale,
                            source, referrer_id, public_status, created_at)
    SELECT signable_letter.id, upserted_supporter.id, NULLIF($2, ''), $16,
           CASE WHEN $16 THEN NULLIF($8::text, '') END,
           CASE WHEN $16 THEN NULLIF($10::text, '') END,
           coalesce($14, signable_letter.default_locale), $17,
           (SELECT r.id FROM supporters r
            WHERE r.share_code = $18::text AND r.erased_at IS NULL AND r.id <> upserted_supporter.id
              AND r.organization_id = (SELECT organization_id FROM campaigns WHERE id = signable_letter.campaign_id)), $19, $1
      FROM signable_letter, upserted_supporter, signing_lock
    ON CONFLICT ON CONSTRAINT signatures_action_id_supporter_id_key DO NOTHING
    RETURNING id
  ),
  counter_shard AS (INSERT INTO letter_action_counters AS lc (action_id, shard, count)
     SELECT (SELECT id FROM signable_letter), floor(random() * 16)::smallint, 1 FROM new_signature
     ON CONFLICT ON CONSTRAINT letter_action_counters_pkey DO UPDATE SET count = lc.count + 1),
  fulfilled_pledge AS (UPDATE pledges SET status = 'fulfilled', fulfilled_at = $1, fulfilled_by = 'signature:' || (SELECT id FROM new_signature)
           WHERE campaign_id = (SELECT campaign_id FROM signable_letter) AND supporter_id = (SELECT id FROM upserted_supporter) AND kind = 'sign' AND status = 'open' AND EXISTS (SELECT 1 FROM new_signature) RETURNING id),
  thanks AS (INSERT INTO reminders AS r (kind, template, subject_type, subject_id, campaign_id, supporter_id,
                                   recipient_email, locale, data, due_at, status, dedupe_key, transactional,
                                   created_at)
       
    SELECT 'action-thanks', 'action-thanks', 'signature', new_signature.id, signable_letter.campaign_id,
           upserted_supporter.id, NULL, coalesce($14, signable_letter.default_locale),
           jsonb_build_object('action', 'letter', 'campaignSlug', $3::text,
                              'actionSlug', $4::text,
                              'firstName', NULLIF($8::text, '')),
           $1, 'pending'::reminder_status, 'thanks:signature:' || new_signature.id, true, $1
      FROM signable_letter, upserted_supporter, new_signature
       ON CONFLICT ON CONSTRAINT reminders_dedupe_key_key DO UPDATE SET
         due_at = EXCLUDED.due_at, data = EXCLUDED.data, locale = EXCLUDED.locale, status = EXCLUDED.status,
         attempts = 0, last_error = NULL, locked_until = NULL, locked_by = NULL
       WHERE r.status IN ('pending', 'cancelled') RETURNING id)
  SELECT EXISTS (SELECT 1 FROM signable_letter) AS accepted, (SELECT count(*) FROM new_signature)::int AS created,
         (SELECT id FROM thanks) AS "thanksId",
         (SELECT id FROM upserted_supporter) AS "supporterId", (SELECT changes FROM upserted_supporter) AS changes,
         ((SELECT coalesce(sum(count), 0) FROM letter_action_counters WHERE action_id = (SELECT id FROM signable_letter))
           + (SELECT count(*) FROM new_signature))::int AS "signatureCount"
