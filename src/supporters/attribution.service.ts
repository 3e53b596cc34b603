import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReportRegistry } from '../reports/report-registry.js';
import { SupporterActivityRegistry } from './supporter-activity.registry.js';
import { supportersSeenSql } from './supporter-filter.js';

export interface SourceCount {
  source: string;
  actions: number;
  /** Supporters whose first action in this campaign came from this source. */
  newSupporters: number;
}

export interface ReferrerCount {
  supporterId: string;
  /** First name and last initial (null once erased): staff of the organization only. */
  name: string | null;
  actions: number;
  newSupporters: number;
}

export interface Attribution {
  bySource: SourceCount[];
  byReferrer: ReferrerCount[];
}

/**
 * Actions (signatures, RSVPs, pledges) and new supporters of one campaign by `?source=` and by the
 * supporter whose share link (`?ref=`) brought them. Counts only, plus the referrers' first names for
 * the organization's own staff (callers check access; the report and the console campaign page).
 */
@Injectable()
export class AttributionService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly activity: SupporterActivityRegistry,
    private readonly reports: ReportRegistry,
  ) {}

  onModuleInit(): void {
    this.reports.register({ key: 'sources', build: (id, _lang, scope) => this.forCampaign(id, scope) });
  }

  /** `scope`: the reader's; referrers are named as the reader sees them (supportersSeenSql). */
  async forCampaign(campaignId: string, scope: string[] | null): Promise<Attribution> {
    const actions = `WITH x AS (${this.activity.attributionSql()}),
      firsts AS (SELECT DISTINCT ON (supporter_id) supporter_id, source, referrer_id
                   FROM x ORDER BY supporter_id, created_at, source)`;
    const bySource = (await this.dataSource.query(
      `${actions}
       SELECT x.source, count(*)::int AS actions,
              (SELECT count(*)::int FROM firsts f WHERE f.source = x.source) AS "newSupporters"
         FROM x GROUP BY x.source ORDER BY 2 DESC, 1`,
      [campaignId],
    )) as SourceCount[];
    const params: unknown[] = [campaignId];
    const seen = supportersSeenSql(scope, params);
    const byReferrer = (await this.dataSource.query(
      `${actions}
       SELECT x.referrer_id AS "supporterId",
              CASE WHEN s.erased_at IS NULL THEN nullif(btrim(coalesce(s.first_name, '') || ' ' ||
                   coalesce(left(s.last_name, 1) || '.', '')), '') END AS name,
              count(*)::int AS actions,
              (SELECT count(*)::int FROM firsts f WHERE f.referrer_id = x.referrer_id) AS "newSupporters"
         FROM x JOIN ${seen} s ON s.id = x.referrer_id
        GROUP BY x.referrer_id, s.erased_at, s.first_name, s.last_name ORDER BY 3 DESC, 1 LIMIT 20`,
      params,
    )) as ReferrerCount[];
    return { bySource, byReferrer };
  }
}
