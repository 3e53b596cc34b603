import { Injectable, Logger } from '@nestjs/common';
import { createEvent } from 'ics';
import { DataSource } from 'typeorm';
import { isLocale, localize, type Locale, type LocalizedText } from '../common/localized-text.js';
import { AppConfig } from '../config/config.js';
import { MailService } from '../mail/mail.service.js';
import type { TemplateDataMap } from '../mail/templates/templates.js';
import { formatEventTime } from './event-time.js';
import type { OfferMade } from './seats.js';

export interface MailRow {
  rsvpId: string;
  status: string;
  guests: number;
  supporterId: string;
  email: string | null;
  firstName: string | null;
  locale: string;
  eventId: string;
  title: LocalizedText;
  description: LocalizedText | null;
  kind: string;
  venue: string | null;
  address: string | null;
  city: string | null;
  onlineUrl: string | null;
  startsAt: Date;
  endsAt: Date | null;
  timezone: string;
}

export const ROW_SQL = `SELECT r.id AS "rsvpId", r.status, r.guests, s.id AS "supporterId", s.email, s.first_name AS "firstName",
    s.locale, e.id AS "eventId", e.title, e.description, e.kind, e.venue, e.address, e.city, e.online_url AS "onlineUrl",
    e.starts_at AS "startsAt", e.ends_at AS "endsAt", e.timezone
  FROM rsvps r JOIN supporters s ON s.id = r.supporter_id JOIN events e ON e.id = r.event_id`;

/** The facts every event mail shows; the address only when `withAddress` (the supporter is going). */
export function eventFacts(r: MailRow, lang: Locale, withAddress: boolean) {
  const online = lang === 'es' ? 'En línea' : 'Online';
  const place = withAddress ? [r.venue, r.address, r.city].filter(Boolean).join(', ') : (r.city ?? '');
  return {
    firstName: r.firstName ?? undefined,
    eventTitle: localize(r.title, lang),
    when: formatEventTime(r.startsAt, r.timezone, lang, 'long'),
    place: place || (r.onlineUrl ? online : '—'),
    onlineUrl: withAddress ? (r.onlineUrl ?? undefined) : undefined,
  };
}

export function mailLocale(r: Pick<MailRow, 'locale'>): Locale {
  return isLocale(r.locale) ? r.locale : 'en';
}

/**
 * The mails about RSVPs, sent after the transaction that caused them committed. A mail that fails is
 * recorded by MailService (`messages.status = failed`) and logged by id here; it never fails the RSVP.
 * The confirmation (with its .ics file and the plaintext manage token, which is never stored) and the
 * waitlist offer (the plaintext offer token) stay direct; event changed/cancelled notices and reminders
 * go through the reminders queue (event-reminders.ts).
 */
@Injectable()
export class RsvpMailer {
  private readonly logger = new Logger(RsvpMailer.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  manageUrl(token: string): string {
    return `${this.config.publicBaseUrl}/rsvp/${token}`;
  }

  /** RSVP confirmation (going, with an .ics file; or waitlisted) with the manage link. */
  async confirmation(rsvpId: string, token: string): Promise<void> {
    await this.guard('rsvp-confirmation', rsvpId, async () => {
      const r = await this.row(rsvpId);
      if (!r?.email || (r.status !== 'going' && r.status !== 'waitlisted')) return;
      const lang = this.lang(r);
      const going = r.status === 'going';
      const data = {
        ...this.eventData(r, lang, true),
        manageUrl: this.manageUrl(token),
        waitlisted: !going,
        guests: r.guests,
      } satisfies TemplateDataMap['rsvp-confirmation'];
      await this.mail.send({
        to: r.email,
        template: 'rsvp-confirmation',
        locale: lang,
        data: { ...data },
        supporterId: r.supporterId,
        related: { type: 'rsvp', id: r.rsvpId },
        attachments: going ? this.ics(r, lang, this.manageUrl(token)) : undefined,
      });
    });
  }

  async offers(offers: OfferMade[]): Promise<void> {
    for (const o of offers) {
      await this.guard('waitlist-offer', o.rsvpId, async () => {
        const r = await this.row(o.rsvpId);
        const expires = (
          (await this.dataSource.query(`SELECT offer_expires_at AS at FROM rsvps WHERE id = $1`, [
            o.rsvpId,
          ])) as { at: Date | null }[]
        )[0]?.at;
        if (!r?.email || r.status !== 'offered' || !expires) return;
        const lang = this.lang(r);
        const data = {
          ...this.eventData(r, lang, false),
          claimUrl: this.manageUrl(o.offerToken),
          expiresAt: formatEventTime(expires, r.timezone, lang, 'long'),
        } satisfies TemplateDataMap['waitlist-offer'];
        await this.mail.send({
          to: r.email,
          template: 'waitlist-offer',
          locale: lang,
          data: { ...data },
          supporterId: r.supporterId,
          related: { type: 'rsvp', id: r.rsvpId },
        });
      });
    }
  }

  private async guard(template: string, rsvpId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      // Ids only: never the address or the name.
      this.logger.warn(`${template} for rsvp ${rsvpId} not sent: ${(e as Error).name}`);
    }
  }

  private async row(rsvpId: string): Promise<MailRow | null> {
    const rows = (await this.dataSource.query(`${ROW_SQL} WHERE r.id = $1`, [rsvpId])) as MailRow[];
    return rows[0] ?? null;
  }

  private lang(r: MailRow): Locale {
    return isLocale(r.locale) ? r.locale : 'en';
  }

  private eventData(r: MailRow, lang: Locale, withAddress: boolean) {
    return eventFacts(r, lang, withAddress);
  }

  private ics(r: MailRow, lang: Locale, manageUrl: string) {
    const start = r.startsAt.getTime();
    const { error, value } = createEvent({
      uid: `${r.eventId}@puente`,
      title: localize(r.title, lang),
      description: [localize(r.description, lang), manageUrl].filter(Boolean).join('\n\n'),
      location: [r.venue, r.address, r.city].filter(Boolean).join(', ') || r.onlineUrl || undefined,
      url: r.onlineUrl ?? undefined,
      start,
      startInputType: 'utc',
      startOutputType: 'utc',
      ...(r.endsAt
        ? { end: r.endsAt.getTime(), endInputType: 'utc' as const, endOutputType: 'utc' as const }
        : { duration: { hours: 2 } }),
      status: 'CONFIRMED',
      productId: 'puente',
    });
    if (error || !value) {
      this.logger.warn(`calendar file for rsvp ${r.rsvpId} not built: ${error?.name ?? 'empty'}`);
      return undefined;
    }
    return [{ filename: 'event.ics', content: value, contentType: 'text/calendar; charset=utf-8' }];
  }
}
