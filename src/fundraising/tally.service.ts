import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { formatRate, invertRate, money, parseRate, type MoneyJson, type Rate } from '../common/money.js';
import type { LocalizedText } from '../common/localized-text.js';
import { convertedTotal, exactConversion, percentOfGoal, type ConversionGroup } from './tally-math.js';
import { roundHalfEven } from '../common/money.js';

/** The fundraiser fields a tally needs. */
export interface TallySubject {
  id: string;
  title: LocalizedText;
  goalMinor: bigint;
  goalCurrency: string;
}

export interface CurrencyTotals {
  currency: string;
  received: MoneyJson;
  receivedCount: number;
  /** Outstanding pledges (not yet fulfilled by a received donation). */
  pledged: MoneyJson;
  pledgedCount: number;
  refunded: MoneyJson;
  refundedCount: number;
}

export interface ConvertedGroup {
  currency: string;
  amount: MoneyJson;
  count: number;
  /** The stored rate applied; `inverse` when it was entered the other way round (goal → currency). */
  rate: { id: string; base: string; quote: string; rate: string; validFrom: string; inverse: boolean } | null;
  /** Received dates (UTC) the group spans. */
  firstDate: string;
  lastDate: string;
  /** This group alone, rounded half-even — for display; the total is NOT the sum of these. */
  converted: MoneyJson;
}

export interface UnconvertedGroup {
  currency: string;
  amount: MoneyJson;
  count: number;
  /** The received dates (UTC) for which no rate was usable. */
  dates: string[];
  /** The donations left out (staff tally only; at most 100 per currency). */
  donationIds?: string[];
}

export interface Tally {
  fundraiserId: string;
  title: LocalizedText;
  goal: MoneyJson;
  byCurrency: CurrencyTotals[];
  donors: { supporters: number; anonymousDonations: number; total: number };
  converted: {
    currency: string;
    received: MoneyJson;
    percentOfGoal: string;
    goalReached: boolean;
    /** false when some received donations could not be converted (see `unconverted`). */
    complete: boolean;
    groups: ConvertedGroup[];
    unconverted: UnconvertedGroup[];
  };
}

interface StatusRow {
  currency: string;
  status: 'pledged' | 'received' | 'refunded' | 'fulfilled';
  minor: string;
  n: number;
}

interface GroupRow {
  currency: string;
  rateId: string | null;
  base: string | null;
  quote: string | null;
  rate: string | null;
  validFrom: string | null;
  minor: string;
  count: number;
  firstDate: string;
  lastDate: string;
  dates: string[] | null;
}

/**
 * Received donations not in the goal currency, summed per (currency, UTC received date), each date
 * matched to the rate of the campaign's organization valid on it: the latest `valid_from <= date` for the pair in EITHER direction
 * (currency→goal as entered, or goal→currency used inverted); on the same `valid_from` the direct one
 * wins. Then summed again per (currency, rate), so JavaScript converts one row per rate, not per gift.
 */
const CONVERSION_SQL = `
  WITH org AS (
    SELECT c.organization_id AS id FROM fundraisers f JOIN campaigns c ON c.id = f.campaign_id WHERE f.id = $1
  ), d AS (
    SELECT currency, (received_at AT TIME ZONE 'UTC')::date AS day, sum(amount_minor) AS minor, count(*) AS n
      FROM donations
     WHERE fundraiser_id = $1 AND status = 'received' AND currency <> $2
     GROUP BY 1, 2
  )
  SELECT d.currency, r.id AS "rateId", r.base, r.quote, r.rate::text AS rate, r.valid_from::text AS "validFrom",
         sum(d.minor)::text AS minor, sum(d.n)::int AS count,
         min(d.day)::text AS "firstDate", max(d.day)::text AS "lastDate",
         CASE WHEN r.id IS NULL THEN array_agg(d.day::text ORDER BY d.day) END AS dates
    FROM d
    LEFT JOIN LATERAL (
      SELECT x.id, x.base, x.quote, x.rate, x.valid_from FROM (
        (SELECT e.id, e.base, e.quote, e.rate, e.valid_from, 0 AS pref FROM exchange_rates e
          WHERE e.organization_id = (SELECT id FROM org) AND e.base = d.currency AND e.quote = $2 AND e.valid_from <= d.day
          ORDER BY e.valid_from DESC LIMIT 1)
        UNION ALL
        (SELECT e.id, e.base, e.quote, e.rate, e.valid_from, 1 AS pref FROM exchange_rates e
          WHERE e.organization_id = (SELECT id FROM org) AND e.base = $2 AND e.quote = d.currency AND e.valid_from <= d.day
          ORDER BY e.valid_from DESC LIMIT 1)
      ) x ORDER BY x.valid_from DESC, x.pref LIMIT 1
    ) r ON true
   GROUP BY d.currency, r.id, r.base, r.quote, r.rate, r.valid_from
   ORDER BY d.currency, r.valid_from NULLS FIRST`;

