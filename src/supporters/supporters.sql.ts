import { DEFAULT_SOURCE } from '../common/attribution.js';
import { type SqlParams, statement } from '../database/sql.js';
import type { SupporterFieldsDto } from './dto/supporter-fields.dto.js';
import type { ProposedChanges, SupporterRow } from './supporters.service.js';

// The supporters feature's SQL builders: the one upsert path (also embedded in the sign and RSVP
// statements), the pledge fulfilment and the attribution of an action (its source and referrer). A new supporter column is added here (and in the row types of
// supporters.service.ts): the statements that embed the upsert only name the CTE and the values.

/**
 * The parameters of the upsert (named, numbered by the statement's allocator): the submitted supporter
 * fields and the time of the action. {@link supporterValues} makes them from a form or API body.
 */
export type SupporterParams = Pick<
  SupporterRow,
  'firstName' | 'lastName' | 'city' | 'region' | 'country' | 'postalCode' | 'timezone'
> & {
  email: string;
  /** null: the stored language stays (a new supporter gets `en`). */
  locale: string | null;
  consentEmail: boolean | null;
  /** The optional phone and its consents, as jsonb text ({@link contactParam}). */
  contact: string;
  at: Date;
};

export function supporterValues(fields: SupporterFieldsDto, at: Date): SupporterParams {
  return {
    email: fields.email.trim().toLowerCase(),
    firstName: fields.firstName ?? null,
    lastName: fields.lastName ?? null,
    city: fields.city ?? null,
    region: fields.region ?? null,
    country: fields.country ?? null,
    postalCode: fields.postalCode ?? null,
    locale: fields.locale ?? null,
    timezone: fields.timezone ?? null,
    consentEmail: fields.consentEmail ?? null,
    contact: contactParam(fields),
    at,
  };
}

/**
 * The optional phone and its two consents as one jsonb parameter (`contact` of
 * {@link upsertSupporterCtes}): a consent only counts with a number to reach. A new supporter gets them
 * (with when); for a known one they are proposed changes like any other field (the mailbox is the key).
 */
export function contactParam(fields: SupporterFieldsDto): string {
  if (!fields.phone) return '{}';
  return JSON.stringify({
    phone: fields.phone,
    consentPhone: fields.consentPhone === true,
    consentWhatsapp: fields.consentWhatsapp === true,
  });
}

/** Where an action came from, as stored: the cleaned `?source=`, else 'web' (src/common/attribution.ts). */
export function sourceOf(fields: { source?: string }): string {
  return fields.source ?? DEFAULT_SOURCE;
}

/** The attribution values of a public action: its source and the share code it came through. */
export interface AttributionParams {
  /** {@link sourceOf} the submission. */
  source: string;
  /** The share code (`?ref=`) as submitted; {@link referrerSql} resolves it. */
  referrer: string | null;
}

export function attributionValues(fields: { source?: string; ref?: string }): AttributionParams {
  return { source: sourceOf(fields), referrer: fields.ref ?? null };
}

/**
 * The supporter whose share code `code` is (SQL for `referrer_id`): only a supporter of the campaign's
 * own organization, never the actor herself, never an erased one; NULL otherwise (an unknown or foreign
 * code is ignored, and the answer does not change).
 */
export function referrerSql(campaign: string, supporter: string, code: string): string {
  return `(SELECT r.id FROM supporters r
            WHERE r.share_code = ${code}::text AND r.erased_at IS NULL AND r.id <> ${supporter}
              AND r.organization_id = (SELECT organization_id FROM campaigns WHERE id = ${campaign}))`;
}

/**
 * What a submission for a KNOWN supporter asked to change (on `stored`, the row as it was): each field
 * given and different, language, time zone, and consent when it is not in force (never asked, or
 * unsubscribed). Nothing is changed by the submission itself; the supporter gets a mail with a link
 * that applies these (SupporterUpdatesService). '{}' for a new supporter.
 */
