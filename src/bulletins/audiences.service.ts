import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { Clock } from '../common/clock.js';
import { ConflictError, NotFoundError } from '../common/errors.js';
import type { LocalizedText } from '../common/localized-text.js';
import { audienceConditionSql } from './audience-filter.js';
import type {
  AudienceDto,
  AudienceFilterDto,
  CreateAudienceDto,
  UpdateAudienceDto,
} from './dto/audience.dto.js';

export interface BuilderOption {
  id: string;
  title: LocalizedText;
}

export interface BuilderOptions {
  organization: { id: string; name: string; slug: string; timezone: string };
  campaigns: BuilderOption[];
  letters: BuilderOption[];
  events: BuilderOption[];
  fundraisers: BuilderOption[];
  tags: BuilderOption[];
}

const COLUMNS = `a.id, a.organization_id AS "organizationId", a.name, a.filter, a.created_at AS "createdAt"`;

/** The audience filter as stored: only the parts that were given. */
function cleanFilter(f: AudienceFilterDto): AudienceFilterDto {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = Array.isArray(v) ? v.map((x: unknown) => (typeof x === 'object' ? { ...x } : x)) : v;
  }
  return out as AudienceFilterDto;
}

/**
 * Saved audiences (segments) over an organization's supporters, and their live count. Only
 * organizers of the organization see or use them (CampaignAccessService, need `supporters`); staff of
 * another organization get 404.
 */
@Injectable()
export class AudiencesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: CampaignAccessService,
    private readonly clock: Clock,
  ) {}

  async create(user: AuthUser, organizationId: string, dto: CreateAudienceDto): Promise<AudienceDto> {
    await this.access.assertOrganization(user, organizationId, 'supporters');
    const rows = (await this.dataSource
      .query(
        `INSERT INTO audiences (organization_id, name, filter, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id`,
        [organizationId, dto.name, JSON.stringify(cleanFilter(dto.filter)), this.clock.now()],
      )
      .catch(nameTaken)) as { id: string }[];
    return this.byId(rows[0].id);
  }

  async list(user: AuthUser, organizationId: string): Promise<AudienceDto[]> {
    await this.access.assertOrganization(user, organizationId, 'supporters');
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM audiences a WHERE a.organization_id = $1 ORDER BY lower(a.name)`,
      [organizationId],
    )) as AudienceDto[];
  }

  async get(user: AuthUser, id: string): Promise<AudienceDto> {
    const a = await this.byId(id);
    await this.access.assertOrganization(user, a.organizationId, 'supporters');
    return a;
  }

  async update(user: AuthUser, id: string, dto: UpdateAudienceDto): Promise<AudienceDto> {
    const a = await this.get(user, id);
    await this.dataSource
      .query(`UPDATE audiences SET name = $2, filter = $3, updated_at = $4 WHERE id = $1`, [
        id,
        dto.name ?? a.name,
        JSON.stringify(dto.filter ? cleanFilter(dto.filter) : a.filter),
        this.clock.now(),
      ])
      .catch(nameTaken);
    return this.byId(id);
  }

  /** How many supporters a bulletin to this audience would reach now. */
  async count(user: AuthUser, id: string): Promise<{ count: number }> {
    const a = await this.get(user, id);
    return { count: await this.countFilter(a.organizationId, a.filter) };
  }

  /** The count of a filter that is not saved (the console's builder shows it before saving). */
  async countUnsaved(user: AuthUser, organizationId: string, filter: AudienceFilterDto): Promise<number> {
    await this.access.assertOrganization(user, organizationId, 'supporters');
    return this.countFilter(organizationId, filter);
  }

  private async countFilter(organizationId: string, filter: AudienceFilterDto): Promise<number> {
    const params: unknown[] = [organizationId];
    const condition = audienceConditionSql(filter, params);
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM supporters s WHERE s.organization_id = $1 AND ${condition}`,
      params,
    )) as { n: number }[];
    return row.n;
  }

  /**
   * What the console's audience builder offers: the organization's campaigns, letters, events,
   * fundraisers and tags (ids and titles only), and its zone. Read-only, one statement per list.
   */
  async builderOptions(user: AuthUser, organizationId: string): Promise<BuilderOptions> {
    await this.access.assertOrganization(user, organizationId, 'supporters');
    const q = (sql: string) => this.dataSource.query(sql, [organizationId]) as Promise<BuilderOption[]>;
    const [org] = (await this.dataSource.query(
      `SELECT id, name, slug, timezone FROM organizations WHERE id = $1`,
      [organizationId],
    )) as BuilderOptions['organization'][];
    return {
      organization: org,
      campaigns: await q(
        `SELECT id, title FROM campaigns WHERE organization_id = $1 ORDER BY created_at DESC`,
      ),
      letters: await q(`SELECT a.id, a.title FROM letter_actions a JOIN campaigns c ON c.id = a.campaign_id
                         WHERE c.organization_id = $1 ORDER BY a.created_at DESC`),
      events: await q(`SELECT e.id, e.title FROM events e JOIN campaigns c ON c.id = e.campaign_id
                        WHERE c.organization_id = $1 ORDER BY e.starts_at DESC`),
      fundraisers: await q(`SELECT f.id, f.title FROM fundraisers f JOIN campaigns c ON c.id = f.campaign_id
                             WHERE c.organization_id = $1 ORDER BY f.created_at DESC`),
      tags: (
        (await this.dataSource.query(
          `SELECT id, name FROM tags WHERE organization_id = $1 ORDER BY lower(name)`,
          [organizationId],
        )) as { id: string; name: string }[]
      ).map((t) => ({ id: t.id, title: { en: t.name, es: t.name } })),
    };
  }

  /** No access check: for the bulletin service, which checked the organization already. */
  async byId(id: string): Promise<AudienceDto> {
    const [a] = (await this.dataSource.query(`SELECT ${COLUMNS} FROM audiences a WHERE a.id = $1`, [
      id,
    ])) as AudienceDto[];
    if (!a) throw new NotFoundError('Audience');
    return a;
  }
}

function nameTaken(e: unknown): never {
  if ((e as { constraint?: string }).constraint === 'audiences_organization_id_name_key')
    throw new ConflictError('An audience with this name exists already', 'audience_name_taken');
  throw e;
}
