import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { Clock } from '../common/clock.js';
import { DEFAULT_SOURCE } from '../common/attribution.js';
import { NotFoundError } from '../common/errors.js';
import type { Locale } from '../common/localized-text.js';
import type { Page } from '../common/pagination.js';
import type { SupporterFieldsDto } from './dto/supporter-fields.dto.js';

export interface UpsertResult {
  supporterId: string;
  /** true when this email was new. */
  created: boolean;
  /** For a known supporter: what the submission asked to change (applied only from the mailed link). */
  changes: ProposedChanges;
}

/** Fields a submission asked to change on a known supporter's record. */
export type ProposedChanges = Partial<{
  firstName: string;
  lastName: string;
  city: string;
  region: string;
  country: string;
  postalCode: string;
  locale: Locale;
  timezone: string;
  consentEmail: true;
  phone: string;
  consentPhone: true;
  consentWhatsapp: true;
}>;

export interface SupporterRow {
  id: string;
  organizationId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  postalCode: string | null;
  locale: Locale;
  timezone: string | null;
  emailConsent: boolean;
  emailConsentAt: Date | null;
  emailConsentSource: string | null;
  phone: string | null;
  phoneConsent: boolean;
  whatsappConsent: boolean;
  unsubscribedAt: Date | null;
  erasedAt: Date | null;
  createdAt: Date;
}

export const SUPPORTER_COLUMNS = `s.id, s.organization_id AS "organizationId", s.email, s.first_name AS "firstName", s.last_name AS "lastName", s.city, s.region,
  s.country, s.postal_code AS "postalCode", s.locale, s.timezone, s.email_consent AS "emailConsent",
  s.email_consent_at AS "emailConsentAt", s.email_consent_source AS "emailConsentSource",
  s.phone, s.phone_consent AS "phoneConsent", s.whatsapp_consent AS "whatsappConsent",
  s.unsubscribed_at AS "unsubscribedAt", s.erased_at AS "erasedAt", s.created_at AS "createdAt"`;

/**
 * THE supporter-upsert path: every public action (pledge, signature, RSVP, donation, import) goes
 * through it (`upsert`, or these CTEs inside the sign and RSVP statements):
 * - supporters belong to the organization that runs the campaign: the same email in two organizations
 *   is two records that share nothing;
 * - a new email creates the supporter (with consent, when given, recorded with when and through which
 *   action);
 * - a known one (case-insensitive, in that organization) is NEVER changed by the submission: whoever
 *   types someone's email must not rewrite her name, city, language or consent. What the submission
 *   asked to change comes back as `changes`, and the caller mails that address a link that applies it
 *   (SupporterUpdatesService) — the mailbox is the key. Consent given again after unsubscribing works
 *   the same way;
 * - the supporter is linked to the campaign (`campaign_supporters`), for staff lists.
 *
 * The upsert as the CTEs `s` (the supporter: id, locale, created) and `link`, from the supporter fields
 * $1–$11 of {@link supporterParams}. Hot paths embed it in their one statement:
 * - `campaign` and `source`: SQL for the campaign to link to and the action that brought them (by
 *   default the parameters $13 and $12 of {@link upsertParams});
 * - `when`: a condition the statement must meet for anything to be written (the letter still takes
 *   signatures, say), so a refused submission leaves no supporter behind.
 * Parameters are cast to their columns' types because they are written through a SELECT.
 */
/**
 * What a submission for a KNOWN supporter asked to change (on the alias `t`, the stored row, with the
 * fields $2–$10): each field given and different, language, time zone, and consent when it is not in
 * force (never asked, or unsubscribed). Nothing is changed by the submission itself; the supporter gets
 * a mail with a link that applies these (SupporterUpdatesService). '{}' for a new supporter.
 */
const proposedChanges = (
  contact: string,
) => `CASE WHEN t.xmax = 0 THEN '{}'::jsonb ELSE jsonb_strip_nulls(jsonb_build_object(
      'firstName', CASE WHEN NULLIF($2::text, '') IS DISTINCT FROM t.first_name THEN NULLIF($2::text, '') END,
      'lastName', CASE WHEN NULLIF($3::text, '') IS DISTINCT FROM t.last_name THEN NULLIF($3::text, '') END,
      'city', CASE WHEN NULLIF($4::text, '') IS DISTINCT FROM t.city THEN NULLIF($4::text, '') END,
      'region', CASE WHEN NULLIF($5::text, '') IS DISTINCT FROM t.region THEN NULLIF($5::text, '') END,
      'country', CASE WHEN NULLIF($6::text, '') IS DISTINCT FROM t.country THEN NULLIF($6::text, '') END,
      'postalCode', CASE WHEN NULLIF($7::text, '') IS DISTINCT FROM t.postal_code THEN NULLIF($7::text, '') END,
      'locale', CASE WHEN $8::text IS DISTINCT FROM t.locale THEN $8::text END,
      'timezone', CASE WHEN $9::text IS DISTINCT FROM t.timezone THEN $9::text END,
      'consentEmail', CASE WHEN coalesce($10::boolean, false)
                            AND NOT (t.email_consent AND t.unsubscribed_at IS NULL) THEN true END,
      'phone', CASE WHEN ${contact}->>'phone' IS DISTINCT FROM t.phone THEN ${contact}->>'phone' END,
      'consentPhone', CASE WHEN (${contact}->>'consentPhone')::boolean
                            AND (NOT t.phone_consent OR ${contact}->>'phone' IS DISTINCT FROM t.phone) THEN true END,
      'consentWhatsapp', CASE WHEN (${contact}->>'consentWhatsapp')::boolean
                               AND (NOT t.whatsapp_consent OR ${contact}->>'phone' IS DISTINCT FROM t.phone) THEN true END)) END`;

