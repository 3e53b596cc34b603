import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { query } from '../database/sql.js';
import { Clock } from '../common/clock.js';
import { localize, type Locale } from '../common/localized-text.js';
import { SignedTokens } from '../common/signed-token.js';
import { AppConfig } from '../config/config.js';
import { HotQueries } from '../database/hot-queries.js';
import type { MailAttachment } from '../mail/mail.transport.js';
import type { TemplateDataMap } from '../mail/templates/templates.js';
import {
  RemindersService,
  type ReminderHookAnswer,
  type ReminderToSend,
} from '../reminders/reminders.service.js';
import { eventCalendarFile } from './event-calendar.js';
import { publicLinks } from '../common/public-links.js';
import type { RsvpConfirmationState } from '../mail/templates/events.js';
import { eventFacts, mailLocale, ROW_SQL, type MailRow } from './event-mail.js';
import { addressInMail, formatEventTime } from './event-time.js';
import { epochMs, rsvpConfirmationSql, rsvpNoticeSql, rsvpRemindersSql } from './events.sql.js';
import type { OfferMade } from './seats.js';

/** What {@link EventReminders.setConfirmationExtras} adds to an RSVP confirmation (template fields). */
export type ConfirmationExtras = (row: MailRow, lang: Locale) => Promise<Record<string, unknown>>;

/** The purpose of the signed manage link mailed in reminders and notices (see RsvpsService.byToken). */
export const RSVP_MANAGE_PURPOSE = 'rsvp-manage';

/** `event:<eventId>:rsvp:<rsvpId>:<offset>m` — every reminder of an event shares `event:<eventId>:`. */
export const eventPrefix = (eventId: string) => `event:${eventId}:`;
export const rsvpPrefix = (eventId: string, rsvpId: string) => `event:${eventId}:rsvp:${rsvpId}:`;

/** RSVPs (`$1`, one id or an array) as the `src` of the SQL above, when their status is one of `statuses`. */
const rsvpSrc = (statuses: string[], where = 'r.id = $1') =>
  `(SELECT r.id AS rsvp_id, r.supporter_id, s.locale, r.event_id, r.offer_expires_at, r.status
      FROM rsvps r JOIN supporters s ON s.id = r.supporter_id
     WHERE ${where} AND r.status IN (${statuses.map((x) => `'${x}'`).join(', ')})) src`;

/** Whoever holds an RSVP (a seat, a place in line, an offer or a request awaiting approval). */
const HOLDING = ['going', 'waitlisted', 'offered', 'pending'];
/** The confirmation also goes to a cancelled RSVP's address (a repeat RSVP): it offers to come back. */
const CONFIRMABLE = [...HOLDING, 'cancelled'];

/**
 * Every event mail goes through the reminders queue, scheduled with the caller's transaction manager so
 * a rolled-back RSVP or event change never mails:
 * - the RSVP confirmation (with an .ics file when going) and the waitlist offer, queued due now;
 * - reminders at each of the event's `reminderOffsetsMinutes` before the start, for every `going` RSVP;
 * - the notices "event changed" and "event cancelled".
 * Immediate mail is transactional and handed to `RemindersService.sendNow` by the caller after the
 * commit. Notice keys start with `notice:`, so moving or cancelling the event's reminders never touches
 * them. What a mail shows of the event, the manage link (the RSVP id, HMAC'd — never stored) and the
 * calendar file are made when it is sent, from the RSVP and the event as they are then.
 */
@Injectable()
export class EventReminders implements OnModuleInit {
  private readonly logger = new Logger(EventReminders.name);
  private confirmationExtras: ConfirmationExtras | null = null;

  constructor(
    private readonly hot: HotQueries,
    private readonly reminders: RemindersService,
    private readonly tokens: SignedTokens,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // Caused by staff (an event changed or cancelled) or by another supporter's cancellation, not by
    // a public form the recipient (or someone with her address) filled in: not held to the hourly cap.
    // Nor is the reminder that reveals a hidden address (transactional, caused by the clock).
    this.reminders.notCausedByPublicForms(
      'event-changed',
      'event-cancelled',
      'waitlist-offer',
      'event-reminder',
    );
    this.reminders.onSend('event-reminder', (r) =>
      this.atSendTime(r, ['going'], (row, lang) => ({ data: eventFacts(row, lang, this.withAddress(row)) })),
    );
    this.reminders.onSend('event-changed', (r) =>
      this.atSendTime(r, HOLDING, (row, lang) => ({ data: eventFacts(row, lang, this.withAddress(row)) })),
    );
    this.reminders.onSend('event-cancelled', (r) =>
      this.atSendTime(r, HOLDING, (row, lang) => {
        const data = {
          firstName: row.firstName ?? undefined,
          eventTitle: localize(row.title, lang),
          when: formatEventTime(row.startsAt, row.timezone, lang, 'long'),
          place: row.city ?? undefined,
        } satisfies Omit<TemplateDataMap['event-cancelled'], 'note'>;
        return { data: { ...data } };
      }),
    );
    this.reminders.onSend('rsvp-confirmation', async (r) => {
      let row: MailRow | null = null;
      const answer = await this.atSendTime(r, CONFIRMABLE, (x, lang, manageUrl) => {
        row = x;
        return this.confirmationMail(x, lang, manageUrl);
      });
      if (!row || !answer || 'skip' in answer || !this.confirmationExtras) return answer;
      try {
        const extra = await this.confirmationExtras(row, mailLocale(r));
        return { ...answer, data: { ...answer.data, ...extra } };
      } catch (e) {
        // The confirmation matters more than its next step.
        this.logger.warn(`next step for rsvp ${(row as MailRow).rsvpId} not added: ${(e as Error).name}`);
        return answer;
      }
    });
    this.reminders.onSend('waitlist-offer', (r) =>
      this.atSendTime(r, ['offered'], (row, lang, manageUrl) => {
        const expires = row.offerExpiresAt;
        if (!expires || expires.getTime() <= this.clock.now().getTime())
          return { skip: 'the offer has expired' };
        const data = {
          ...eventFacts(row, lang, false),
          claimUrl: manageUrl,
          expiresAt: formatEventTime(expires, row.timezone, lang, 'long'),
        } satisfies TemplateDataMap['waitlist-offer'];
        return { data: { ...data } };
      }),
    );
  }

