import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReportRegistry, type DayCount } from '../reports/report-registry.js';
import { PledgesService } from './pledges.service.js';
import { supportersSeenSql } from './supporter-filter.js';

/** Report sections for supporters and pledges: counts only. */
@Injectable()
export class SupportersReport implements OnModuleInit {
  constructor(
    private readonly registry: ReportRegistry,
    private readonly dataSource: DataSource,
    private readonly pledges: PledgesService,
  ) {}

  onModuleInit(): void {
    this.registry.register({ key: 'pledges', build: (id) => this.pledgesSection(id) });
    this.registry.register({
      key: 'supporters',
      build: (id, _lang, scope) => this.supportersSection(id, scope),
    });
  }

  private async pledgesSection(campaignId: string) {
    const perDay = (await this.dataSource.query(
      `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*)::int AS count
         FROM pledges WHERE campaign_id = $1 GROUP BY 1 ORDER BY 1`,
      [campaignId],
    )) as DayCount[];
    return { ...(await this.pledges.totalsFor(campaignId)), perDay };
  }

  /** Counts; where and from which country people are as the reader sees them (supportersSeenSql). */
  private async supportersSection(campaignId: string, scope: string[] | null) {
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM campaign_supporters WHERE campaign_id = $1`,
      [campaignId],
    )) as { total: number }[];
    const params: unknown[] = [campaignId];
    const seen = supportersSeenSql(scope, params);
    const byCountry = (await this.dataSource.query(
      `SELECT coalesce(s.country, '') AS country, count(*)::int AS count
         FROM campaign_supporters cs JOIN ${seen} s ON s.id = cs.supporter_id
        WHERE cs.campaign_id = $1 GROUP BY 1 ORDER BY 2 DESC, 1`,
      params,
    )) as { country: string; count: number }[];
    const topCities = (await this.dataSource.query(
      `SELECT s.city, coalesce(s.country, '') AS country, count(*)::int AS count
         FROM campaign_supporters cs JOIN ${seen} s ON s.id = cs.supporter_id
        WHERE cs.campaign_id = $1 AND s.city IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 10`,
      params,
    )) as { city: string; country: string; count: number }[];
    return { total, byCountry, topCities };
  }
}
