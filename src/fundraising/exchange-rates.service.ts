import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
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
 * Organizer-entered exchange rates: the organizers' own rates are the truth (there is no feed). One
 * rate per (base, quote, validFrom); posting the same again answers the existing one (200); posting a
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
  ) {}

  async create(
    actor: AuthUser,
    dto: CreateExchangeRateDto,
  ): Promise<{ status: 'created' | 'existing'; rate: ExchangeRateView }> {
    parseRate(dto.rate, 'rate');
    if (dto.base === dto.quote) {
      throw BadInputError.field('quote', 'same_currency', 'quote must differ from base');
    }
    const now = this.clock.now();
    const inserted = (await this.dataSource.query(
      `INSERT INTO exchange_rates (base, quote, rate, valid_from, created_by, created_at, updated_at)
       VALUES ($1, $2, $3::numeric, $4::date, $5, $6, $6)
       ON CONFLICT ON CONSTRAINT exchange_rates_base_quote_valid_from_key DO NOTHING
       RETURNING ${COLUMNS}`,
      [dto.base, dto.quote, dto.rate, dto.validFrom, actor.id, now],
    )) as RateRow[];
    if (inserted.length) return { status: 'created', rate: view(inserted[0]) };
    const [existing] = (await this.dataSource.query(
      `SELECT ${COLUMNS}, rate = $4::numeric AS same FROM exchange_rates
        WHERE base = $1 AND quote = $2 AND valid_from = $3::date`,
      [dto.base, dto.quote, dto.validFrom, dto.rate],
    )) as (RateRow & { same: boolean })[];
    const { same, ...row } = existing;
    if (!same) throw new RateConflictError(view(row));
    return { status: 'existing', rate: view(row) };
  }

  async list(q: ListExchangeRatesQueryDto): Promise<Page<ExchangeRateView>> {
    const params: unknown[] = [];
    const where: string[] = [];
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

  /** Corrects a rate; audit-logged with the old and new value (it changes past tallies). */
  async update(actor: AuthUser, id: string, dto: UpdateExchangeRateDto): Promise<ExchangeRateView> {
    parseRate(dto.rate, 'rate');
    return this.tx.run(async (m) => {
      const [old] = (await m.query(`SELECT ${COLUMNS} FROM exchange_rates WHERE id = $1 FOR UPDATE`, [
        id,
      ])) as RateRow[];
      if (!old) throw new NotFoundError('Exchange rate');
      const [rows] = (await m.query(
        `UPDATE exchange_rates SET rate = $2::numeric, updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, dto.rate, this.clock.now()],
      )) as [RateRow[], number];
      const updated = view(rows[0]);
      await this.audit.record(
        {
          actorUserId: actor.id,
          action: 'exchange_rate.updated',
          subjectType: 'exchange_rate',
          subjectId: id,
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
