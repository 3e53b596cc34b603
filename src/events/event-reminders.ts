import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { localize } from '../common/localized-text.js';
import { SignedTokens } from '../common/signed-token.js';
import { AppConfig } from '../config/config.js';
import type { TemplateDataMap } from '../mail/templates/templates.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { formatEventTime } from './event-time.js';
import { eventFacts, mailLocale, ROW_SQL, type MailRow } from './rsvp-mailer.js';

/** The purpose of the signed manage link mailed in reminders and notices (see RsvpsService.byToken). */
export const RSVP_MANAGE_PURPOSE = 'rsvp-manage';

interface ReminderRow extends MailRow {
  campaignId: string;
  offsets: number[];
  eventStatus: string;
}

const REMINDER_SQL = ROW_SQL.replace(
  'FROM rsvps r',
  `, e.campaign_id AS "campaignId", e.reminder_offsets_minutes AS offsets, e.status AS "eventStatus" FROM rsvps r`,
);

/** `event:<eventId>:rsvp:<rsvpId>:<offset>m` — every reminder of an event shares `event:<eventId>:`. */
export const eventPrefix = (eventId: string) => `event:${eventId}:`;
export const rsvpPrefix = (eventId: string, rsvpId: string) => `event:${eventId}:rsvp:${rsvpId}:`;

/**
 * The event mail that goes through the reminders queue, always scheduled with the caller's transaction
 * manager so a rolled-back RSVP or event change never mails:
 * - reminders at each of the event's `reminderOffsetsMinutes` before the start, for every `going` RSVP;
 * - the notices "event changed" and "event cancelled" (transactional, due now, sent right after the
 *   commit by `ReminderWorker.sendNow`). Notice keys start with `notice:` so moving or cancelling the
 *   event's reminders never touches them.
 * The manage link is signed at send time (never stored in the table): the RSVP id, HMAC'd.
 */
