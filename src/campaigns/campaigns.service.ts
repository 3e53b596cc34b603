import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { query } from '../database/sql.js';
import { Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService, type CampaignNeed } from '../auth/campaign-access.service.js';
import { Clock } from '../common/clock.js';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../common/errors.js';
import { cleanLocalizedText, localize, pickLocale, type Locale } from '../common/localized-text.js';
import { money, parseAmount, type MoneyJson } from '../common/money.js';
import type { Page } from '../common/pagination.js';
import { slugify } from '../common/slug.js';
import { AppConfig } from '../config/config.js';
import { freeSlug } from '../database/free-slug.js';
import { HotQueries } from '../database/hot-queries.js';
import { TransactionService } from '../database/transaction.service.js';
import { CampaignTotalsRegistry, type CampaignTotals } from './campaign-totals.registry.js';
import { ACCEPTING } from './campaigns.sql.js';
import { Campaign, PUBLIC_STATUSES, TRANSITIONS, type CampaignStatus } from './campaign.entity.js';
import type {
  CreateCampaignDto,
  GoalsDto,
  ListCampaignsQueryDto,
  UpdateCampaignDto,
} from './dto/campaign.dto.js';

/** The code of a campaign that takes no public submission. */
export type CampaignNotAcceptingCode = 'campaign_not_active';

export class CampaignNotAcceptingError extends ConflictError {
  declare readonly code: CampaignNotAcceptingCode;
  constructor(status: CampaignStatus) {
    super(`This campaign is ${status} and does not take new actions`, 'campaign_not_active');
  }
}

/** The rule for public submissions: 404 when the campaign is missing or not public, 409 when not active. */
export function assertAcceptingActions(status: CampaignStatus | undefined): void {
  if (!status || !PUBLIC_STATUSES.includes(status)) throw new NotFoundError('Campaign');
  if (status !== ACCEPTING) throw new CampaignNotAcceptingError(status);
}

/** What a public submission goes to, on the hot path (see {@link CampaignsService.findAcceptingTarget}). */
export interface SubmissionTarget {
  table: 'letter_actions' | 'events';
  /** The 404's noun: `Letter`, `Event`. */
  label: string;
  /** Its columns the caller needs, as a select list on the alias `x` (`x.status, x.deadline`). */
  columns: string;
}

export interface CampaignView extends Omit<
  Campaign,
  'goalPledges' | 'goalSignatures' | 'goalMoneyMinor' | 'goalCurrency'
> {
  goals: { pledges: number | null; signatures: number | null; money: MoneyJson | null };
}

export interface PublicCampaignView {
  id: string;
  slug: string;
  lang: Locale;
  status: CampaignStatus;
  title: string;
  summary: string;
  body: string;
  sector: string;
  employer: string | null;
  workplace: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  union: string | null;
  startsOn: string | null;
  endsOn: string | null;
  goals: CampaignView['goals'];
  totals: CampaignTotals;
}

/** One line of the home page's list: an active campaign, in the reader's language. */
export interface PublicCampaignListItem {
  /** The organization that runs it (its public name and slug). */
  organization: { name: string; slug: string };
  slug: string;
  lang: Locale;
  title: string;
  summary: string;
  sector: string;
  employer: string | null;
  workplace: string | null;
  city: string | null;
  country: string | null;
}

/** Whether campaign `c` has supporter activity: what deleting it would take with it. */
const ACTIVITY_SQL = `EXISTS (SELECT 1 FROM campaign_supporters x WHERE x.campaign_id = c.id)
  OR EXISTS (SELECT 1 FROM pledges x WHERE x.campaign_id = c.id)
  OR EXISTS (SELECT 1 FROM signatures s JOIN letter_actions a ON a.id = s.action_id WHERE a.campaign_id = c.id)
  OR EXISTS (SELECT 1 FROM deliveries d JOIN letter_actions a ON a.id = d.action_id WHERE a.campaign_id = c.id)
  OR EXISTS (SELECT 1 FROM rsvps r JOIN events e ON e.id = r.event_id WHERE e.campaign_id = c.id)
  OR EXISTS (SELECT 1 FROM donations d JOIN fundraisers f ON f.id = d.fundraiser_id WHERE f.campaign_id = c.id)`;

