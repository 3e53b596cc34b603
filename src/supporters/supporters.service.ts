import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/errors.js';
import type { Locale, LocalizedText } from '../common/localized-text.js';
import type { Page } from '../common/pagination.js';
import { query } from '../database/sql.js';
import type { SupporterFieldsDto } from './dto/supporter-fields.dto.js';
import { enteredParam, supporterValues, UPSERT_STAFF_ENTRY, UPSERT_SUPPORTER } from './supporters.sql.js';
import { SupporterActivityRegistry } from './supporter-activity.registry.js';
import { supporterFilterSql, supportersSeenSql, type SupporterFilterDto } from './supporter-filter.js';

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

/** A supporter's history in one campaign, as staff see it. */
export interface SupporterCampaignHistory {
  id: string;
  title: LocalizedText;
  source: string;
  firstActionAt: Date;
  activity: Record<string, unknown[]>;
}

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
 * {@link SUPPORTER_COLUMNS} of `s` = supportersSeenSql (supporter-filter.ts), with `staffEntered`: staff
 * typed some of this in this actor's campaigns (the console notes that the organization may keep
 * other details; true for every such person, whatever is stored, so it reveals nothing).
 */
export const SEEN_SUPPORTER_COLUMNS = `${SUPPORTER_COLUMNS}, s.staff_entered AS "staffEntered"`;

/** A supporter as a staff member sees her (SEEN_SUPPORTER_COLUMNS). */
export type SeenSupporterRow = SupporterRow & { staffEntered: boolean };