function proposedChanges<P extends SupporterParams>(p: SqlParams<P>): string {
  const contact = `${p.ref('contact')}::jsonb`;
  const phone = `${contact}->>'phone'`;
  const given = (k: keyof SupporterParams & keyof P & string) => `NULLIF(${p.ref(k)}::text, '')`;
  const text = (key: string, k: keyof SupporterParams & keyof P & string, column: string) =>
    `'${key}', CASE WHEN ${given(k)} IS DISTINCT FROM stored.${column} THEN ${given(k)} END`;
  return `CASE WHEN stored.xmax = 0 THEN '{}'::jsonb ELSE jsonb_strip_nulls(jsonb_build_object(
      ${text('firstName', 'firstName', 'first_name')},
      ${text('lastName', 'lastName', 'last_name')},
      ${text('city', 'city', 'city')},
      ${text('region', 'region', 'region')},
      ${text('country', 'country', 'country')},
      ${text('postalCode', 'postalCode', 'postal_code')},
      'locale', CASE WHEN ${p.ref('locale')}::text IS DISTINCT FROM stored.locale THEN ${p.ref('locale')}::text END,
      'timezone', CASE WHEN ${p.ref('timezone')}::text IS DISTINCT FROM stored.timezone THEN ${p.ref('timezone')}::text END,
      'consentEmail', CASE WHEN coalesce(${p.ref('consentEmail')}::boolean, false)
                            AND NOT (stored.email_consent AND stored.unsubscribed_at IS NULL) THEN true END,
      'phone', CASE WHEN ${phone} IS DISTINCT FROM stored.phone THEN ${phone} END,
      'consentPhone', CASE WHEN (${contact}->>'consentPhone')::boolean
                            AND (NOT stored.phone_consent OR ${phone} IS DISTINCT FROM stored.phone) THEN true END,
      'consentWhatsapp', CASE WHEN (${contact}->>'consentWhatsapp')::boolean
                               AND (NOT stored.whatsapp_consent OR ${phone} IS DISTINCT FROM stored.phone) THEN true END)) END`;
}

/**
 * THE supporter-upsert path: every public action (pledge, signature, RSVP, donation, import) goes
 * through it (`SupportersService.upsert`, or these CTEs inside the sign and RSVP statements):
 * - supporters belong to the organization that runs the campaign: the same email in two organizations
 *   is two records that share nothing;
 * - a new email creates the supporter (with consent, when given, recorded with when and through which
 *   action);
 * - a known one (case-insensitive, in that organization) is NEVER changed by the submission: whoever
 *   types someone's email must not rewrite her name, city, language or consent. What the submission
 *   asked to change comes back as `changes`, and the caller mails that address a link that applies it
 *   (SupporterUpdatesService) — the mailbox is the key. Consent given again after unsubscribing works
 *   the same way;
 * - the supporter is linked to the campaign (`campaign_supporters`), for staff lists: by her own
 *   public action a visible link ({@link publicLinkSql}); by a staff entry (`staff`: walk-in, donor,
 *   import row) a link that keeps what was typed and may be concealed ({@link staffLinkSql}).
 *
 * The CTEs `upserted_supporter` (id, locale, created, changes) and `campaign_link`, from the
 * {@link SupporterParams} of the statement's allocator `p` (with `contact`, the optional phone and its
 * consents):
 * - `campaign` and `source`: SQL for the campaign to link to and the action that brought them;
 * - `when`: a condition the statement must meet for anything to be written (the letter still takes
 *   signatures, say), so a refused submission leaves no supporter behind.
 * Parameters are cast to their columns' types because they are written through a SELECT.
 */