/** Tallies in SQL (sums grouped by currency and status; never every row into JavaScript). */
@Injectable()
export class TallyService {
  constructor(private readonly dataSource: DataSource) {}

  async tally(f: TallySubject, opts: { withDonationIds: boolean }): Promise<Tally> {
    const [statusRows, donorRows, groupRows] = await Promise.all([
      this.dataSource.query(
        `SELECT currency, status, sum(amount_minor)::text AS minor, count(*)::int AS n
           FROM donations WHERE fundraiser_id = $1 GROUP BY currency, status ORDER BY currency`,
        [f.id],
      ) as Promise<StatusRow[]>,
      this.dataSource.query(
        `SELECT count(DISTINCT supporter_id)::int AS supporters, count(*) FILTER (WHERE supporter_id IS NULL)::int AS anonymous
           FROM donations WHERE fundraiser_id = $1 AND status = 'received'`,
        [f.id],
      ) as Promise<{ supporters: number; anonymous: number }[]>,
      this.dataSource.query(CONVERSION_SQL, [f.id, f.goalCurrency]) as Promise<GroupRow[]>,
    ]);

    const byCurrency = new Map<string, { [k in StatusRow['status']]?: { minor: bigint; n: number } }>();
    for (const r of statusRows) {
      const entry = byCurrency.get(r.currency) ?? {};
      entry[r.status] = { minor: BigInt(r.minor), n: r.n };
      byCurrency.set(r.currency, entry);
    }
    const currencies: CurrencyTotals[] = [...byCurrency.entries()].map(([currency, s]) => ({
      currency,
      received: money(s.received?.minor ?? 0n, currency),
      receivedCount: s.received?.n ?? 0,
      pledged: money(s.pledged?.minor ?? 0n, currency),
      pledgedCount: s.pledged?.n ?? 0,
      refunded: money(s.refunded?.minor ?? 0n, currency),
      refundedCount: s.refunded?.n ?? 0,
    }));

    const goal = f.goalCurrency;
    const sameCurrency = byCurrency.get(goal)?.received?.minor ?? 0n;
    const math: ConversionGroup[] = [{ currency: goal, minor: sameCurrency, rate: null }];
    const groups: ConvertedGroup[] = [];
    const unconverted: UnconvertedGroup[] = [];
    for (const g of groupRows) {
      const minor = BigInt(g.minor);
      if (!g.rateId) {
        unconverted.push({
          currency: g.currency,
          amount: money(minor, g.currency),
          count: g.count,
          dates: g.dates ?? [],
        });
        continue;
      }
      const stored = parseRate(g.rate!);
      const inverse = g.base !== g.currency;
      const rate: Rate = inverse ? invertRate(stored) : stored;
      math.push({ currency: g.currency, minor, rate });
      const exact = exactConversion(minor, g.currency, goal, rate);
      groups.push({
        currency: g.currency,
        amount: money(minor, g.currency),
        count: g.count,
        rate: {
          id: g.rateId,
          base: g.base!,
          quote: g.quote!,
          rate: formatRate(stored),
          validFrom: g.validFrom!,
          inverse,
        },
        firstDate: g.firstDate,
        lastDate: g.lastDate,
        converted: money(roundHalfEven(exact.num, exact.den), goal),
      });
    }
    if (opts.withDonationIds) {
      for (const u of unconverted) u.donationIds = await this.unconvertedIds(f.id, u.currency, u.dates);
    }
    const total = convertedTotal(math, goal);
    const donors = donorRows[0] ?? { supporters: 0, anonymous: 0 };
    return {
      fundraiserId: f.id,
      title: f.title,
      goal: money(f.goalMinor, goal),
      byCurrency: currencies,
      donors: {
        supporters: donors.supporters,
        anonymousDonations: donors.anonymous,
        total: donors.supporters + donors.anonymous,
      },
      converted: {
        currency: goal,
        received: money(total, goal),
        percentOfGoal: percentOfGoal(total, f.goalMinor),
        goalReached: total >= f.goalMinor,
        complete: unconverted.length === 0,
        groups,
        unconverted,
      },
    };
  }

  private async unconvertedIds(fundraiserId: string, currency: string, dates: string[]): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM donations
        WHERE fundraiser_id = $1 AND status = 'received' AND currency = $2
          AND (received_at AT TIME ZONE 'UTC')::date = ANY($3::date[])
        ORDER BY received_at, id LIMIT 100`,
      [fundraiserId, currency, dates],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }
}
