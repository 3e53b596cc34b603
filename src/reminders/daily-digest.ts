import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DateTime } from 'luxon';
import { query } from '../database/sql.js';
import { DataSource } from 'typeorm';
import { isLocale, localize, type Locale, type LocalizedText } from '../common/localized-text.js';
import { formatAmount } from '../common/money.js';
import { AppConfig } from '../config/config.js';
import type { TemplateDataMap } from '../mail/templates/templates.js';
import { PeriodicJobs } from '../scheduling/periodic-jobs.js';
import { RemindersService } from './reminders.service.js';
import { publicLinks } from '../common/public-links.js';

/** Local hour the digest goes out. */
export const DIGEST_HOUR = 8;

/**
 * Staff have no time zone of their own: the digest goes out at 08:00 in the zone of the campaign's
 * country (its most populous zone for countries with several), UTC when unknown.
 */
const COUNTRY_ZONES: Record<string, string> = {
  MX: 'America/Mexico_City',
  US: 'America/New_York',
  CA: 'America/Toronto',
  GT: 'America/Guatemala',
  SV: 'America/El_Salvador',
  HN: 'America/Tegucigalpa',
  NI: 'America/Managua',
  CR: 'America/Costa_Rica',
  PA: 'America/Panama',
  CO: 'America/Bogota',
  PE: 'America/Lima',
  CL: 'America/Santiago',
  AR: 'America/Argentina/Buenos_Aires',
  BR: 'America/Sao_Paulo',
  ES: 'Europe/Madrid',
  GB: 'Europe/London',
  DE: 'Europe/Berlin',
};

export function digestZone(country: string | null | undefined): string {
  return (country && COUNTRY_ZONES[country.trim().toUpperCase()]) || 'UTC';
}

/** The next DIGEST_HOUR:00 strictly after `now` in `zone`, and that local day (the dedupe key's date). */
export function nextDigestTime(now: Date, zone: string): { at: Date; day: string } {
  const local = DateTime.fromJSDate(now).setZone(zone);
  let at = local.set({ hour: DIGEST_HOUR, minute: 0, second: 0, millisecond: 0 });
  if (at.toMillis() <= now.getTime()) at = at.plus({ days: 1 });
  return { at: at.toJSDate(), day: at.toISODate()! };
}

interface Organizer {
  campaignId: string;
  userId: string;
  email: string;
  country: string | null;
  locale: string;
  title: LocalizedText;
}

/**
 * A daily summary to each organizer of each active campaign. The periodic job `reminders.daily-digest` schedules
 * `digest:<campaignId>:<userId>:<YYYY-MM-DD>` for the next 08:00 (campaign zone): the dedupe key makes
 * it once per organizer per day, however many instances tick. The counts are computed at send time
 * (the 24 hours before the digest's 08:00), so a late send still reports the right day.
 */