/** Most campaigns the home page lists. */
const HOME_LIST_MAX = 200;

/** Most campaigns whose public totals one instance keeps at a time. */
const PUBLIC_CACHE_MAX = 1000;

@Injectable()
export class CampaignsService {
  constructor(
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    private readonly access: CampaignAccessService,
    private readonly tx: TransactionService,
    private readonly totals: CampaignTotalsRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly hot: HotQueries,
  ) {}

  private readonly publicCache = new Map<
    string,
    { at: number; value: Promise<{ c: Campaign; totals: CampaignTotals }> }
  >();

  async create(actor: AuthUser, dto: CreateCampaignDto): Promise<CampaignView> {
    if (actor.role === 'coordinator') throw new ForbiddenError('Coordinators cannot create campaigns');
    const organizationId = await this.organizationFor(actor, dto.organizationId);
    const title = cleanLocalizedText(dto.title);
    const id = await this.tx.run(async (m) => {
      const slug =
        dto.slug ?? (await freeSlug(m, 'campaigns', slugify(title.en ?? title.es ?? '') || 'campaign'));
      const c = m.create(Campaign, {
        ...this.fields(dto),
        organizationId,
        slug,
        title,
        status: 'draft',
        sector: dto.sector ?? 'other',
        defaultLocale: dto.defaultLocale ?? 'en',
        createdBy: actor.id,
      });
      const rows = (await m
        .createQueryBuilder()
        .insert()
        .into(Campaign)
        .values(c)
        .orIgnore()
        .returning('id')
        .execute()) as { raw: { id: string }[] };
      if (!rows.raw.length) throw new ConflictError(`The slug "${slug}" is already taken`, 'slug_taken');
      return rows.raw[0].id;
    });
    return this.view(await this.campaigns.findOneByOrFail({ id }));
  }

  /**
   * The organization a new campaign goes to: the one named (the actor must be its organizer, or an
   * admin), else the only one the actor organizes.
   */
  private async organizationFor(actor: AuthUser, organizationId: string | undefined): Promise<string> {
    if (organizationId) {
      await this.access.assertOrganization(actor, organizationId, 'manage');
      return organizationId;
    }
    const rows = await query<{ id: string }>(
      this.campaigns,
      `SELECT organization_id AS id FROM organization_members WHERE user_id = $1 AND role = 'organizer'`,
      [actor.id],
    );
    if (rows.length === 1) return rows[0].id;
    throw BadInputError.field(
      'organizationId',
      'organization_required',
      rows.length
        ? 'You organize several organizations: say which one runs this campaign'
        : 'A campaign belongs to an organization you organize: name it (admins create organizations)',
    );
  }

  async list(actor: AuthUser, q: ListCampaignsQueryDto): Promise<Page<CampaignView>> {
    const visible = await this.access.visibleCampaignIds(actor);
    const qb = this.campaigns.createQueryBuilder('c');
    if (visible !== null) qb.andWhere('c.id = ANY(:visible)', { visible });
    if (q.organizationId) qb.andWhere('c.organization_id = :org', { org: q.organizationId });
    if (q.status) qb.andWhere('c.status = :status', { status: q.status });
    if (q.hidden !== undefined) qb.andWhere(`c.hidden_at IS ${q.hidden ? 'NOT ' : ''}NULL`);
    if (q.sector) qb.andWhere('c.sector = :sector', { sector: q.sector });
    if (q.q) {
      qb.andWhere(`(c.title->>'en' ILIKE :q OR c.title->>'es' ILIKE :q)`, {
        q: `%${q.q.replace(/[%_\\]/g, '\\$&')}%`,
      });
    }
    const [items, total] = await qb
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .take(q.limit)
      .skip(q.offset)
      .getManyAndCount();
    return { items: items.map((c) => this.view(c)), total };
  }

