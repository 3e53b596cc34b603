import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignTotalsRegistry } from '../campaigns/campaign-totals.registry.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { Clock } from '../common/clock.js';
import { BadInputError, ConflictError, NotFoundError } from '../common/errors.js';
import { money, parseAmount, type MoneyJson } from '../common/money.js';
import type { Page } from '../common/pagination.js';
import { isUniqueViolation } from '../database/hot-queries.js';
import { TransactionService } from '../database/transaction.service.js';
import { PledgesService, type PledgeView } from '../supporters/pledges.service.js';
import { SupporterActivityRegistry } from '../supporters/supporter-activity.registry.js';
import { supportersSeenSql } from '../supporters/supporter-filter.js';
import { SupportersService } from '../supporters/supporters.service.js';
import type { DonationMethod, DonationStatus } from './donation.entity.js';
import type {
  CreateDonationDto,
  ListDonationsQueryDto,
  RefundDonationDto,
  UpdateDonationDto,
} from './dto/donation.dto.js';
import { FundraisersService } from './fundraisers.service.js';

export interface DonationView {
  id: string;
  fundraiserId: string;
  campaignId: string;
  amount: MoneyJson;
  status: DonationStatus;
  method: DonationMethod;
  receivedAt: Date | null;
  externalRef: string | null;
  note: string | null;
  /** null for an anonymous gift. Staff only: never on a public answer. */
  donor: {
    supporterId: string;
    email: string | null;
    firstName: string | null;
    lastName: string | null;
    /** Staff typed some of her details in this reader's campaigns (supportersSeenSql). */
    staffEntered: boolean;
  } | null;
  /** Set when this pledged donation came from a public `donate` pledge. */
  pledgeId: string | null;
  /** Set when this pledged donation was made good by that received donation (status `fulfilled`). */
  fulfilledByDonationId: string | null;
  recordedBy: string | null;
  refundedAt: Date | null;
  refundedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RecordResult {
  status: 'created' | 'existing';
  donation: DonationView;
}

interface DonationRow extends Omit<DonationView, 'amount' | 'donor'> {
  amountMinor: string;
  currency: string;
  supporterId: string | null;
  donorEmail: string | null;
  donorFirstName: string | null;
  donorLastName: string | null;
  donorStaffEntered: boolean | null;
}

/** The donation columns, the donor as `seen` (supportersSeenSql of the reader's scope) shows her. */
const select = (
  seen: string,
) => `SELECT d.id, d.fundraiser_id AS "fundraiserId", f.campaign_id AS "campaignId",
  d.amount_minor::text AS "amountMinor", d.currency, d.status, d.method, d.received_at AS "receivedAt",
  d.external_ref AS "externalRef", d.note, d.supporter_id AS "supporterId", s.email AS "donorEmail",
  s.first_name AS "donorFirstName", s.last_name AS "donorLastName", s.staff_entered AS "donorStaffEntered", d.pledge_id AS "pledgeId",
  d.fulfilled_by_donation_id AS "fulfilledByDonationId", d.recorded_by AS "recordedBy",
  d.refunded_at AS "refundedAt", d.refunded_by AS "refundedBy", d.created_at AS "createdAt", d.updated_at AS "updatedAt"
  FROM donations d JOIN fundraisers f ON f.id = d.fundraiser_id LEFT JOIN ${seen} s ON s.id = d.supporter_id`;

function view(r: DonationRow): DonationView {
  const {
    amountMinor,
    currency,
    supporterId,
    donorEmail,
    donorFirstName,
    donorLastName,
    donorStaffEntered,
    ...rest
  } = r;
  return {
    ...rest,
    amount: money(BigInt(amountMinor), currency),
    donor: supporterId
      ? {
          supporterId,
          email: donorEmail,
          firstName: donorFirstName,
          lastName: donorLastName,
          staffEntered: donorStaffEntered === true,
        }
      : null,
  };
}

/** A received date more than a day ahead of now is a typo, not a gift. */
const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;

/**
 * Donations: recorded by coordinators (offline gifts, a processor's webhook relayed by staff), shown
 * from public `donate` pledges, refunded (never deleted) and corrected with audited edits.
 */
@Injectable()
export class DonationsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fundraisers: FundraisersService,
    private readonly campaigns: CampaignsService,
    private readonly supporters: SupportersService,
    private readonly pledges: PledgesService,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly totals: CampaignTotalsRegistry,
    private readonly activity: SupporterActivityRegistry,
  ) {}

  onModuleInit(): void {
    this.totals.register({ key: 'money', compute: (id) => this.fundraisers.publicTotals(id) });
    this.activity.register({ key: 'donations', activity: (c, s) => this.forSupporter(c, s) });
    this.pledges.onCreated((m, p) => this.onPledgeCreated(m, p));
  }

  /**
   * Records a donation: 201 the first time; with an `externalRef` already recorded in this fundraiser,
   * 200 with the existing donation (also under concurrency: INSERT … ON CONFLICT DO NOTHING, then read).
   * The same externalRef with a different amount or currency is 409. A received donation from a
   * supporter fulfils their `donate` pledge in this campaign and marks their outstanding pledged
   * donations (in this fundraiser, or the one made from their pledge) `fulfilled`, in one transaction.
   */
  async record(actor: AuthUser, fundraiserId: string, dto: CreateDonationDto): Promise<RecordResult> {
    const f = await this.fundraisers.loadFor(actor, fundraiserId, 'coordinate', true);
    const minor = parseAmount(dto.amount.amount, dto.amount.currency, 'amount.amount');
    const now = this.clock.now();
    let receivedAt: Date | null = null;
    if (dto.status === 'received') {
      receivedAt = dto.receivedAt ? new Date(dto.receivedAt) : now;
      if (receivedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
        throw BadInputError.field('receivedAt', 'in_future', 'receivedAt cannot be in the future');
      }
    } else if (dto.receivedAt) {
      throw BadInputError.field('receivedAt', 'not_received', 'receivedAt is only for received donations');
    }
    const scope = await this.supporters.campaignScope(actor, f.campaignId);
    return this.tx.run(async (m) => {
      if (dto.externalRef) {
        const existing = await this.byRef(m, f.id, dto.externalRef, scope);
        if (existing) return this.existing(existing, minor, dto.amount.currency);
      }
      const supporterId = dto.donor
        ? (await this.supporters.upsertStaffEntry(m, scope, dto.donor, f.campaignId, `donation:${f.id}`))
            .supporterId
        : null;
      const inserted = (await m.query(
        `INSERT INTO donations (fundraiser_id, supporter_id, amount_minor, currency, status, method, received_at,
                                external_ref, note, recorded_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), $10, $11, $11)
         ON CONFLICT ON CONSTRAINT donations_fundraiser_id_external_ref_key DO NOTHING
         RETURNING id`,
        [
          f.id,
          supporterId,
          minor.toString(),
          dto.amount.currency,
          dto.status,
          dto.method,
          receivedAt,
          dto.externalRef ?? null,
          dto.note ?? null,
          actor.id,
          now,
        ],
      )) as { id: string }[];
      if (!inserted.length) {
        const existing = await this.byRef(m, f.id, dto.externalRef!, scope);
        return this.existing(existing!, minor, dto.amount.currency);
      }
      const id = inserted[0].id;
      if (dto.status === 'received' && supporterId) {
        await this.pledges.fulfil(m, f.campaignId, supporterId, 'donate', `donation:${id}`);
        await m.query(
          `UPDATE donations d SET status = 'fulfilled', fulfilled_by_donation_id = $2, updated_at = $5
            WHERE d.supporter_id = $1 AND d.status = 'pledged' AND d.id <> $2
              AND (d.fundraiser_id = $3
                   OR d.pledge_id IN (SELECT p.id FROM pledges p
                                       WHERE p.campaign_id = $4 AND p.supporter_id = $1 AND p.kind = 'donate'))`,
          [supporterId, id, f.id, f.campaignId, now],
        );
      }
      const donation = await this.find(id, scope, m);
      if (dto.donor && donation.donor) {
        // The donor as entered, never what the organization already held for that email.
        donation.donor = {
          ...donation.donor,
          email: dto.donor.email.trim().toLowerCase(),
          firstName: dto.donor.firstName ?? null,
          lastName: dto.donor.lastName ?? null,
        };
      }
      return { status: 'created' as const, donation };
    });
  }

  async list(actor: AuthUser, fundraiserId: string, q: ListDonationsQueryDto): Promise<Page<DonationView>> {
    const f = await this.fundraisers.loadFor(actor, fundraiserId, 'coordinate');
    const params: unknown[] = [fundraiserId];
    let where = 'd.fundraiser_id = $1';
    if (q.status) where += ` AND d.status = $${params.push(q.status)}`;
    if (q.currency) where += ` AND d.currency = $${params.push(q.currency)}`;
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM donations d WHERE ${where}`,
      params,
    )) as { total: number }[];
    const seen = supportersSeenSql(await this.supporters.campaignScope(actor, f.campaignId), params);
    const rows = (await this.dataSource.query(
      `${select(seen)} WHERE ${where} ORDER BY d.created_at DESC, d.id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    )) as DonationRow[];
    return { items: rows.map(view), total };
  }

  async get(actor: AuthUser, id: string): Promise<DonationView> {
    const d = await this.find(id, null);
    await this.campaigns.load(actor, d.campaignId, 'coordinate');
    return await this.find(id, await this.supporters.campaignScope(actor, d.campaignId));
  }

  /**
   * Marks a received donation refunded (never deleted), audit-logged. Refunding it again answers it
   * unchanged; a pledged or fulfilled donation cannot be refunded (409).
   */
  async refund(actor: AuthUser, id: string, dto: RefundDonationDto): Promise<DonationView> {
    const d = await this.find(id, null);
    await this.campaigns.loadWritable(actor, d.campaignId, 'coordinate');
    const scope = await this.supporters.campaignScope(actor, d.campaignId);
    if (d.status === 'refunded') return await this.find(id, scope);
    if (d.status !== 'received') {
      throw new ConflictError(`A ${d.status} donation cannot be refunded`, 'donation_not_received');
    }
    return this.tx.run(async (m) => {
      const now = this.clock.now();
      const [rows] = (await m.query(
        `UPDATE donations SET status = 'refunded', refunded_at = $2, refunded_by = $3, updated_at = $2
          WHERE id = $1 AND status = 'received' RETURNING id`,
        [id, now, actor.id],
      )) as [{ id: string }[], number];
      if (rows.length) {
        await this.audit.record(
          {
            actorUserId: actor.id,
            action: 'donation.refunded',
            subjectType: 'donation',
            subjectId: id,
            campaignId: d.campaignId,
            details: { fundraiserId: d.fundraiserId, amount: d.amount, reason: dto.reason ?? null },
          },
          m,
        );
      }
      return this.find(id, scope, m);
    });
  }

  /**
   * Corrects amount, reference, note, method or receivedAt; audit-logged with before and after (the
   * note's and the reference's text are not logged). A reference another donation of the fundraiser
   * has is 409 `external_ref_conflict`.
   */
  async update(actor: AuthUser, id: string, dto: UpdateDonationDto): Promise<DonationView> {
    const d = await this.find(id, null);
    await this.campaigns.loadWritable(actor, d.campaignId, 'coordinate');
    const scope = await this.supporters.campaignScope(actor, d.campaignId);
    const sets: string[] = [];
    const params: unknown[] = [id];
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    if (dto.note !== undefined && (dto.note || null) !== d.note) {
      sets.push(`note = $${params.push(dto.note || null)}`);
      before.note = d.note === null ? null : 'set';
      after.note = dto.note ? 'set' : null;
    }
    if (dto.amount) {
      const minor = parseAmount(dto.amount.amount, dto.amount.currency, 'amount.amount');
      const was = parseAmount(d.amount.amount, d.amount.currency);
      if (minor !== was || dto.amount.currency !== d.amount.currency) {
        sets.push(`amount_minor = $${params.push(minor.toString())}`);
        sets.push(`currency = $${params.push(dto.amount.currency)}`);
        before.amount = d.amount;
        after.amount = money(minor, dto.amount.currency);
      }
    }
    if (dto.externalRef !== undefined && (dto.externalRef || null) !== d.externalRef) {
      sets.push(`external_ref = $${params.push(dto.externalRef || null)}`);
      before.externalRef = d.externalRef === null ? null : 'set';
      after.externalRef = dto.externalRef ? 'set' : null;
    }
    if (dto.method && dto.method !== d.method) {
      sets.push(`method = $${params.push(dto.method)}`);
      before.method = d.method;
      after.method = dto.method;
    }
    if (dto.receivedAt) {
      if (d.status !== 'received' && d.status !== 'refunded') {
        throw BadInputError.field('receivedAt', 'not_received', 'receivedAt is only for received donations');
      }
      const at = new Date(dto.receivedAt);
      if (at.getTime() > this.clock.now().getTime() + FUTURE_TOLERANCE_MS) {
        throw BadInputError.field('receivedAt', 'in_future', 'receivedAt cannot be in the future');
      }
      if (at.getTime() !== d.receivedAt?.getTime()) {
        sets.push(`received_at = $${params.push(at)}`);
        before.receivedAt = d.receivedAt;
        after.receivedAt = at;
      }
    }
    if (!sets.length) return d;
    return this.tx.run(async (m) => {
      try {
        await m.query(
          `UPDATE donations SET ${sets.join(', ')}, updated_at = $${params.push(this.clock.now())} WHERE id = $1`,
          params,
        );
      } catch (e) {
        if (!isUniqueViolation(e, 'donations_fundraiser_id_external_ref_key')) throw e;
        throw new ConflictError(
          'Another donation of this fundraiser has this reference',
          'external_ref_conflict',
          [
            {
              field: 'externalRef',
              code: 'external_ref_conflict',
              message: 'already used in this fundraiser',
            },
          ],
        );
      }
      await this.audit.record(
        {
          actorUserId: actor.id,
          action: 'donation.edited',
          subjectType: 'donation',
          subjectId: id,
          campaignId: d.campaignId,
          details: { fundraiserId: d.fundraiserId, before, after, reason: dto.reason ?? null },
        },
        m,
      );
      return this.find(id, scope, m);
    });
  }

  /**
   * A public `donate` pledge with an amount shows as a `pledged` donation in the campaign's oldest open
   * fundraiser (none open: nothing is shown; the pledge itself is kept). Runs in the pledge's transaction.
   */
  private async onPledgeCreated(m: EntityManager, p: PledgeView): Promise<void> {
    if (p.kind !== 'donate' || !p.amount) return;
    const f = await this.fundraisers.defaultOpenFor(p.campaignId);
    if (!f) return;
    const at = this.clock.now();
    await m.query(
      `INSERT INTO donations (fundraiser_id, supporter_id, pledge_id, amount_minor, currency, status, method,
                              created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'pledged', 'other', $6, $6)
       ON CONFLICT ON CONSTRAINT donations_pledge_id_key DO NOTHING`,
      [
        f.id,
        p.supporterId,
        p.id,
        parseAmount(p.amount.amount, p.amount.currency, 'amount.amount').toString(),
        p.amount.currency,
        at,
      ],
    );
  }

  /** Her donations in one campaign, for her history: the donor is she, so not repeated (no names). */
  private async forSupporter(campaignId: string, supporterId: string): Promise<DonationView[]> {
    const rows = (await this.dataSource.query(
      `${select(supportersSeenSql(null, []))} WHERE f.campaign_id = $1 AND d.supporter_id = $2 ORDER BY d.created_at, d.id`,
      [campaignId, supporterId],
    )) as DonationRow[];
    return rows.map((r) => view({ ...r, donorEmail: null, donorFirstName: null, donorLastName: null }));
  }

  private existing(row: DonationView, minor: bigint, currency: string): RecordResult {
    if (row.amount.currency !== currency || parseAmount(row.amount.amount, currency) !== minor) {
      throw new ConflictError(
        `externalRef is already recorded in this fundraiser for ${row.amount.amount} ${row.amount.currency}`,
        'external_ref_conflict',
        [{ field: 'externalRef', code: 'external_ref_conflict', message: `already donation ${row.id}` }],
      );
    }
    return { status: 'existing', donation: row };
  }

  private async byRef(
    m: EntityManager,
    fundraiserId: string,
    ref: string,
    scope: string[] | null,
  ): Promise<DonationView | null> {
    const params: unknown[] = [fundraiserId, ref];
    const seen = supportersSeenSql(scope, params);
    const rows = (await m.query(
      `${select(seen)} WHERE d.fundraiser_id = $1 AND d.external_ref = $2`,
      params,
    )) as DonationRow[];
    return rows.length ? view(rows[0]) : null;
  }

  /** One donation, the donor as a reader with `scope` sees her (supportersSeenSql). */
  private async find(id: string, scope: string[] | null, m?: EntityManager): Promise<DonationView> {
    const params: unknown[] = [id];
    const seen = supportersSeenSql(scope, params);
    const rows = (await (m ?? this.dataSource.manager).query(
      `${select(seen)} WHERE d.id = $1`,
      params,
    )) as DonationRow[];
    if (!rows.length) throw new NotFoundError('Donation');
    return view(rows[0]);
  }
}
