import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { query } from '../database/sql.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { CampaignTotalsRegistry } from '../campaigns/campaign-totals.registry.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { Clock } from '../common/clock.js';
import { BadInputError, NotFoundError } from '../common/errors.js';
import { isLocale, localize } from '../common/localized-text.js';
import { displayMinor, money, parseAmount, type MoneyJson } from '../common/money.js';
import type { Page } from '../common/pagination.js';
import { AppConfig } from '../config/config.js';
import { TransactionService } from '../database/transaction.service.js';
import { RemindersService } from '../reminders/reminders.service.js';
import type { CreatePledgeDto } from './dto/pledge.dto.js';
import { SupporterActivityRegistry } from './supporter-activity.registry.js';
import { SupporterUpdatesService } from './supporter-updates.service.js';
import { SupportersService } from './supporters.service.js';
import { attributionValues, fulfilPledgeSql, insertPledgeStatement } from './supporters.sql.js';
import { publicLinks } from '../common/public-links.js';

export const PLEDGE_KINDS = ['support', 'sign', 'attend', 'volunteer', 'donate', 'share'] as const;
export type PledgeKind = (typeof PLEDGE_KINDS)[number];
export const PLEDGE_STATUSES = ['open', 'fulfilled'] as const;
export type PledgeStatus = (typeof PLEDGE_STATUSES)[number];

export interface PledgeView {
  id: string;
  campaignId: string;
  supporterId: string;
  kind: PledgeKind;
  amount: MoneyJson | null;
  message: string | null;
  status: PledgeStatus;
  fulfilledAt: Date | null;
  fulfilledBy: string | null;
  createdAt: Date;
}

/** What a public pledge answer shows: the pledge, never the supporter's email or name. */
/**
 * The public answer: the same for a new pledge, a repeat and a known or unknown email — nothing about
 * the record (see SupporterUpdatesService for what a known supporter gets by mail).
 */
export interface PublicPledgeResult {
  status: 'received';
}

interface PledgeRow {
  id: string;
  campaignId: string;
  supporterId: string;
  kind: PledgeKind;
  amountMinor: string | null;
  currency: string | null;
  message: string | null;
  status: PledgeStatus;
  fulfilledAt: Date | null;
  fulfilledBy: string | null;
  createdAt: Date;
}

const COLUMNS = `id, campaign_id AS "campaignId", supporter_id AS "supporterId", kind, amount_minor::text AS "amountMinor",
  currency, message, status, fulfilled_at AS "fulfilledAt", fulfilled_by AS "fulfilledBy", created_at AS "createdAt"`;

const INSERT_PLEDGE = insertPledgeStatement<PledgeRow>(COLUMNS);

function view(r: PledgeRow): PledgeView {
  const { amountMinor, currency, ...rest } = r;
  return { ...rest, amount: amountMinor && currency ? money(BigInt(amountMinor), currency) : null };
}

/** The pledges' part of the campaign totals: counts by kind, and how many were followed through. */
export interface PledgeTotals {
  total: number;
  fulfilled: number;
  fulfilmentRate: number;
  byKind: Record<PledgeKind, { total: number; fulfilled: number }>;
}

declare module '../campaigns/campaign-totals.registry.js' {
  interface CampaignTotals {
    pledges: PledgeTotals;
  }
}

/** Called when a pledge is created, so fundraising can show a `donate` pledge as a pledged donation. */
export type PledgeCreatedListener = (manager: EntityManager, pledge: PledgeView) => Promise<void>;