@Injectable()
export class EventReminders implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reminders: RemindersService,
    private readonly tokens: SignedTokens,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.reminders.onSend('event-reminder', (r) => this.withManageUrl(r.data, ['going']));
    this.reminders.onSend('event-changed', (r) =>
      this.withManageUrl(r.data, ['going', 'waitlisted', 'offered']),
    );
  }

  /** The signed manage link of an RSVP (works on every `/api/public/rsvps/:token` route). */
  manageUrl(rsvpId: string): string {
    return `${this.config.publicBaseUrl}/rsvp/${this.tokens.sign(RSVP_MANAGE_PURPOSE, rsvpId)}`;
  }

  /**
   * Schedules — or moves, when they exist — the reminders of one RSVP from the event as it is now in
   * this transaction. Not going (or the event not scheduled): its pending reminders are cancelled.
   * A reminder whose time has passed is recorded as skipped by RemindersService.
   */
  async forRsvp(m: EntityManager, rsvpId: string): Promise<void> {
    const rows = (await m.query(`${REMINDER_SQL} WHERE r.id = $1`, [rsvpId])) as ReminderRow[];
    if (rows[0]) await this.scheduleRow(m, rows[0]);
  }

  /**
   * The event moved, changed its offsets or its facts: every reminder of it is cancelled and scheduled
   * again for the going RSVPs (the same rows come back with their new time and text; a removed offset
   * stays cancelled). Sent reminders are never touched.
   */
  async forEvent(m: EntityManager, eventId: string): Promise<void> {
    await this.reminders.cancel(m, eventPrefix(eventId));
    const rows = (await m.query(
      `${REMINDER_SQL} WHERE r.event_id = $1 AND r.status = 'going' AND NOT r.walk_in ORDER BY r.id`,
      [eventId],
    )) as ReminderRow[];
    for (const row of rows) await this.scheduleRow(m, row);
  }

  async cancelRsvp(m: EntityManager, eventId: string, rsvpId: string): Promise<void> {
    await this.reminders.cancel(m, rsvpPrefix(eventId, rsvpId));
  }

  async cancelEvent(m: EntityManager, eventId: string): Promise<void> {
    await this.reminders.cancel(m, eventPrefix(eventId));
  }

  /**
   * "The event changed (time or place)" to everyone who holds an RSVP, queued due now. Returns the
   * reminder ids to hand to `ReminderWorker.sendNow` after the commit.
   */
  async changed(m: EntityManager, eventId: string, note?: string): Promise<string[]> {
    const now = this.clock.now();
    const rows = (await m.query(
      `${REMINDER_SQL} WHERE r.event_id = $1 AND r.status IN ('going', 'waitlisted', 'offered') ORDER BY r.id`,
      [eventId],
    )) as ReminderRow[];
    const ids: string[] = [];
    for (const r of rows) {
      const lang = mailLocale(r);
      const { id } = await this.reminders.schedule(m, {
        kind: 'event-changed',
        template: 'event-changed',
        subjectType: 'event',
        subjectId: r.eventId,
        campaignId: r.campaignId,
        supporterId: r.supporterId,
        locale: lang,
        // manageUrl is added at send time (event-changed hook).
        data: { ...eventFacts(r, lang, r.status === 'going'), note, rsvpId: r.rsvpId },
        dueAt: now,
        sendNowIfPast: true,
        transactional: true,
        dedupeKey: `notice:event:${r.eventId}:changed:${r.rsvpId}:${now.getTime()}`,
      });
      ids.push(id);
    }
    return ids;
  }

  /** "The event is cancelled" to the given RSVP holders, queued due now; returns the reminder ids. */
  async cancelled(m: EntityManager, eventId: string, rsvpIds: string[], note?: string): Promise<string[]> {
    if (rsvpIds.length === 0) return [];
    const now = this.clock.now();
    const rows = (await m.query(`${REMINDER_SQL} WHERE r.id = ANY($1::uuid[]) ORDER BY r.id`, [
      rsvpIds,
    ])) as ReminderRow[];
    const ids: string[] = [];
    for (const r of rows) {
      const lang = mailLocale(r);
      const data = {
        firstName: r.firstName ?? undefined,
        eventTitle: localize(r.title, lang),
        when: formatEventTime(r.startsAt, r.timezone, lang, 'long'),
        place: r.city ?? undefined,
        note,
      } satisfies TemplateDataMap['event-cancelled'];
      const { id } = await this.reminders.schedule(m, {
        kind: 'event-cancelled',
        template: 'event-cancelled',
        subjectType: 'event',
        subjectId: eventId,
        campaignId: r.campaignId,
        supporterId: r.supporterId,
        locale: lang,
        data: { ...data },
        dueAt: now,
        sendNowIfPast: true,
        transactional: true,
        dedupeKey: `notice:event:${eventId}:cancelled:${r.rsvpId}`,
      });
      ids.push(id);
    }
    return ids;
  }

  private async scheduleRow(m: EntityManager, r: ReminderRow): Promise<void> {
    const prefix = rsvpPrefix(r.eventId, r.rsvpId);
    if (r.status !== 'going' || r.eventStatus !== 'scheduled') {
      await this.reminders.cancel(m, prefix);
      return;
    }
    const lang = mailLocale(r);
    const offsets = [...new Set(r.offsets ?? [])].filter((o) => Number.isSafeInteger(o) && o > 0);
    for (const offset of offsets) {
      await this.reminders.schedule(m, {
        kind: 'event-reminder',
        template: 'event-reminder',
        subjectType: 'event',
        subjectId: r.eventId,
        campaignId: r.campaignId,
        supporterId: r.supporterId,
        locale: lang,
        // startsAtIso: quiet hours never hold it past the start, startsInMinutes is recomputed at send
        // time; manageUrl is signed at send time (event-reminder hook).
        data: {
          ...eventFacts(r, lang, true),
          startsInMinutes: offset,
          startsAtIso: r.startsAt.toISOString(),
          timeZone: r.timezone,
          rsvpId: r.rsvpId,
        },
        dueAt: new Date(r.startsAt.getTime() - offset * 60_000),
        dedupeKey: `${prefix}${offset}m`,
      });
    }
  }

  /** Send hook: the RSVP must still be in one of `statuses`; adds its signed manage link. */
  private async withManageUrl(
    data: Record<string, unknown>,
    statuses: string[],
  ): Promise<{ skip: string } | { data: Record<string, unknown> } | null> {
    const rsvpId = data.rsvpId;
    // Not scheduled by this class (no RSVP behind it): sent with the data it was given.
    if (typeof rsvpId !== 'string') return null;
    const rows = (await this.dataSource.query(`SELECT status FROM rsvps WHERE id = $1`, [rsvpId])) as {
      status: string;
    }[];
    if (!rows[0] || !statuses.includes(rows[0].status)) return { skip: 'rsvp no longer holds a place' };
    return { data: { manageUrl: this.manageUrl(rsvpId) } };
  }
}