  async get(actor: AuthUser, id: string): Promise<CampaignView> {
    return this.view(await this.load(actor, id, 'read'));
  }

  async update(actor: AuthUser, id: string, dto: UpdateCampaignDto): Promise<CampaignView> {
    const c = await this.load(actor, id, 'manage');
    const { status, hidden, ...fields } = dto;
    const editsFields = Object.values(fields).some((v) => v !== undefined);
    // An archived campaign is read-only: it can only be restored, hidden or shown again.
    if (c.status === 'archived' && (editsFields || (status && status !== 'archived' && status !== 'active')))
      throw new ConflictError(
        'Archived campaigns are read-only; restore it (status active) to change it',
        'campaign_archived',
      );
    if (status && status !== c.status) {
      const allowed = TRANSITIONS[c.status];
      if (!allowed.includes(status)) {
        throw new ConflictError(
          `A ${c.status} campaign cannot become ${status}; allowed: ${allowed.join(', ') || 'none'}`,
          'invalid_transition',
        );
      }
      c.status = status;
    }
    if (c.status !== 'archived') c.hiddenAt = null;
    if (hidden !== undefined) {
      if (c.status !== 'archived')
        throw new ConflictError('Only an archived campaign can be hidden; archive it first', 'not_archived');
      c.hiddenAt = hidden ? (c.hiddenAt ?? this.clock.now()) : null;
    }
    Object.assign(c, this.fields(dto));
    if (dto.title) c.title = cleanLocalizedText(dto.title);
    if (dto.sector) c.sector = dto.sector;
    if (dto.defaultLocale) c.defaultLocale = dto.defaultLocale;
    if (dto.slug && dto.slug !== c.slug) {
      if (await this.campaigns.existsBy({ slug: dto.slug })) {
        throw new ConflictError(`The slug "${dto.slug}" is already taken`, 'slug_taken');
      }
      c.slug = dto.slug;
    }
    try {
      return this.view(await this.campaigns.save(c));
    } catch (e) {
      if ((e as { constraint?: string }).constraint === 'campaigns_slug_key') {
        throw new ConflictError(`The slug "${c.slug}" is already taken`, 'slug_taken');
      }
      throw e;
    }
  }

  /**
   * Deletes a draft nobody has acted on: no supporter, pledge, signature, RSVP, donation or delivery
   * (the delete would take them along). Anything else is refused with 409 saying what to do instead.
   * The check and the delete are one statement, so nothing slips in between.
   */
  async remove(actor: AuthUser, id: string): Promise<void> {
    const c = await this.load(actor, id, 'manage');
    if (c.status !== 'draft') {
      throw new ConflictError(
        `Only draft campaigns can be deleted; archive a ${c.status} one instead`,
        'not_draft',
      );
    }
    const rows = (await this.campaigns.query(
      `WITH gone AS (DELETE FROM campaigns c WHERE c.id = $1 AND c.status = 'draft' AND NOT (${ACTIVITY_SQL})
         RETURNING c.id) SELECT count(*)::int AS n FROM gone`,
      [id],
    )) as { n: number }[];
    if (!rows[0].n) {
      throw new ConflictError(
        'This draft already has supporter activity (pledges, signatures, RSVPs, donations or deliveries); deleting it would lose them, so archive it instead',
        'campaign_has_activity',
      );
    }
  }

  /** Whether a campaign has supporter activity (what {@link remove} refuses to delete). */
  async hasActivity(id: string): Promise<boolean> {
    const rows = (await this.campaigns.query(
      `SELECT (${ACTIVITY_SQL}) AS busy FROM campaigns c WHERE c.id = $1`,
      [id],
    )) as { busy: boolean }[];
    return Boolean(rows[0]?.busy);
  }

