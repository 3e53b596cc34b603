import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/errors.js';
import type { Locale } from '../common/localized-text.js';
import type { Page } from '../common/pagination.js';
import { query } from '../database/sql.js';
import type { SupporterFieldsDto } from './dto/supporter-fields.dto.js';
import { supporterValues, UPSERT_SUPPORTER } from './supporters.sql.js';

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
  unsubscribedAt: Date | null;
  erasedAt: Date | null;
  createdAt: Date;
}

export const SUPPORTER_COLUMNS = `s.id, s.organization_id AS "organizationId", s.email, s.first_name AS "firstName", s.last_name AS "lastName", s.city, s.region,
  s.country, s.postal_code AS "postalCode", s.locale, s.timezone, s.email_consent AS "emailConsent",
  s.email_consent_at AS "emailConsentAt", s.email_consent_source AS "emailConsentSource",
  s.unsubscribed_at AS "unsubscribedAt", s.erased_at AS "erasedAt", s.created_at AS "createdAt"`;

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
