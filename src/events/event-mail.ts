import { isLocale, localize, type Locale, type LocalizedText } from '../common/localized-text.js';
import { formatEventTime } from './event-time.js';

/** One RSVP with its supporter's name and its event: what every event mail is rendered from (at send time). */
export interface MailRow {
  rsvpId: string;
  status: string;
  guests: number;
  firstName: string | null;
  offerExpiresAt: Date | null;
  eventId: string;
  title: LocalizedText;
  description: LocalizedText | null;
  venue: string | null;
  address: string | null;
  city: string | null;
  onlineUrl: string | null;
  startsAt: Date;
  endsAt: Date | null;
  timezone: string;
  revealAddressHoursBefore: number | null;
  campaignSlug: string;
  eventSlug: string;
}

export const ROW_SQL = `SELECT r.id AS "rsvpId", r.status, r.guests, s.first_name AS "firstName",
    r.offer_expires_at AS "offerExpiresAt", e.id AS "eventId", e.title, e.description, e.venue, e.address, e.city,
    e.online_url AS "onlineUrl", e.starts_at AS "startsAt", e.ends_at AS "endsAt", e.timezone,
    e.reveal_address_hours_before AS "revealAddressHoursBefore", c.slug AS "campaignSlug", e.slug AS "eventSlug"
  FROM rsvps r JOIN supporters s ON s.id = r.supporter_id JOIN events e ON e.id = r.event_id
  JOIN campaigns c ON c.id = e.campaign_id`;

/** The facts every event mail shows; the address only when `withAddress` (see addressInMail). */
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

/** A mail's language: the recipient's when it is one we write in, else English. */
export function mailLocale(r: { locale: string }): Locale {
  return isLocale(r.locale) ? r.locale : 'en';
}