  /**
   * The public read: localized strings, goals, totals from every feature. Drafts and archived are 404.
   * The campaign and its totals are reused for PUBLIC_CACHE_SECONDS per instance (see {@link publicSnapshot}).
   */
  async publicRead(slug: string, lang: unknown, acceptLanguage?: string): Promise<PublicCampaignView> {
    const { c, totals } = await this.publicSnapshot(slug);
    const l = pickLocale(lang, acceptLanguage, c.defaultLocale);
    return {
      id: c.id,
      slug: c.slug,
      lang: l,
      status: c.status,
      title: localize(c.title, l),
      summary: localize(c.summary, l),
      body: localize(c.body, l),
      sector: c.sector,
      employer: c.employer,
      workplace: c.workplace,
      city: c.city,
      region: c.region,
      country: c.country,
      union: c.union,
      startsOn: c.startsOn,
      endsOn: c.endsOn,
      goals: this.view(c).goals,
      totals,
    };
  }

  /**
   * Every active campaign (the ones that take actions), newest first, each in the reader's language
   * (`lang`, else `Accept-Language`, else the campaign's default). Drafts, ended and archived campaigns
   * are not listed. One call, so a caller can group the answer (by organization, later) as it likes.
   */
  async activeCampaigns(lang: unknown, acceptLanguage?: string): Promise<PublicCampaignListItem[]> {
    const rows = await this.campaigns.find({
      where: { status: ACCEPTING },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: HOME_LIST_MAX,
    });
    const orgs = new Map(
      (
        await query<{ id: string; name: string; slug: string }>(
          this.campaigns,
          `SELECT id, name, slug FROM organizations WHERE id = ANY($1::uuid[])`,
          [[...new Set(rows.map((c) => c.organizationId))]],
        )
      ).map((o) => [o.id, { name: o.name, slug: o.slug }]),
    );
    return rows.map((c) => {
      const l = pickLocale(lang, acceptLanguage, c.defaultLocale);
      return {
        organization: orgs.get(c.organizationId)!,
        slug: c.slug,
        lang: l,
        title: localize(c.title, l),
        summary: localize(c.summary, l),
        sector: c.sector,
        employer: c.employer,
        workplace: c.workplace,
        city: c.city,
        country: c.country,
      };
    });
  }

  /**
   * A viral campaign page is read thousands of times a minute; its totals come from every feature (the
   * money tally reads every donation). Each instance computes them at most once per
   * PUBLIC_CACHE_SECONDS per campaign and shares that answer with every reader meanwhile, including
   * readers who arrive while it is being computed. Counts on the page may therefore lag by that long;
   * the answers to writes (a signature's count, an RSVP) never come from here. Failures (404) are not kept.
   */
  private async publicSnapshot(slug: string): Promise<{ c: Campaign; totals: CampaignTotals }> {
    const ttl = this.config.publicCacheSeconds * 1000;
    const load = async () => {
      const c = await this.findPublic(slug);
      return { c, totals: await this.totals.totals(c.id) };
    };
    if (ttl === 0) return load();
    const now = this.clock.now().getTime();
    const hit = this.publicCache.get(slug);
    if (hit && now - hit.at < ttl) return hit.value;
    // Bounded: a flood of made-up slugs cannot grow it without limit.
    if (this.publicCache.size >= PUBLIC_CACHE_MAX) this.publicCache.clear();
    const value = load();
    this.publicCache.set(slug, { at: now, value });
    value.catch(() => {
      if (this.publicCache.get(slug)?.value === value) this.publicCache.delete(slug);
    });
    return value;
  }

  /** For other features' public routes: the campaign behind a slug, 404 unless publicly visible. */
  async findPublic(slug: string): Promise<Campaign> {
    const c = await this.campaigns.findOneBy({ slug });
    if (!c || !PUBLIC_STATUSES.includes(c.status)) throw new NotFoundError('Campaign');
    return c;
  }

