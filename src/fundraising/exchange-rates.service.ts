import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { Clock } from '../common/clock.js';
import { BadInputError, ConflictError, NotFoundError } from '../common/errors.js';
import { formatRate, parseRate } from '../common/money.js';
import type { Page } from '../common/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import type {
  CreateExchangeRateDto,
  ListExchangeRatesQueryDto,
  UpdateExchangeRateDto,
} from './dto/exchange-rate.dto.js';

export interface ExchangeRateView {
  id: string;
  base: string;
  quote: string;
  /** Exact decimal string, trailing zeros dropped: "17.2345". */
  rate: string;
  validFrom: string;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface RateRow extends Omit<ExchangeRateView, 'rate'> {
  rate: string;
}

const COLUMNS = `id, base, quote, rate::text AS rate, valid_from::text AS "validFrom", created_by AS "createdBy",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

function view(r: RateRow): ExchangeRateView {
  return { ...r, rate: formatRate(parseRate(r.rate)) };
}

/** Two rates for one (base, quote, validFrom) that differ: change it with PATCH (audited) instead. */
export class RateConflictError extends ConflictError {
  constructor(existing: ExchangeRateView) {
    super(
      `A different rate (${existing.rate}) is already set for ${existing.base}/${existing.quote} from ${existing.validFrom}; change it with PATCH /api/exchange-rates/${existing.id}`,
      'rate_conflict',
      [{ field: 'rate', code: 'rate_conflict', message: `already ${existing.rate} (id ${existing.id})` }],
    );
  }
}

/**
 * Organizer-entered exchange rates, each organization's own: its organizers' rates are the truth
 * (there is no feed) for its campaigns' tallies, and never move another organization's. One rate per
 * (organization, base, quote, validFrom); posting the same again answers the existing one (200); posting a
 * different rate for the same key is 409 — a correction goes through PATCH, which is audit-logged,
 * because it changes every tally that used the rate.
 */
@Injectable()
export class ExchangeRatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly access: CampaignAccessService,
  ) {}

  async create(
    actor: AuthUser,
    organizationId: string,
    dto: CreateExchangeRateDto,
  ): Promise<{ status: 'created' | 'existing'; rate: ExchangeRateView }> {
    await this.access.assertOrganization(actor, organizationId, 'manage');
    parseRate(dto.rate, 'rate');
    if (dto.base === dto.quote) {
      throw BadInputError.field('quote', 'same_currency', 'quote must differ from base');
    }
    const now = this.clock.now();
    const inserted = (await this.dataSource.query(
      `INSERT INTO exchange_rates (base, quote, rate, valid_from, created_by, created_at, updated_at, organization_id)
       VALUES ($1, $2, $3::numeric, $4::date, $5, $6, $6, $7)
       ON CONFLICT ON CONSTRAINT exchange_rates_organization_id_base_quote_valid_from_key DO NOTHING
       RETURNING ${COLUMNS}`,
      [dto.base, dto.quote, dto.rate, dto.validFrom, actor.id, now, organizationId],
    )) as RateRow[];
    if (inserted.length) return { status: 'created', rate: view(inserted[0]) };
    const [existing] = (await this.dataSource.query(
      `SELECT ${COLUMNS}, rate = $4::numeric AS same FROM exchange_rates
        WHERE base = $1 AND quote = $2 AND valid_from = $3::date AND organization_id = $5`,
      [dto.base, dto.quote, dto.validFrom, dto.rate, organizationId],
    )) as (RateRow & { same: boolean })[];
    const { same, ...row } = existing;
    if (!same) throw new RateConflictError(view(row));
    return { status: 'existing', rate: view(row) };
  }

  async list(
    actor: AuthUser,
    organizationId: string,
    q: ListExchangeRatesQueryDto,
  ): Promise<Page<ExchangeRateView>> {
    await this.access.assertOrganization(actor, organizationId, 'read');
    const params: unknown[] = [organizationId];
    const where: string[] = ['organization_id = $1'];
    if (q.base) where.push(`base = $${params.push(q.base)}`);
    if (q.quote) where.push(`quote = $${params.push(q.quote)}`);
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM exchange_rates ${w}`,
      params,
    )) as { total: number }[];
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM exchange_rates ${w}
        ORDER BY base, quote, valid_from DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    )) as RateRow[];
    return { items: rows.map(view), total };
  }

  /**
   * Corrects a rate; audit-logged with the old and new value (it changes past tallies). With
   * `organizationId` (the console's page of one organization), a rate of another one is not found.
   */
  async update(
    actor: AuthUser,
    id: string,
    dto: UpdateExchangeRateDto,
    organizationId?: string,
  ): Promise<ExchangeRateView> {
    parseRate(dto.rate, 'rate');
    return this.tx.run(async (m) => {
      const [old] = (await m.query(
        `SELECT ${COLUMNS}, organization_id AS "organizationId" FROM exchange_rates
          WHERE id = $1 AND ($2::uuid IS NULL OR organization_id = $2) FOR UPDATE`,
        [id, organizationId ?? null],
      )) as (RateRow & { organizationId: string })[];
      if (!old) throw new NotFoundError('Exchange rate');
      try {
        await this.access.assertOrganization(actor, old.organizationId, 'manage');
      } catch (e) {
        // Another organization's rate is not revealed.
        if (e instanceof NotFoundError) throw new NotFoundError('Exchange rate');
        throw e;
      }
      const [rows] = (await m.query(
        `UPDATE exchange_rates SET rate = $2::numeric, updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, dto.rate, this.clock.now()],
      )) as [RateRow[], number];
      const updated = view(rows[0]);
      delete (old as Partial<typeof old>).organizationId;
      await this.audit.record(
        {
          actorUserId: actor.id,
          action: 'exchange_rate.updated',
          subjectType: 'exchange_rate',
          subjectId: id,
          organizationId: old.organizationId,
          details: {
            base: old.base,
            quote: old.quote,
            validFrom: old.validFrom,
            from: view(old).rate,
            to: updated.rate,
            reason: dto.reason ?? null,
          },
        },
        m,
      );
      return updated;
    });
  }
}
