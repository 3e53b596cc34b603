import { DateTime } from 'luxon';
import type { Locale } from '../common/localized-text.js';
import { zoneAbbreviation } from '../common/zone-abbreviation.js';

/**
 * An instant in the event's own zone, in the reader's language, with the zone's abbreviation:
 * `short` → "sáb 14 mar, 12:00 CST" / "Sat, Mar 14, 12:00 PM EDT";
 * `long` (mail) → "sábado, 14 de marzo de 2026, 12:00 CST" / "Saturday, March 14, 2026, 12:00 PM EDT".
 */
export function formatEventTime(
  at: Date,
  zone: string,
  lang: Locale,
  style: 'short' | 'long' = 'short',
): string {
  const dt = DateTime.fromJSDate(at).setZone(zone).setLocale(lang);
  const pattern =
    lang === 'es'
      ? style === 'short'
        ? 'ccc d LLL, HH:mm'
        : "cccc, d 'de' LLLL 'de' yyyy, HH:mm"
      : style === 'short'
        ? 'ccc, LLL d, h:mm a'
        : 'cccc, LLLL d, yyyy, h:mm a';
  return `${dt.toFormat(pattern)} ${zoneAbbreviation(at, zone)}`;
}

const HOUR = 3_600_000;
const MIN_WINDOW = 30 * 60_000;

/**
 * Until when a freed seat is held for a waitlisted supporter:
 * - normally `now + WAITLIST_CLAIM_HOURS`;
 * - shortened so the offer ends one hour before the event starts (time to get there);
 * - but never shorter than 30 minutes (nor past the start), so a late offer is still claimable;
 * - no offer at all once the event has started (null): the door takes everyone anyway.
 */
export function offerExpiry(now: Date, startsAt: Date, claimHours: number): Date | null {
  const n = now.getTime();
  const start = startsAt.getTime();
  if (n >= start) return null;
  const wanted = Math.min(n + claimHours * HOUR, start - HOUR);
  const floor = Math.min(n + MIN_WINDOW, start);
  return new Date(Math.max(wanted, floor));
}

/** How long an event without `endsAt` is taken to last (its .ics says the same). */
export const DEFAULT_EVENT_HOURS = 2;

/**
 * Until when an RSVP's manage link works: a day after the event ends (its `endsAt`, else
 * {@link DEFAULT_EVENT_HOURS} after the start). Read from the event as it is when the link is used, so
 * moving the event moves the expiry of every link already mailed.
 */
export function manageLinkExpiry(e: { startsAt: Date; endsAt: Date | null }): Date {
  const end = e.endsAt ?? new Date(e.startsAt.getTime() + DEFAULT_EVENT_HOURS * HOUR);
  return new Date(end.getTime() + 24 * HOUR);
}

/**
 * Whether a mail sent at `now` may carry the address of an event to a supporter whose RSVP is in
 * `status`: only when going, and with `revealAddressHoursBefore` only from that many hours before the
 * start (the reminders include one at that moment, so a going supporter does get it).
 */
export function addressInMail(
  e: { startsAt: Date; revealAddressHoursBefore: number | null },
  status: string,
  now: Date,
): boolean {
  if (status !== 'going') return false;
  if (e.revealAddressHoursBefore === null) return true;
  return now.getTime() >= e.startsAt.getTime() - e.revealAddressHoursBefore * HOUR;
}