  /**
   * Fields added to every RSVP confirmation when it is sent: the next step and the page to share
   * (OutreachModule registers them; events know nothing of letters or pledges).
   */
  setConfirmationExtras(extras: ConfirmationExtras): void {
    this.confirmationExtras = extras;
  }

  /** The signed manage link of an RSVP (works on every `/api/public/rsvps/:token` route, and claims offers). */
  manageUrl(rsvpId: string): string {
    return `${this.config.publicBaseUrl}/rsvp/${this.tokens.sign(RSVP_MANAGE_PURPOSE, rsvpId)}`;
  }

  /**
   * Queues the confirmation of an RSVP — going, waitlisted, offered, pending, or cancelled (then it
   * offers to come back) — with its manage link; returns the id for `sendNow`.
   */
  async confirmation(m: EntityManager, rsvpId: string): Promise<string[]> {
    return this.queue(m, rsvpConfirmationSql(rsvpSrc(CONFIRMABLE), '$2::timestamptz'), [rsvpId]);
  }

  /** Whether a mail sent now may carry the event's address to this RSVP's holder (see addressInMail). */
  private withAddress(row: MailRow): boolean {
    return addressInMail(row, row.status, this.clock.now());
  }

  /** Queues the mail of each waitlist offer just made (one per offer); returns their ids for `sendNow`. */
  async offers(m: EntityManager, offers: OfferMade[]): Promise<string[]> {
    if (offers.length === 0) return [];
    const sql = rsvpNoticeSql(
      'waitlist-offer',
      rsvpSrc(['offered'], 'r.id = ANY($1::uuid[])'),
      '$2::timestamptz',
      `'notice:rsvp:' || src.rsvp_id || ':offer:' || ${epochMs('src.offer_expires_at')}`,
    );
    return this.queue(m, sql, [offers.map((o) => o.rsvpId)]);
  }

  /**
   * Schedules — or moves, when they exist — the reminders of one RSVP from the event as it is now in
   * this transaction. Not going (or the event not scheduled): its pending reminders are cancelled.
   * A reminder whose time has passed is recorded as skipped.
   */
  async forRsvp(m: EntityManager, rsvpId: string): Promise<void> {
    const [r] = await query<{ eventId: string; going: boolean }>(
      m,
      `SELECT r.event_id AS "eventId", r.status = 'going' AND e.status = 'scheduled' AS going
         FROM rsvps r JOIN events e ON e.id = r.event_id WHERE r.id = $1`,
      [rsvpId],
    );
    if (!r) return;
    if (!r.going) {
      await this.reminders.cancel(m, rsvpPrefix(r.eventId, rsvpId));
      return;
    }
    await m.query(rsvpRemindersSql(rsvpSrc(['going']), '$2::timestamptz'), [rsvpId, this.clock.now()]);
  }

  /**
   * The event moved, changed its offsets or its facts: every reminder of it is cancelled and scheduled
   * again for the going RSVPs (the same rows come back with their new time; a removed offset stays
   * cancelled). Sent reminders are never touched.
   */
  async forEvent(m: EntityManager, eventId: string): Promise<void> {
    await this.reminders.cancel(m, eventPrefix(eventId));
    await m.query(
      rsvpRemindersSql(
        `(SELECT r.id AS rsvp_id, r.supporter_id, s.locale, r.event_id FROM rsvps r
            JOIN supporters s ON s.id = r.supporter_id
           WHERE r.event_id = $1 AND r.status = 'going' AND NOT r.walk_in) src`,
        '$2::timestamptz',
      ),
      [eventId, this.clock.now()],
    );
  }

