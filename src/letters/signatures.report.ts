import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { localize, type Locale, type LocalizedText } from '../common/localized-text.js';
import { ReportRegistry, type DayCount } from '../reports/report-registry.js';

/** Report section: signatures per day, per action and per target with delivery status. */
@Injectable()
export class SignaturesReport implements OnModuleInit {
  constructor(
    private readonly registry: ReportRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register({ key: 'signatures', build: (id, lang) => this.build(id, lang) });
  }

  private async build(campaignId: string, lang: Locale) {
    const perDay = (await this.dataSource.query(
      `SELECT to_char(date_trunc('day', g.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*)::int AS count
         FROM signatures g JOIN letter_actions a ON a.id = g.action_id
        WHERE a.campaign_id = $1 GROUP BY 1 ORDER BY 1`,
      [campaignId],
    )) as DayCount[];
    const actions = (await this.dataSource.query(
      `SELECT a.id, a.slug, a.title, a.status, a.signature_goal AS goal,
              (SELECT count(*)::int FROM signatures g WHERE g.action_id = a.id) AS count
         FROM letter_actions a WHERE a.campaign_id = $1 ORDER BY a.created_at, a.id`,
      [campaignId],
    )) as {
      id: string;
      slug: string;
      title: LocalizedText;
      status: string;
      goal: number | null;
      count: number;
    }[];
    const targets = (await this.dataSource.query(
      `SELECT lt.action_id AS "actionId", t.name, t.organization,
              (SELECT max(d.up_to_seq) FROM deliveries d WHERE d.action_id = lt.action_id AND d.target_id = t.id
                 AND coalesce(d.mail_status, 'sent') = 'sent') AS "upToSeq",
              (SELECT max(d.delivered_at) FROM deliveries d WHERE d.action_id = lt.action_id AND d.target_id = t.id) AS "lastDeliveredAt",
              (SELECT count(*)::int FROM signatures g WHERE g.action_id = lt.action_id
                 AND g.seq <= coalesce((SELECT max(d.up_to_seq) FROM deliveries d WHERE d.action_id = lt.action_id
                   AND d.target_id = t.id AND coalesce(d.mail_status, 'sent') = 'sent'), 0)) AS delivered
         FROM letter_action_targets lt JOIN targets t ON t.id = lt.target_id
         JOIN letter_actions a ON a.id = lt.action_id
        WHERE a.campaign_id = $1 ORDER BY lt.action_id, lt.position, t.name`,
      [campaignId],
    )) as {
      actionId: string;
      name: LocalizedText;
      organization: string | null;
      lastDeliveredAt: Date | null;
      delivered: number;
    }[];
    return {
      total: actions.reduce((n, a) => n + a.count, 0),
      perDay,
      actions: actions.map((a) => ({
        slug: a.slug,
        title: localize(a.title, lang),
        status: a.status,
        count: a.count,
        goal: a.goal,
        targets: targets
          .filter((t) => t.actionId === a.id)
          .map((t) => ({
            // In the report's language, like the titles (it was the raw { en, es } object).
            name: localize(t.name, lang),
            organization: t.organization,
            delivered: t.delivered,
            undelivered: a.count - t.delivered,
            lastDeliveredAt: t.lastDeliveredAt,
          })),
      })),
    };
  }
}