export function upsertSupporterCtes<P extends SupporterParams>(
  p: SqlParams<P>,
  opts: { campaign: string; source: string; when?: string; staff?: StaffLinkSql },
): string {
  const { campaign, source, when = 'true', staff } = opts;
  const given = (k: keyof SupporterParams & keyof P & string) => `NULLIF(${p.ref(k)}::text, '')`;
  const consent = p.ref('consentEmail');
  const at = p.ref('at');
  const contact = `${p.ref('contact')}::jsonb`;
  return `
  upserted_supporter AS (
    INSERT INTO supporters AS stored (organization_id, email, first_name, last_name, city, region, country, postal_code,
                                      locale, timezone, email_consent, email_consent_at, email_consent_source,
                                      phone, phone_consent, phone_consent_at, whatsapp_consent, whatsapp_consent_at)
    SELECT (SELECT organization_id FROM campaigns WHERE id = ${campaign}), ${p.ref('email')}::text, ${given('firstName')}, ${given('lastName')}, ${given('city')}, ${given('region')},
           ${given('country')}, ${given('postalCode')}, coalesce(${p.ref('locale')}::text, 'en'), ${p.ref('timezone')}::text, coalesce(${consent}::boolean, false),
           CASE WHEN ${consent} THEN ${at}::timestamptz END, CASE WHEN ${consent} THEN ${source} END,
           ${contact}->>'phone', coalesce((${contact}->>'consentPhone')::boolean, false),
           CASE WHEN (${contact}->>'consentPhone')::boolean THEN ${at}::timestamptz END,
           coalesce((${contact}->>'consentWhatsapp')::boolean, false),
           CASE WHEN (${contact}->>'consentWhatsapp')::boolean THEN ${at}::timestamptz END
     WHERE ${when}
    ON CONFLICT ON CONSTRAINT supporters_organization_id_email_key DO UPDATE SET email = stored.email
    RETURNING stored.id, stored.locale, (xmax = 0) AS created, ${proposedChanges(p)} AS changes
  ), campaign_link AS (${staff ? staffLinkSql(campaign, source, at, staff) : publicLinkSql(campaign, source, at)}
  )`;
}

/**
 * Her own public action links her to the campaign, and a concealed link (one a staff entry made,
 * {@link staffLinkSql}) stops being concealed: from now on she is a supporter of this campaign by her
 * own doing, and its staff see her record.
 */
function publicLinkSql(campaign: string, source: string, at: string): string {
  return `
    INSERT INTO campaign_supporters (campaign_id, supporter_id, source, first_action_at, last_action_at)
    SELECT ${campaign}, upserted_supporter.id, ${source}, ${at}, ${at} FROM upserted_supporter
    ON CONFLICT ON CONSTRAINT campaign_supporters_pkey DO UPDATE SET last_action_at = EXCLUDED.last_action_at, concealed = false`;
}

/** SQL for a staff entry's link ({@link upsertSupporterCtes}): the actor's scope and what they typed. */
export interface StaffLinkSql {
  /** uuid[] of the campaigns whose supporters the actor sees in this organization; NULL: all of them. */
  scope: string;
  /** jsonb: what was typed for her ({@link enteredParam}). */
  entered: string;
}

/**
 * A staff entry (walk-in, donor, import row) links her to the campaign with what was typed (`entered`,
 * every time), and CONCEALED when the record already existed, the actor sees only some campaigns
 * (scope not NULL) and she has no visible link to any of them: the entry then cannot reveal her stored
 * record to that actor (supportersSeenSql in supporter-filter.ts shows them `entered` instead). A visible link stays visible;
 * an entry by an actor who sees the whole organization makes the link visible. (The CTE reads the
 * links as they were before this statement.)
 */
function staffLinkSql(campaign: string, source: string, at: string, staff: StaffLinkSql): string {
  const concealed = `(NOT upserted_supporter.created AND ${staff.scope}::uuid[] IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM campaign_supporters seen
                         WHERE seen.supporter_id = upserted_supporter.id AND NOT seen.concealed
                           AND seen.campaign_id = ANY(${staff.scope}::uuid[])))`;
  return `
    INSERT INTO campaign_supporters AS link (campaign_id, supporter_id, source, first_action_at, last_action_at, concealed, entered)
    SELECT ${campaign}, upserted_supporter.id, ${source}, ${at}, ${at}, ${concealed}, ${staff.entered}::jsonb FROM upserted_supporter
    ON CONFLICT ON CONSTRAINT campaign_supporters_pkey DO UPDATE SET last_action_at = EXCLUDED.last_action_at,
       entered = EXCLUDED.entered, concealed = link.concealed AND EXCLUDED.concealed`;
}

/** The typed supporter fields of a staff entry as jsonb text (`entered` of {@link staffLinkSql}). */
export function enteredParam(fields: SupporterFieldsDto): string {
  const typed: Record<string, string> = {};
  for (const k of Object.keys(ENTERED_FIELDS) as (keyof typeof ENTERED_FIELDS)[]) {
    const v = fields[k];
    if (typeof v === 'string' && v.trim()) typed[k] = v.trim();
  }
  return JSON.stringify(typed);
}