@Injectable()
export class SupportersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: CampaignAccessService,
    private readonly clock: Clock,
    private readonly activity: SupporterActivityRegistry,
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
    const [row] = await query<UpsertResult>(
      manager ?? this.dataSource,
      UPSERT_SUPPORTER.text,
      UPSERT_SUPPORTER.bind({ ...supporterValues(fields, this.clock.now()), campaignId, source }),
    );
    return row;
  }

  /**
   * {@link upsert} for what a staff member enters about someone (a walk-in, a donor, an import row):
   * the link keeps what they typed and is concealed when it would otherwise show them a record they
   * could not see (supporters.sql.ts, staffLinkSql). `scope`: {@link campaignScope} of the actor.
   */
  async upsertStaffEntry(
    manager: EntityManager,
    scope: string[] | null,
    fields: SupporterFieldsDto,
    campaignId: string,
    source: string,
  ): Promise<UpsertResult> {
    const [row] = await query<UpsertResult>(
      manager,
      UPSERT_STAFF_ENTRY.text,
      UPSERT_STAFF_ENTRY.bind({
        ...supporterValues(fields, this.clock.now()),
        campaignId,
        source,
        scope,
        entered: enteredParam(fields),
      }),
    );
    return row;
  }

  /** The actor's supporter scope in the organization of `campaignId` (CampaignAccessService.supporterScope). */
  async campaignScope(actor: AuthUser, campaignId: string): Promise<string[] | null> {
    return await this.access.campaignSupporterScope(actor, campaignId);
  }

  async byId(id: string, manager?: EntityManager): Promise<SupporterRow | null> {
    const rows = await query<SupporterRow>(
      manager ?? this.dataSource.manager,
      `SELECT ${SUPPORTER_COLUMNS} FROM supporters s WHERE s.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Every organization's record of one email (a privacy request spans them all), oldest first. */
  async allByEmail(email: string): Promise<SupporterRow[]> {
    return await query<SupporterRow>(
      this.dataSource,
      `SELECT ${SUPPORTER_COLUMNS} FROM supporters s WHERE s.email = $1 ORDER BY s.created_at, s.id`,
      [email.trim().toLowerCase()],
    );
  }

  /** Staff list of one campaign's supporters (members only), searchable by name, email or city. */
  async listForCampaign(
    actor: AuthUser,
    campaignId: string,
    q: { search?: string; limit: number; offset: number },
  ): Promise<Page<SeenSupporterRow & { firstActionAt: Date; source: string }>> {
    await this.access.assert(actor, campaignId, 'supporters');
    const params: unknown[] = [campaignId];
    const seen = supportersSeenSql(await this.campaignScope(actor, campaignId), params);
    let where = 'cs.campaign_id = $1 AND s.erased_at IS NULL';
    if (q.search) {
      const like = `$${params.push(`%${q.search.replace(/[%_\\]/g, '\\$&')}%`)}`;
      where += ` AND (s.email ILIKE ${like} OR (coalesce(s.first_name, '') || ' ' || coalesce(s.last_name, '') || ' ' || coalesce(s.city, '')) ILIKE ${like})`;
    }
    const [{ total }] = await query<{ total: number }>(
      this.dataSource,
      `SELECT count(*)::int AS total FROM campaign_supporters cs JOIN ${seen} s ON s.id = cs.supporter_id WHERE ${where}`,
      params,
    );
    const items = await query<SeenSupporterRow & { firstActionAt: Date; source: string }>(
      this.dataSource,
      `SELECT ${SEEN_SUPPORTER_COLUMNS}, cs.first_action_at AS "firstActionAt", cs.source
         FROM campaign_supporters cs JOIN ${seen} s ON s.id = cs.supporter_id
        WHERE ${where}
        ORDER BY cs.first_action_at DESC, s.id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    );
    return { items, total };
  }

  /**
   * Whose supporters `actor` may see in an organization: every one (null) for its organizers (admins
   * only as members, audited), else those of the campaigns they coordinate there (the same rules as
   * the campaign lists, CampaignAccessService); neither → 404/403 as CampaignAccessService answers.
   */
  async organizationScope(actor: AuthUser, organizationId: string): Promise<string[] | null> {
    const ids = await this.access.supporterScope(actor, organizationId);
    if (!ids?.length) await this.access.assertOrganization(actor, organizationId, 'supporters');
    return ids;
  }

  /**
   * An organization's supporters, newest first, as {@link organizationScope} allows: `search` matches
   * name, email or city; campaign, language, country, activity and tag filter (SupporterFilterDto).
   */
  async listForOrganization(
    actor: AuthUser,
    organizationId: string,
    q: SupporterFilterDto & { limit: number; offset: number },
  ): Promise<Page<SeenSupporterRow>> {
    const scope = await this.organizationScope(actor, organizationId);
    const params: unknown[] = [];
    const seen = supportersSeenSql(scope, params);
    const w = supporterFilterSql(organizationId, q, scope, params);
    const [{ total }] = await query<{ total: number }>(
      this.dataSource,
      `SELECT count(*)::int AS total FROM ${seen} s WHERE ${w}`,
      params,
    );
    const items = await query<SeenSupporterRow>(
      this.dataSource,
      `SELECT ${SEEN_SUPPORTER_COLUMNS} FROM ${seen} s WHERE ${w}
        ORDER BY s.created_at DESC, s.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    );
    return { items, total };
  }

  /** Ids of every supporter matching the filter, for a bulk action (`scope` from organizationScope). */
  async idsMatching(
    organizationId: string,
    f: SupporterFilterDto,
    scope: string[] | null,
    manager?: EntityManager,
  ): Promise<string[]> {
    const params: unknown[] = [];
    const seen = supportersSeenSql(scope, params);
    const rows = (await (manager ?? this.dataSource.manager).query(
      `SELECT s.id FROM ${seen} s WHERE ${supporterFilterSql(organizationId, f, scope, params)}`,
      params,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * One supporter of an organization with her history in each of its campaigns she acted in (within
   * the actor's scope): pledges, signatures, RSVPs and check-ins, donations. 404 outside the scope.
   * `masked` (supportersSeenSql) is for the caller, to leave out what is not on the row (her tags); it is
   * not shown.
   */
  async getForOrganization(
    actor: AuthUser,
    organizationId: string,
    supporterId: string,
  ): Promise<SeenSupporterRow & { campaigns: SupporterCampaignHistory[]; masked: boolean }> {
    const scope = await this.organizationScope(actor, organizationId);
    const params: unknown[] = [];
    const seen = supportersSeenSql(scope, params);
    const w = supporterFilterSql(organizationId, {}, scope, params);
    const [row] = (await this.dataSource.query(
      `SELECT ${SEEN_SUPPORTER_COLUMNS}, s.masked FROM ${seen} s WHERE ${w} AND s.id = $${params.push(supporterId)}`,
      params,
    )) as (SeenSupporterRow & { masked: boolean })[];
    if (!row) throw new NotFoundError('Supporter');
    const campaigns = (await this.dataSource.query(
      `SELECT c.id, c.title, cs.source, cs.first_action_at AS "firstActionAt"
         FROM campaign_supporters cs JOIN campaigns c ON c.id = cs.campaign_id
        WHERE cs.supporter_id = $1 AND ($2::uuid[] IS NULL OR c.id = ANY($2::uuid[]))
        ORDER BY cs.first_action_at, c.id`,
      [supporterId, scope],
    )) as Omit<SupporterCampaignHistory, 'activity'>[];
    const out: SupporterCampaignHistory[] = [];
    for (const c of campaigns) out.push({ ...c, activity: await this.activity.activity(c.id, supporterId) });
    return { ...row, campaigns: out };
  }

  /** One supporter of a campaign, for staff; 404 when not a supporter of that campaign. */
  async getForCampaign(actor: AuthUser, campaignId: string, supporterId: string): Promise<SeenSupporterRow> {
    await this.access.assert(actor, campaignId, 'supporters');
    const params: unknown[] = [campaignId, supporterId];
    const seen = supportersSeenSql(await this.campaignScope(actor, campaignId), params);
    const rows = await query<SeenSupporterRow>(
      this.dataSource,
      `SELECT ${SEEN_SUPPORTER_COLUMNS} FROM campaign_supporters cs JOIN ${seen} s ON s.id = cs.supporter_id
        WHERE cs.campaign_id = $1 AND cs.supporter_id = $2`,
      params,
    );
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
