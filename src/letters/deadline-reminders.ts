import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, type EntityManager } from 'typeorm';
import { zoneAbbreviation } from '../common/zone-abbreviation.js';
import { isLocale, localize, type Locale, type LocalizedText } from '../common/localized-text.js';
import { AppConfig } from '../config/config.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { PledgesService } from '../supporters/pledges.service.js';
import { publicLinks } from '../common/public-links.js';

/** How long before a letter's deadline its reminder goes out. */
export const DEADLINE_REMINDER_HOURS = 48;

interface Recipient {
  supporterId: string;
  locale: string;
  timezone: string | null;
  firstName: string | null;
}

interface ActionRow {
  id: string;
  slug: string;
  status: string;
  deadline: Date | null;
  title: LocalizedText;
  campaignId: string;
  campaignSlug: string;
  campaignTitle: LocalizedText;
}

const prefix = (actionId: string) => `letter:${actionId}:deadline:`;

/**
 * "Last chance to sign" 48 h before an open letter's deadline, to the campaign's supporters who pledged
 * `sign` and have not signed that letter. Scheduled in the transaction that opens the letter or moves
 * its deadline (and when a `sign` pledge is made while such a letter is open); at send time the hook
 * skips it when the supporter signed meanwhile or the letter closed, and it ends `expired` when its
 * turn comes after the deadline (a crash, an outage, quiet hours). Consent is the worker's check.
 */
@Injectable()
export class LetterDeadlineReminders implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reminders: RemindersService,
    private readonly pledges: PledgesService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.reminders.onSend('deadline-reminder', async (r) => {
      const actionId = r.data.actionId;
      if (typeof actionId !== 'string' || !r.supporterId) return { skip: 'no letter' };
      const [row] = (await this.dataSource.query(
        `SELECT a.status, a.deadline, exists(SELECT 1 FROM signatures s WHERE s.action_id = a.id AND s.supporter_id = $2) AS signed
           FROM letter_actions a WHERE a.id = $1`,
        [actionId, r.supporterId],
      )) as { status: string; deadline: Date | null; signed: boolean }[];
      if (!row || row.status !== 'open') return { skip: 'letter not open' };
      if (row.signed) return { skip: 'already signed' };
      // Past the deadline the letter takes no signature: the worker ends the reminder `expired`.
      return row.deadline ? { data: { usefulUntilIso: row.deadline.toISOString() } } : null;
    });
    this.pledges.onCreated(async (m, p) => {
      if (p.kind !== 'sign') return;
      const actions = (await m.query(
        `SELECT id FROM letter_actions WHERE campaign_id = $1 AND status = 'open' AND deadline IS NOT NULL`,
        [p.campaignId],
      )) as { id: string }[];
      for (const a of actions) await this.forAction(m, a.id, p.supporterId);
    });
  }

  /**
   * (Re)schedules the reminders of one letter from its state in this transaction: open with a deadline →
   * one per pledged, unsigned supporter (moved when the deadline moved); otherwise all cancelled.
   * With `onlySupporterId`, only that supporter's.
   */
  async forAction(m: EntityManager, actionId: string, onlySupporterId?: string): Promise<void> {
    const [a] = (await m.query(
      `SELECT a.id, a.slug, a.status, a.deadline, a.title, c.id AS "campaignId", c.slug AS "campaignSlug",
              c.title AS "campaignTitle"
         FROM letter_actions a JOIN campaigns c ON c.id = a.campaign_id WHERE a.id = $1`,
      [actionId],
    )) as ActionRow[];
    if (!a) return;
    const keyPrefix = onlySupporterId ? `${prefix(actionId)}${onlySupporterId}` : prefix(actionId);
    await this.reminders.cancel(m, keyPrefix);
    if (a.status !== 'open' || !a.deadline) return;
    const recipients = (await m.query(
      `SELECT p.supporter_id AS "supporterId", s.locale, s.timezone, s.first_name AS "firstName"
         FROM pledges p JOIN supporters s ON s.id = p.supporter_id
        WHERE p.campaign_id = $1 AND p.kind = 'sign' AND s.erased_at IS NULL
          AND ($3::uuid IS NULL OR p.supporter_id = $3)
          AND NOT EXISTS (SELECT 1 FROM signatures g WHERE g.action_id = $2 AND g.supporter_id = p.supporter_id)
        ORDER BY p.supporter_id`,
      [a.campaignId, a.id, onlySupporterId ?? null],
    )) as Recipient[];
    const dueAt = new Date(a.deadline.getTime() - DEADLINE_REMINDER_HOURS * 3_600_000);
    for (const s of recipients) {
      const lang: Locale = isLocale(s.locale) ? s.locale : 'en';
      await this.reminders.schedule(m, {
        kind: 'deadline-reminder',
        template: 'deadline-reminder',
        subjectType: 'letter_action',
        subjectId: a.id,
        campaignId: a.campaignId,
        supporterId: s.supporterId,
        locale: lang,
        data: {
          firstName: s.firstName ?? undefined,
          letterTitle: localize(a.title, lang),
          deadline: formatDeadline(a.deadline, s.timezone, lang),
          signUrl: publicLinks.letter(this.config.publicBaseUrl, a.campaignSlug, a.slug),
          campaignTitle: localize(a.campaignTitle, lang),
          actionId: a.id,
        },
        dueAt,
        dedupeKey: `${prefix(a.id)}${s.supporterId}`,
      });
    }
  }
}

/** The deadline in the supporter's zone (UTC when unknown) and language, with the zone's name. */
function formatDeadline(at: Date, zone: string | null, lang: Locale): string {
  let dt = DateTime.fromJSDate(at).setZone(zone || 'UTC');
  if (!dt.isValid) dt = DateTime.fromJSDate(at).setZone('UTC');
  const pattern = lang === 'es' ? "cccc, d 'de' LLLL 'de' yyyy, HH:mm" : 'cccc, LLLL d, yyyy, h:mm a';
  return `${dt.setLocale(lang).toFormat(pattern)} ${zoneAbbreviation(at, dt.zoneName ?? 'UTC')}`;
}