  async cancelRsvp(m: EntityManager, eventId: string, rsvpId: string): Promise<void> {
    await this.reminders.cancel(m, rsvpPrefix(eventId, rsvpId));
  }

  async cancelEvent(m: EntityManager, eventId: string): Promise<void> {
    await this.reminders.cancel(m, eventPrefix(eventId));
  }

  /**
   * "The event changed (time or place)", with the organizer's note, to everyone who holds an RSVP,
   * queued due now. Returns the reminder ids to hand to `RemindersService.sendNow` after the commit.
   */
  async changed(m: EntityManager, eventId: string, note?: string): Promise<string[]> {
    const sql = rsvpNoticeSql(
      'event-changed',
      rsvpSrc(HOLDING, 'r.event_id = $1'),
      '$2::timestamptz',
      `'notice:event:' || e.id || ':changed:' || src.rsvp_id || ':' || ${epochMs('$2::timestamptz')}`,
      `jsonb_strip_nulls(jsonb_build_object('note', $3::text))`,
    );
    return this.queue(m, sql, [eventId, note ?? null]);
  }

  /** "The event is cancelled", with the note, to the given RSVP holders, queued due now; returns the ids. */
  async cancelled(m: EntityManager, eventId: string, rsvpIds: string[], note?: string): Promise<string[]> {
    if (rsvpIds.length === 0) return [];
    const sql = rsvpNoticeSql(
      'event-cancelled',
      rsvpSrc(HOLDING, 'r.id = ANY($1::uuid[])'),
      '$2::timestamptz',
      `'notice:event:' || e.id || ':cancelled:' || src.rsvp_id`,
      `jsonb_strip_nulls(jsonb_build_object('note', $3::text))`,
    );
    return this.queue(m, sql, [rsvpIds, note ?? null]);
  }

  /** Runs a notice statement (`$2` is now) and answers the ids it queued. */
  private async queue(m: EntityManager, sql: string, params: unknown[]): Promise<string[]> {
    const [first, ...rest] = params;
    const rows = await query<{
      id: string;
    }>(m, `${sql} RETURNING id`, [first, this.clock.now(), ...rest]);
    return rows.map((r) => r.id);
  }

  /**
   * The confirmation, by the RSVP's state when sent: going (with the address when it may be mailed now,
   * and a calendar file), waitlisted, offered, pending approval, or cancelled (the link to come back).
   */
  private confirmationMail(r: MailRow, lang: Locale, manageUrl: string): NonNullable<ReminderHookAnswer> {
    const going = r.status === 'going';
    const withAddress = this.withAddress(r);
    const data = {
      ...eventFacts(r, lang, withAddress),
      manageUrl,
      state: r.status as RsvpConfirmationState,
      waitlisted: r.status === 'waitlisted' || r.status === 'offered',
      guests: r.guests,
    } satisfies TemplateDataMap['rsvp-confirmation'];
    let attachments: MailAttachment[] | undefined;
    if (going) {
      try {
        const ics = eventCalendarFile(
          {
            id: r.eventId,
            title: localize(r.title, lang),
            description: localize(r.description, lang),
            ...(withAddress ? { venue: r.venue, address: r.address, onlineUrl: r.onlineUrl } : {}),
            city: r.city,
            startsAt: r.startsAt,
            endsAt: r.endsAt,
          },
          // The public event page, never the manage link: a calendar file gets shared and synced.
          publicLinks.event(this.config.publicBaseUrl, r.campaignSlug, r.eventSlug),
        );
        attachments = [{ filename: 'event.ics', content: ics, contentType: 'text/calendar; charset=utf-8' }];
      } catch (e) {
        // The confirmation matters more than its attachment.
        this.logger.warn(`calendar file for rsvp ${r.rsvpId} not built: ${(e as Error).name}`);
      }
    }
    return { data: { ...data }, attachments };
  }

  /**
   * Send hook of every RSVP mail: the RSVP must still be in one of `statuses` (a reminder to someone
   * who cancelled, an offer already claimed, is skipped); `build` makes the mail's fields from the RSVP
   * and event as they are now, in the reminder's language; the signed manage link is added to them.
   */
  private async atSendTime(
    r: ReminderToSend,
    statuses: string[],
    build: (row: MailRow, lang: Locale, manageUrl: string) => NonNullable<ReminderHookAnswer>,
  ): Promise<ReminderHookAnswer> {
    const rsvpId = r.data.rsvpId;
    // Not scheduled by this class (no RSVP behind it): sent with the data it was given.
    if (typeof rsvpId !== 'string') return null;
    const [row] = await this.hot.query<MailRow>('events.mail-row', `${ROW_SQL} WHERE r.id = $1`, [rsvpId]);
    if (!row || !statuses.includes(row.status)) return { skip: 'rsvp no longer holds a place' };
    const manageUrl = this.manageUrl(rsvpId);
    const answer = build(row, mailLocale(r), manageUrl);
    return 'skip' in answer ? answer : { ...answer, data: { ...answer.data, manageUrl } };
  }
}