@Injectable()
export class DailyDigest implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reminders: RemindersService,
    private readonly config: AppConfig,
    private readonly jobs: PeriodicJobs,
  ) {}

  onModuleInit(): void {
    // Every DIGEST_SCHEDULE_SECONDS (off with REMINDERS_ENABLED=false); see jobs.ts.
    this.jobs.handle('reminders.daily-digest', (now) => this.schedule(now));
    this.reminders.onSend('daily-digest', (r) => this.counts(r.campaignId, r.locale, r.data));
  }

  /** Schedules the next digest of every organizer of every active campaign. Returns how many. */
  async schedule(now: Date): Promise<number> {
    const rows = await query<Organizer>(
      this.dataSource,
      `SELECT c.id AS "campaignId", u.id AS "userId", u.email, c.country, c.default_locale AS locale, c.title
         FROM campaigns c
         JOIN (SELECT campaign_id, user_id FROM campaign_members WHERE role = 'organizer'
                UNION
               SELECT c2.id, om.user_id FROM organization_members om JOIN campaigns c2 ON c2.organization_id = om.organization_id
                WHERE om.role = 'organizer') cm ON cm.campaign_id = c.id
         JOIN users u ON u.id = cm.user_id AND u.disabled_at IS NULL
        WHERE c.status = 'active' ORDER BY c.id, u.id`,
    );
    for (const o of rows) {
      const zone = digestZone(o.country);
      const { at, day } = nextDigestTime(now, zone);
      const lang: Locale = isLocale(o.locale) ? o.locale : 'en';
      await this.reminders.schedule(undefined, {
        kind: 'daily-digest',
        template: 'daily-digest',
        subjectType: 'campaign',
        subjectId: o.campaignId,
        campaignId: o.campaignId,
        recipientEmail: o.email,
        locale: lang,
        data: {
          campaignTitle: localize(o.title, lang),
          timeZone: zone,
          userId: o.userId,
          untilIso: at.toISOString(),
          dashboardUrl: publicLinks.adminCampaign(this.config.publicBaseUrl, o.campaignId),
        },
        dueAt: at,
        dedupeKey: `digest:${o.campaignId}:${o.userId}:${day}`,
      });
    }
    return rows.length;
  }

  /** Send hook: still an organizer? Then the counts of the 24 hours before the digest's time. */
  private async counts(
    campaignId: string | null,
    locale: string,
    data: Record<string, unknown>,
  ): Promise<{ skip: string } | { data: Record<string, unknown> }> {
    const until = typeof data.untilIso === 'string' ? new Date(data.untilIso) : null;
    if (!campaignId || !until || Number.isNaN(until.getTime())) return { skip: 'bad digest data' };
    const [member] = await query<unknown>(
      this.dataSource,
      `SELECT 1 FROM users u WHERE u.id = $2 AND u.disabled_at IS NULL
          AND (EXISTS (SELECT 1 FROM campaign_members cm WHERE cm.campaign_id = $1 AND cm.user_id = u.id AND cm.role = 'organizer')
               OR EXISTS (SELECT 1 FROM organization_members om JOIN campaigns c ON c.organization_id = om.organization_id
                           WHERE c.id = $1 AND om.user_id = u.id AND om.role = 'organizer'))`,
      [campaignId, data.userId],
    );
    if (!member) return { skip: 'no longer an organizer' };
    const since = new Date(until.getTime() - 24 * 3_600_000);
    const params = [campaignId, since, until];
    const [c] = await query<{ pledges: number; signatures: number; rsvps: number }>(
      this.dataSource,
      `SELECT (SELECT count(*) FROM pledges WHERE campaign_id = $1 AND created_at >= $2 AND created_at < $3)::int AS pledges,
              (SELECT count(*) FROM signatures g JOIN letter_actions a ON a.id = g.action_id
                WHERE a.campaign_id = $1 AND g.created_at >= $2 AND g.created_at < $3)::int AS signatures,
              (SELECT count(*) FROM rsvps r JOIN events e ON e.id = r.event_id
                WHERE e.campaign_id = $1 AND r.created_at >= $2 AND r.created_at < $3)::int AS rsvps`,
      params,
    );
    const money = await query<{ currency: string; minor: string }>(
      this.dataSource,
      `SELECT d.currency, sum(d.amount_minor)::text AS minor FROM donations d JOIN fundraisers f ON f.id = d.fundraiser_id
        WHERE f.campaign_id = $1 AND d.status = 'received' AND d.received_at >= $2 AND d.received_at < $3
        GROUP BY d.currency ORDER BY d.currency`,
      params,
    );
    const es = locale === 'es';
    const zone = typeof data.timeZone === 'string' ? data.timeZone : 'UTC';
    const day = DateTime.fromJSDate(since)
      .setZone(zone)
      .setLocale(es ? 'es' : 'en');
    const extra = {
      date: day.toFormat(es ? "d 'de' LLLL 'de' yyyy" : 'LLLL d, yyyy'),
      pledges: c.pledges,
      signatures: c.signatures,
      rsvps: c.rsvps,
      moneyLines: money.map(
        (m) => `${formatAmount(BigInt(m.minor), m.currency)} ${es ? 'recibidos' : 'received'}`,
      ),
    } satisfies Partial<TemplateDataMap['daily-digest']>;
    return { data: extra };
  }
}