  /** For public submissions: only active campaigns take pledges, signatures, RSVPs. */
  async findAcceptingActions(slug: string): Promise<Campaign> {
    const c = await this.campaigns.findOneBy({ slug });
    assertAcceptingActions(c?.status);
    return c!;
  }

  /**
   * The hot-path twin of findAcceptingActions for a letter or an event by its slug: the campaign and the
   * thing in one prepared query, with the same answers (404 for an unknown or non-public campaign or
   * thing, 409 when the campaign takes no actions). Answers the thing's `columns` with its `id`, the
   * campaign's id and its default language.
   */
  async findAcceptingTarget<T>(
    target: SubmissionTarget,
    slug: string,
    targetSlug: string,
  ): Promise<T & { id: string; campaignId: string; defaultLocale: Locale }> {
    const [row] = await this.hot.query<
      T & { id: string | null; campaignId: string; defaultLocale: Locale; campaignStatus: CampaignStatus }
    >(
      `campaigns.find-accepting-${target.table}`,
      `SELECT c.id AS "campaignId", c.status AS "campaignStatus", c.default_locale AS "defaultLocale", x.id,
              ${target.columns}
         FROM campaigns c LEFT JOIN ${target.table} x ON x.campaign_id = c.id AND x.slug = $2
        WHERE c.slug = $1`,
      [slug, targetSlug],
    );
    assertAcceptingActions(row?.campaignStatus);
    if (!row.id) throw new NotFoundError(target.label);
    return { ...row, id: row.id };
  }

  /** For other features' staff routes: checks access, refuses changes to archived campaigns. */
  async load(actor: AuthUser, id: string, need: CampaignNeed): Promise<Campaign> {
    await this.access.assert(actor, id, need);
    const c = await this.campaigns.findOneBy({ id });
    if (!c) throw new NotFoundError('Campaign');
    return c;
  }

  async loadWritable(actor: AuthUser, id: string, need: 'coordinate' | 'manage'): Promise<Campaign> {
    const c = await this.load(actor, id, need);
    if (c.status === 'archived')
      throw new ConflictError('Archived campaigns are read-only', 'campaign_archived');
    return c;
  }

  async byId(id: string): Promise<Campaign | null> {
    return this.campaigns.findOneBy({ id });
  }

  view(c: Campaign): CampaignView {
    const { goalPledges, goalSignatures, goalMoneyMinor, goalCurrency, ...rest } = c;
    return {
      ...rest,
      goals: {
        pledges: goalPledges,
        signatures: goalSignatures,
        money: goalMoneyMinor !== null && goalCurrency ? money(goalMoneyMinor, goalCurrency) : null,
      },
    };
  }

  private fields(dto: Partial<CreateCampaignDto>): Partial<Campaign> {
    const out: Partial<Campaign> = {};
    if (dto.summary !== undefined) out.summary = cleanLocalizedText(dto.summary);
    if (dto.body !== undefined) out.body = cleanLocalizedText(dto.body);
    for (const k of [
      'employer',
      'workplace',
      'city',
      'region',
      'country',
      'union',
      'startsOn',
      'endsOn',
    ] as const) {
      if (dto[k] !== undefined) out[k] = dto[k] || null;
    }
    if (dto.goals) Object.assign(out, this.goals(dto.goals));
    return out;
  }

  private goals(g: GoalsDto): Partial<Campaign> {
    const out: Partial<Campaign> = {};
    if (g.pledges !== undefined) out.goalPledges = g.pledges;
    if (g.signatures !== undefined) out.goalSignatures = g.signatures;
    if (g.money !== undefined) {
      out.goalMoneyMinor = parseAmount(g.money.amount, g.money.currency, 'goals.money.amount');
      out.goalCurrency = g.money.currency;
    }
    return out;
  }
}