@Injectable()
export class PledgesService implements OnModuleInit {
  private readonly createdListeners: PledgeCreatedListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly supporters: SupportersService,
    private readonly access: CampaignAccessService,
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly totals: CampaignTotalsRegistry,
    private readonly activity: SupporterActivityRegistry,
    private readonly reminders: RemindersService,
    private readonly config: AppConfig,
    private readonly updates: SupporterUpdatesService,
  ) {}

  onModuleInit(): void {
    this.totals.register({ key: 'pledges', compute: (id) => this.totalsFor(id) });
    this.activity.register({
      key: 'pledges',
      activity: (c, s) => this.forSupporter(c, s),
      attributionSql: `SELECT supporter_id, source, referrer_id, created_at FROM pledges WHERE campaign_id = $1`,
    });
  }

  onCreated(listener: PledgeCreatedListener): void {
    this.createdListeners.push(listener);
  }

  /** The public pledge: one per (campaign, supporter, kind); a repeat answers the existing one. */
  async pledge(slug: string, dto: CreatePledgeDto): Promise<PublicPledgeResult> {
    const campaign = await this.campaigns.findAcceptingActions(slug);
    let amountMinor: bigint | null = null;
    if (dto.kind === 'donate' && dto.amount)
      amountMinor = parseAmount(dto.amount.amount, dto.amount.currency, 'amount.amount');
    if (dto.kind !== 'donate' && dto.amount) {
      throw BadInputError.field('amount', 'amount_not_allowed', 'amount is only for donate pledges');
    }
    const { supporterId, changes, thanksId } = await this.tx.run(async (m) => {
      const { supporterId, changes } = await this.supporters.upsert(
        m,
        dto,
        campaign.id,
        `pledge:${dto.kind}`,
      );
      const inserted = await query<PledgeRow>(
        m,
        INSERT_PLEDGE.text,
        INSERT_PLEDGE.bind({
          campaignId: campaign.id,
          supporterId,
          kind: dto.kind,
          amountMinor: amountMinor?.toString() ?? null,
          currency: amountMinor ? dto.amount!.currency : null,
          message: dto.message ?? null,
          at: this.clock.now(),
          ...attributionValues(dto),
        }),
      );
      const row =
        inserted[0] ??
        (
          await query<PledgeRow>(
            m,
            `SELECT ${COLUMNS} FROM pledges WHERE campaign_id = $1 AND supporter_id = $2 AND kind = $3`,
            [campaign.id, supporterId, dto.kind],
          )
        )[0];
      const p = view(row);
      let thanksId: string | null = null;
      if (inserted.length) {
        // The thank-you, once per pledge (its key is the new pledge's), with only what the form had.
        const thanks = await this.reminders.schedule(m, {
          kind: 'action-thanks',
          template: 'action-thanks',
          subjectType: 'pledge',
          subjectId: p.id,
          campaignId: campaign.id,
          supporterId,
          locale: dto.locale ?? campaign.defaultLocale,
          data: {
            action: 'pledge',
            campaignSlug: campaign.slug,
            pledgeKind: p.kind,
            ...(dto.firstName?.trim() ? { firstName: dto.firstName.trim() } : {}),
            ...(p.amount ? { amount: p.amount } : {}),
          },
          dueAt: this.clock.now(),
          dedupeKey: `thanks:pledge:${p.id}`,
          transactional: true,
          sendNowIfPast: true,
        });
        thanksId = thanks.id;
        for (const l of this.createdListeners) await l(m, p);
        if (p.kind === 'donate') {
          const [who] = await query<{ locale: string; firstName: string | null }>(
            m,
            `SELECT locale, first_name AS "firstName" FROM supporters WHERE id = $1`,
            [supporterId],
          );
          const lang = isLocale(who?.locale) ? who.locale : campaign.defaultLocale;
          await this.reminders.schedule(m, {
            kind: 'pledge-followup',
            template: 'pledge-followup',
            subjectType: 'pledge',
            subjectId: p.id,
            campaignId: campaign.id,
            supporterId,
            locale: lang,
            data: {
              firstName: who?.firstName ?? undefined,
              campaignTitle: localize(campaign.title, lang),
              donateUrl: publicLinks.campaign(this.config.publicBaseUrl, campaign.slug),
              amount: amountMinor ? displayMinor(amountMinor, dto.amount!.currency, lang) : undefined,
            },
            dueAt: new Date(p.createdAt.getTime() + this.config.pledgeFollowupDays * 86_400_000),
            dedupeKey: `pledge:${p.id}:followup`,
          });
        }
      }
      return { supporterId, changes, thanksId };
    });
    this.updates.propose(supporterId, changes, `pledge:${campaign.id}`);
    if (thanksId) void this.reminders.sendNow([thanksId]);
    return { status: 'received' };
  }

  /**
   * Follow-through: the supporter did what they pledged in this campaign (signed → `sign`, RSVPed going
   * or checked in → `attend`, a received donation → `donate`). Call it in the transaction of the action.
   * Idempotent: an already fulfilled pledge keeps its first time.
   */
  async fulfil(
    manager: EntityManager | undefined,
    campaignId: string,
    supporterId: string,
    kind: PledgeKind,
    by: string,
  ): Promise<void> {
    const m = manager ?? this.dataSource.manager;
    const [rows] = (await m.query(
      fulfilPledgeSql({ campaign: '$1', supporter: '$2', kind: '$3', at: '$4', by: '$5' }),
      [campaignId, supporterId, kind, this.clock.now(), by],
    )) as [{ id: string }[], number];
    // A fulfilled donate pledge needs no follow-up (in the same transaction as the donation).
    if (kind === 'donate') for (const r of rows) await this.reminders.cancel(m, `pledge:${r.id}:`);
  }

  /** Staff mark a pledge done (volunteer, share, support have no automatic signal). */
  async markFulfilled(actor: AuthUser, pledgeId: string): Promise<PledgeView> {
    const row = await this.find(pledgeId);
    await this.access.assert(actor, row.campaignId, 'coordinate');
    await this.fulfil(undefined, row.campaignId, row.supporterId, row.kind, `staff:${actor.id}`);
    return view(await this.find(pledgeId));
  }

  async list(
    actor: AuthUser,
    campaignId: string,
    q: { kind?: PledgeKind; status?: PledgeStatus; limit: number; offset: number },
  ): Promise<Page<PledgeView>> {
    await this.access.assert(actor, campaignId, 'supporters');
    const params: unknown[] = [campaignId];
    let where = 'campaign_id = $1';
    if (q.kind) where += ` AND kind = $${params.push(q.kind)}`;
    if (q.status) where += ` AND status = $${params.push(q.status)}`;
    const [{ total }] = await query<{
      total: number;
    }>(this.dataSource, `SELECT count(*)::int AS total FROM pledges WHERE ${where}`, params);
    const rows = await query<PledgeRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM pledges WHERE ${where} ORDER BY created_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    );
    return { items: rows.map(view), total };
  }

  /** Counts only: per kind, open and fulfilled, and the fulfilment rate. */
  async totalsFor(campaignId: string): Promise<PledgeTotals> {
    const rows = await query<{ kind: PledgeKind; total: number; fulfilled: number }>(
      this.dataSource,
      `SELECT kind, count(*)::int AS total, count(*) FILTER (WHERE status = 'fulfilled')::int AS fulfilled
         FROM pledges WHERE campaign_id = $1 GROUP BY kind`,
      [campaignId],
    );
    const byKind = Object.fromEntries(
      PLEDGE_KINDS.map((k) => {
        const r = rows.find((x) => x.kind === k);
        return [k, { total: r?.total ?? 0, fulfilled: r?.fulfilled ?? 0 }];
      }),
    ) as PledgeTotals['byKind'];
    const total = rows.reduce((a, r) => a + r.total, 0);
    const fulfilled = rows.reduce((a, r) => a + r.fulfilled, 0);
    return {
      total,
      fulfilled,
      fulfilmentRate: total ? Math.round((fulfilled / total) * 1000) / 1000 : 0,
      byKind,
    };
  }

  private async forSupporter(campaignId: string, supporterId: string): Promise<PledgeView[]> {
    const rows = await query<PledgeRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM pledges WHERE campaign_id = $1 AND supporter_id = $2 ORDER BY created_at, id`,
      [campaignId, supporterId],
    );
    return rows.map(view);
  }

  private async find(id: string): Promise<PledgeRow> {
    const rows = await query<PledgeRow>(this.dataSource, `SELECT ${COLUMNS} FROM pledges WHERE id = $1`, [
      id,
    ]);
    if (!rows.length) throw new NotFoundError('Pledge');
    return rows[0];
  }
}
