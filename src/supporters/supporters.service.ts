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
import { supporterValues, UPSERT_SUPPORTER } from './supporters.sql.js';
import { SupporterActivityRegistry } from './supporter-activity.registry.js';
import { supporterFilterSql, type SupporterFilterDto } from './supporter-filter.js';

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
  ): Promise<Page<SupporterRow & { firstActionAt: Date; source: string }>> {
    await this.access.assert(actor, campaignId, 'supporters');
    const params: unknown[] = [campaignId];
    let where = 'cs.campaign_id = $1 AND s.erased_at IS NULL';
    if (q.search) {
      params.push(`%${q.search.replace(/[%_\\]/g, '\\$&')}%`);
      where += ` AND (s.email ILIKE $2 OR (coalesce(s.first_name, '') || ' ' || coalesce(s.last_name, '') || ' ' || coalesce(s.city, '')) ILIKE $2)`;
    }
    const [{ total }] = await query<{ total: number }>(
      this.dataSource,
      `SELECT count(*)::int AS total FROM campaign_supporters cs JOIN supporters s ON s.id = cs.supporter_id WHERE ${where}`,
      params,
    );
    const items = await query<SupporterRow & { firstActionAt: Date; source: string }>(
      this.dataSource,
      `SELECT ${SUPPORTER_COLUMNS}, cs.first_action_at AS "firstActionAt", cs.source
         FROM campaign_supporters cs JOIN supporters s ON s.id = cs.supporter_id
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
    const role = await this.access.organizationRole(actor, organizationId);
    if (actor.role === 'admin' || (role === 'organizer' && actor.role !== 'coordinator')) {
      await this.access.assertOrganization(actor, organizationId, 'supporters');
      return null;
    }
    const ids = await this.access.supporterCampaignIds(actor, organizationId);
    if (!ids.length) await this.access.assertOrganization(actor, organizationId, 'supporters');
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
  ): Promise<Page<SupporterRow>> {
    const scope = await this.organizationScope(actor, organizationId);
    const params: unknown[] = [];
    const w = supporterFilterSql(organizationId, q, scope, params);
    const [{ total }] = await query<{ total: number }>(
      this.dataSource,
      `SELECT count(*)::int AS total FROM supporters s WHERE ${w}`,
      params,
    );
    const items = await query<SupporterRow>(
      this.dataSource,
      `SELECT ${SUPPORTER_COLUMNS} FROM supporters s WHERE ${w}
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
    const rows = (await (manager ?? this.dataSource.manager).query(
      `SELECT s.id FROM supporters s WHERE ${supporterFilterSql(organizationId, f, scope, params)}`,
      params,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * One supporter of an organization with her history in each of its campaigns she acted in (within
   * the actor's scope): pledges, signatures, RSVPs and check-ins, donations. 404 outside the scope.
   */
  async getForOrganization(
    actor: AuthUser,
    organizationId: string,
    supporterId: string,
  ): Promise<SupporterRow & { campaigns: SupporterCampaignHistory[] }> {
    const scope = await this.organizationScope(actor, organizationId);
    const params: unknown[] = [];
    const w = supporterFilterSql(organizationId, {}, scope, params);
    const [row] = (await this.dataSource.query(
      `SELECT ${SUPPORTER_COLUMNS} FROM supporters s WHERE ${w} AND s.id = $${params.push(supporterId)}`,
      params,
    )) as SupporterRow[];
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
  async getForCampaign(actor: AuthUser, campaignId: string, supporterId: string): Promise<SupporterRow> {
    await this.access.assert(actor, campaignId, 'supporters');
    const rows = await query<SupporterRow>(
      this.dataSource,
      `SELECT ${SUPPORTER_COLUMNS} FROM campaign_supporters cs JOIN supporters s ON s.id = cs.supporter_id
        WHERE cs.campaign_id = $1 AND cs.supporter_id = $2`,
      [campaignId, supporterId],
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