/**
 * The fields a staff entry keeps in `entered` (the keys of the jsonb, as the DTO names them), each with
 * the `supporters` column it stands in for when the record is masked (supportersSeenSql).
 */
export const ENTERED_FIELDS = {
  firstName: 'first_name',
  lastName: 'last_name',
  city: 'city',
  region: 'region',
  country: 'country',
  postalCode: 'postal_code',
  locale: 'locale',
  timezone: 'timezone',
  phone: 'phone',
} as const satisfies Partial<Record<keyof SupporterFieldsDto, string>>;

/** The upsert as a statement of its own: the supporter fields, the campaign to link and the action's name. */
export type UpsertSupporterParams = SupporterParams & { campaignId: string; source: string };

export const UPSERT_SUPPORTER = statement<
  UpsertSupporterParams,
  { supporterId: string; created: boolean; changes: ProposedChanges }
>(
  'supporters.upsert',
  (p) =>
    `WITH ${upsertSupporterCtes(p, { campaign: `${p.ref('campaignId')}::uuid`, source: `${p.ref('source')}::text` })}
  SELECT id AS "supporterId", created, changes FROM upserted_supporter`,
);

/** The upsert of a staff entry (walk-in, donor, import row): {@link staffLinkSql}. */
export type UpsertStaffEntryParams = UpsertSupporterParams & { scope: string[] | null; entered: string };

export const UPSERT_STAFF_ENTRY = statement<
  UpsertStaffEntryParams,
  { supporterId: string; created: boolean; changes: ProposedChanges }
>(
  'supporters.upsert-staff-entry',
  (p) =>
    `WITH ${upsertSupporterCtes(p, {
      campaign: `${p.ref('campaignId')}::uuid`,
      source: `${p.ref('source')}::text`,
      staff: { scope: p.ref('scope'), entered: p.ref('entered') },
    })}
  SELECT id AS "supporterId", created, changes FROM upserted_supporter`,
);

/** The values of the pledge insert ({@link insertPledgeStatement}). */
export type InsertPledgeParams = AttributionParams & {
  campaignId: string;
  supporterId: string;
  kind: string;
  amountMinor: string | null;
  currency: string | null;
  message: string | null;
  at: Date;
};

/**
 * The pledge insert, one per (campaign, supporter, kind) (a repeat inserts nothing and answers no row),
 * with where it came from (its source and referrer); `returning` is the caller's column list.
 */
export function insertPledgeStatement<Row>(returning: string) {
  return statement<InsertPledgeParams, Row>('pledges.insert', (p) => {
    const campaign = `${p.ref('campaignId')}::uuid`;
    const supporter = p.ref('supporterId');
    return `INSERT INTO pledges (campaign_id, supporter_id, kind, amount_minor, currency, message, created_at,
                                 source, referrer_id)
         VALUES (${campaign}, ${supporter}, ${p.ref('kind')}, ${p.ref('amountMinor')}, ${p.ref('currency')},
                 NULLIF(${p.ref('message')}, ''), ${p.ref('at')}, ${p.ref('source')},
                 ${referrerSql(campaign, supporter, p.ref('referrer'))})
         ON CONFLICT ON CONSTRAINT pledges_campaign_id_supporter_id_kind_key DO NOTHING
         RETURNING ${returning}`;
  });
}

/**
 * The UPDATE that fulfils a pledge (idempotent: only an open one, keeping the first time), with SQL
 * expressions for each value — used by PledgesService.fulfil and embedded as a CTE by the hot paths
 * (signing, RSVP).
 */
export function fulfilPledgeSql(p: {
  campaign: string;
  supporter: string;
  kind: string;
  at: string;
  by: string;
  when?: string;
}): string {
  return `UPDATE pledges SET status = 'fulfilled', fulfilled_at = ${p.at}, fulfilled_by = ${p.by}
           WHERE campaign_id = ${p.campaign} AND supporter_id = ${p.supporter} AND kind = ${p.kind} AND status = 'open'${
             p.when ? ` AND ${p.when}` : ''
           } RETURNING id`;
}