export function upsertSupporterCtes(
  opts: { campaign?: string; source?: string; when?: string; contact?: string } = {},
): string {
  const { campaign = '$13::uuid', source = '$12::text', when = 'true', contact: c = "'{}'::jsonb" } = opts;
  return `
  s AS (
    INSERT INTO supporters AS t (organization_id, email, first_name, last_name, city, region, country, postal_code,
                                 locale, timezone, email_consent, email_consent_at, email_consent_source,
                                 phone, phone_consent, phone_consent_at, whatsapp_consent, whatsapp_consent_at)
    SELECT (SELECT organization_id FROM campaigns WHERE id = ${campaign}), $1::text, NULLIF($2::text, ''), NULLIF($3::text, ''), NULLIF($4::text, ''), NULLIF($5::text, ''),
           NULLIF($6::text, ''), NULLIF($7::text, ''), coalesce($8::text, 'en'), $9::text, coalesce($10::boolean, false),
           CASE WHEN $10 THEN $11::timestamptz END, CASE WHEN $10 THEN ${source} END,
           ${c}->>'phone', coalesce((${c}->>'consentPhone')::boolean, false),
           CASE WHEN (${c}->>'consentPhone')::boolean THEN $11::timestamptz END,
           coalesce((${c}->>'consentWhatsapp')::boolean, false),
           CASE WHEN (${c}->>'consentWhatsapp')::boolean THEN $11::timestamptz END
     WHERE ${when}
    ON CONFLICT ON CONSTRAINT supporters_organization_id_email_key DO UPDATE SET email = t.email
    RETURNING t.id, t.locale, (xmax = 0) AS created, ${proposedChanges(c)} AS changes
  ), link AS (
    INSERT INTO campaign_supporters (campaign_id, supporter_id, source, first_action_at, last_action_at)
    SELECT ${campaign}, s.id, ${source}, $11, $11 FROM s
    ON CONFLICT ON CONSTRAINT campaign_supporters_pkey DO UPDATE SET last_action_at = EXCLUDED.last_action_at
  )`;
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

/** Where an action came from, as stored: the cleaned `?source=`, else 'web' (src/common/attribution.ts). */
export function sourceOf(fields: { source?: string }): string {
  return fields.source ?? DEFAULT_SOURCE;
}

/** The upsert as a statement of its own, with {@link upsertParams} ($14: {@link contactParam}). */
export const UPSERT_SUPPORTER_SQL = `WITH ${upsertSupporterCtes({ contact: '$14::jsonb' })} SELECT id AS "supporterId", created, changes FROM s`;

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

/** $1–$11 of {@link upsertSupporterCtes}: the supporter's fields, then the time of the action. */
export function supporterParams(fields: SupporterFieldsDto, at: Date): unknown[] {
  return [
    fields.email.trim().toLowerCase(),
    fields.firstName ?? null,
    fields.lastName ?? null,
    fields.city ?? null,
    fields.region ?? null,
    fields.country ?? null,
    fields.postalCode ?? null,
    fields.locale ?? null,
    fields.timezone ?? null,
    fields.consentEmail ?? null,
    at,
  ];
}

/** The parameters of UPSERT_SUPPORTER_SQL: the supporter's fields and time, source ($12), campaign ($13), phone ($14). */
export function upsertParams(
  fields: SupporterFieldsDto,
  campaignId: string,
  source: string,
  at: Date,
): unknown[] {
  return [...supporterParams(fields, at), source, campaignId, contactParam(fields)];
}

@Injectable()
export class SupportersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: CampaignAccessService,
    private readonly clock: Clock,
  ) {}

  /**
   * Create or update the supporter behind `fields.email` and link them to `campaignId`.
   * `source` names the action (`pledge:<campaign>`, `signature:<action>`, `rsvp:<event>`, `import`).
   * Pass the transaction's manager so the supporter and the action are written together.
   */
  async upsert(
    manager: EntityManager | undefined,
    fields: SupporterFieldsDto,
    campaignId: string,
    source: string,
  ): Promise<UpsertResult> {
    const rows = (await (manager ?? this.dataSource.manager).query(
      UPSERT_SUPPORTER_SQL,
      upsertParams(fields, campaignId, source, this.clock.now()),
    )) as UpsertResult[];
    return rows[0];
  }

  async byId(id: string, manager?: EntityManager): Promise<SupporterRow | null> {
    const rows = (await (manager ?? this.dataSource.manager).query(
      `SELECT ${SUPPORTER_COLUMNS} FROM supporters s WHERE s.id = $1`,
      [id],
    )) as SupporterRow[];
    return rows[0] ?? null;
  }

  /** Every organization's record of one email (a privacy request spans them all), oldest first. */
  async allByEmail(email: string): Promise<SupporterRow[]> {
    return (await this.dataSource.query(
      `SELECT ${SUPPORTER_COLUMNS} FROM supporters s WHERE s.email = $1 ORDER BY s.created_at, s.id`,
      [email.trim().toLowerCase()],
    )) as SupporterRow[];
  }

  /** Staff list of one campaign's supporters (members only), searchable by name, email or city. */
  async listForCampaign(
    actor: AuthUser,
    campaignId: string,
    q: { search?: string; limit: number; offset: number },
  ): Promise<Page<SupporterRow & { firstActionAt: Date; source: string }>> {
    await this.access.assert(actor, campaignId, 'supporters');
    const params: unknown[] = [campaignId];
    let where = 'cs.campaign_id = $1 AND s.erased_at IS NULL';
    if (q.search) {
      params.push(`%${q.search.replace(/[%_\\]/g, '\\$&')}%`);
      where += ` AND (s.email ILIKE $2 OR (coalesce(s.first_name, '') || ' ' || coalesce(s.last_name, '') || ' ' || coalesce(s.city, '')) ILIKE $2)`;
    }
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM campaign_supporters cs JOIN supporters s ON s.id = cs.supporter_id WHERE ${where}`,
      params,
    )) as { total: number }[];
    const items = (await this.dataSource.query(
      `SELECT ${SUPPORTER_COLUMNS}, cs.first_action_at AS "firstActionAt", cs.source
         FROM campaign_supporters cs JOIN supporters s ON s.id = cs.supporter_id
        WHERE ${where}
        ORDER BY cs.first_action_at DESC, s.id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    )) as (SupporterRow & { firstActionAt: Date; source: string })[];
    return { items, total };
  }

  /**
   * An organization's supporters (its organizers; admins only as members, audited), newest first:
   * `search` matches name, email or city; `campaignId`, `locale` and `country` filter.
   */
  async listForOrganization(
    actor: AuthUser,
    organizationId: string,
    q: {
      search?: string;
      campaignId?: string;
      locale?: string;
      country?: string;
      limit: number;
      offset: number;
    },
  ): Promise<Page<SupporterRow>> {
    await this.access.assertOrganization(actor, organizationId, 'supporters');
    const params: unknown[] = [organizationId];
    const where = ['s.organization_id = $1', 's.erased_at IS NULL'];
    if (q.search) {
      params.push(`%${q.search.replace(/[%_\\]/g, '\\$&')}%`);
      where.push(
        `(s.email ILIKE $${params.length} OR (coalesce(s.first_name, '') || ' ' || coalesce(s.last_name, '') || ' ' || coalesce(s.city, '')) ILIKE $${params.length})`,
      );
    }
    if (q.campaignId) {
      params.push(q.campaignId);
      where.push(
        `EXISTS (SELECT 1 FROM campaign_supporters cs WHERE cs.supporter_id = s.id AND cs.campaign_id = $${params.length})`,
      );
    }
    if (q.locale) where.push(`s.locale = $${params.push(q.locale)}`);
    if (q.country) where.push(`s.country = $${params.push(q.country)}`);
    const w = where.join(' AND ');
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM supporters s WHERE ${w}`,
      params,
    )) as { total: number }[];
    const items = (await this.dataSource.query(
      `SELECT ${SUPPORTER_COLUMNS} FROM supporters s WHERE ${w}
        ORDER BY s.created_at DESC, s.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    )) as SupporterRow[];
    return { items, total };
  }

  /** One supporter of a campaign, for staff; 404 when not a supporter of that campaign. */
  async getForCampaign(actor: AuthUser, campaignId: string, supporterId: string): Promise<SupporterRow> {
    await this.access.assert(actor, campaignId, 'supporters');
    const rows = (await this.dataSource.query(
      `SELECT ${SUPPORTER_COLUMNS} FROM campaign_supporters cs JOIN supporters s ON s.id = cs.supporter_id
        WHERE cs.campaign_id = $1 AND cs.supporter_id = $2`,
      [campaignId, supporterId],
    )) as SupporterRow[];
    if (!rows.length) throw new NotFoundError('Supporter');
    return rows[0];
  }

  /**
   * Whether email that is not strictly transactional may go to this supporter (the same rule as SQL,
   * for queries that read it with their rows: {@link mayReceiveCampaignEmailSql}).
   */
  static mayReceiveCampaignEmail(
    s: Pick<SupporterRow, 'emailConsent' | 'unsubscribedAt' | 'erasedAt'>,
  ): boolean {
    return s.emailConsent && !s.unsubscribedAt && !s.erasedAt;
  }
}

/** {@link SupportersService.mayReceiveCampaignEmail} as an SQL expression on the supporters alias `s`. */
export function mayReceiveCampaignEmailSql(s: string): string {
  return `coalesce(${s}.email_consent AND ${s}.unsubscribed_at IS NULL AND ${s}.erased_at IS NULL, false)`;
}
