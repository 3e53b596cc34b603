import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { localize, type Locale, type LocalizedText } from '../common/localized-text.js';
import { ReportRegistry } from '../reports/report-registry.js';

/** Report section: RSVPs against check-ins per event. */
@Injectable()
export class RsvpsReport implements OnModuleInit {
  constructor(
    private readonly registry: ReportRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register({ key: 'events', build: (id, lang) => this.build(id, lang) });
  }

  private async build(campaignId: string, lang: Locale) {
    const rows = (await this.dataSource.query(
      `SELECT e.slug, e.title, e.status, e.starts_at AS "startsAt", e.timezone, e.capacity,
              count(r.*) FILTER (WHERE r.status = 'going')::int AS going,
              coalesce(sum(1 + r.guests) FILTER (WHERE r.status = 'going'), 0)::int AS "goingPeople",
              count(r.*) FILTER (WHERE r.status = 'waitlisted')::int AS waitlisted,
              count(r.*) FILTER (WHERE r.checked_in_at IS NOT NULL)::int AS "checkedIn",
              count(r.*) FILTER (WHERE r.no_show)::int AS "noShow"
         FROM events e LEFT JOIN rsvps r ON r.event_id = e.id
        WHERE e.campaign_id = $1 GROUP BY e.id ORDER BY e.starts_at, e.id`,
      [campaignId],
    )) as ({ title: LocalizedText } & Record<string, unknown>)[];
    return rows.map((r) => ({ ...r, title: localize(r.title, lang) }));
  }
}
