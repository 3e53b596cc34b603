import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { NotFoundError } from '../common/errors.js';
import { cleanLocalizedText, type LocalizedText } from '../common/localized-text.js';
import { money, parseAmount, type MoneyJson } from '../common/money.js';
import type { Page } from '../common/pagination.js';
import type {
  CreateFundraiserDto,
  ListFundraisersQueryDto,
  UpdateFundraiserDto,
} from './dto/fundraiser.dto.js';
import type { GivingMethodDto } from './dto/fundraiser.dto.js';
import { Fundraiser, type FundraiserStatus, type GivingMethod } from './fundraiser.entity.js';
import { TallyService, type Tally } from './tally.service.js';

export interface FundraiserView {
  id: string;
  campaignId: string;
  title: LocalizedText;
  description: LocalizedText | null;
  goal: MoneyJson;
  status: FundraiserStatus;
  deadline: Date | null;
  giving: GivingMethod[];
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type CampaignNeed = 'read' | 'coordinate' | 'manage';

/** Fundraising's part of the campaign totals: each open fundraiser's tally. */
export interface MoneyTotals {
  fundraisers: Tally[];
}

declare module '../campaigns/campaign-totals.registry.js' {
  interface CampaignTotals {
    money: MoneyTotals;
  }
}

@Injectable()
export class FundraisersService {
  constructor(
    @InjectRepository(Fundraiser) private readonly fundraisers: Repository<Fundraiser>,
    private readonly campaigns: CampaignsService,
    private readonly tallies: TallyService,
    private readonly audit: AuditService,
  ) {}

  /** Organizers of the campaign (and admins) open fundraisers. */
  async create(actor: AuthUser, campaignId: string, dto: CreateFundraiserDto): Promise<FundraiserView> {
    await this.campaigns.loadWritable(actor, campaignId, 'manage');
    const goalMinor = parseAmount(dto.goal.amount, dto.goal.currency, 'goal.amount');
    const f = await this.fundraisers.save(
      this.fundraisers.create({
        campaignId,
        title: cleanLocalizedText(dto.title),
        description: dto.description ? cleanLocalizedText(dto.description) : null,
        goalMinor,
        goalCurrency: dto.goal.currency,
        status: 'open',
        deadline: dto.deadline ? new Date(dto.deadline) : null,
        giving: cleanGiving(dto.giving),
        createdBy: actor.id,
      }),
    );
    return this.view(await this.fundraisers.findOneByOrFail({ id: f.id }));
  }

  async list(actor: AuthUser, campaignId: string, q: ListFundraisersQueryDto): Promise<Page<FundraiserView>> {
    await this.campaigns.load(actor, campaignId, 'read');
    const [items, total] = await this.fundraisers.findAndCount({
      where: { campaignId, ...(q.status ? { status: q.status } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    return { items: items.map((f) => this.view(f)), total };
  }

  async get(actor: AuthUser, id: string): Promise<FundraiserView> {
    return this.view(await this.loadFor(actor, id, 'read'));
  }

  async update(actor: AuthUser, id: string, dto: UpdateFundraiserDto): Promise<FundraiserView> {
    const f = await this.loadFor(actor, id, 'manage', true);
    const changed: string[] = [];
    if (dto.title) {
      f.title = cleanLocalizedText(dto.title);
      changed.push('title');
    }
    if (dto.description !== undefined) {
      f.description = dto.description ? cleanLocalizedText(dto.description) : null;
      changed.push('description');
    }
    const before = { goal: money(f.goalMinor, f.goalCurrency), status: f.status };
    if (dto.goal) {
      f.goalMinor = parseAmount(dto.goal.amount, dto.goal.currency, 'goal.amount');
      f.goalCurrency = dto.goal.currency;
      changed.push('goal');
    }
    if (dto.deadline !== undefined) {
      f.deadline = dto.deadline ? new Date(dto.deadline) : null;
      changed.push('deadline');
    }
    if (dto.giving !== undefined) {
      f.giving = cleanGiving(dto.giving);
      changed.push('giving');
    }
    if (dto.status) {
      f.status = dto.status;
      changed.push('status');
    }
    await this.fundraisers.save(f);
    if (changed.includes('goal') || changed.includes('status')) {
      await this.audit.record({
        actorUserId: actor.id,
        action: 'fundraiser.updated',
        subjectType: 'fundraiser',
        subjectId: f.id,
        campaignId: f.campaignId,
        details: { changed, before, after: { goal: money(f.goalMinor, f.goalCurrency), status: f.status } },
      });
    }
    return this.view(await this.fundraisers.findOneByOrFail({ id }));
  }

  async tally(actor: AuthUser, id: string): Promise<Tally> {
    const f = await this.loadFor(actor, id, 'read');
    return this.tallies.tally(f, { withDonationIds: true });
  }

  /** Public totals: every open fundraiser's tally, amounts and counts only (no donor, no donation ids). */
  async publicTotals(campaignId: string): Promise<MoneyTotals> {
    const open = await this.fundraisers.find({
      where: { campaignId, status: 'open' },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const fundraisers: Tally[] = [];
    for (const f of open) fundraisers.push(await this.tallies.tally(f, { withDonationIds: false }));
    return { fundraisers };
  }

  /** How to give to each open fundraiser of a campaign, oldest first (public: organization data only). */
  async publicGiving(
    campaignId: string,
  ): Promise<{ id: string; title: LocalizedText; giving: GivingMethod[] }[]> {
    const open = await this.fundraisers.find({
      where: { campaignId, status: 'open' },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return open.map((f) => ({ id: f.id, title: f.title, giving: f.giving ?? [] }));
  }

  /** The fundraiser a public `donate` pledge is shown in: the campaign's oldest open one. */
  async defaultOpenFor(campaignId: string): Promise<Fundraiser | null> {
    return this.fundraisers.findOne({
      where: { campaignId, status: 'open' },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** The fundraiser, after checking the actor's access to its campaign (not a member → 404). */
  async loadFor(actor: AuthUser, id: string, need: CampaignNeed, writable = false): Promise<Fundraiser> {
    const f = await this.fundraisers.findOneBy({ id });
    if (!f) throw new NotFoundError('Fundraiser');
    if (writable && need !== 'read') await this.campaigns.loadWritable(actor, f.campaignId, need);
    else await this.campaigns.load(actor, f.campaignId, need);
    return f;
  }

  view(f: Fundraiser): FundraiserView {
    const { goalMinor, goalCurrency, ...rest } = f;
    return { ...rest, goal: money(goalMinor, goalCurrency) };
  }
}

/** The stored list: trimmed, blank details dropped, keys in a fixed order. */
function cleanGiving(list: GivingMethodDto[] | undefined): GivingMethod[] {
  return (list ?? []).map((g) => {
    const out: GivingMethod = { method: g.method, currency: g.currency };
    if (g.url?.trim()) out.url = g.url.trim();
    const details = g.details ? cleanLocalizedText(g.details) : null;
    if (details && Object.keys(details).length) out.details = details;
    return out;
  });
}
