import { createEvent } from 'ics';

/** What a calendar file shows of an event: only what its reader may see (a hidden address is left out). */
export interface CalendarEventFields {
  id: string;
  title: string;
  description?: string | null;
  venue?: string | null;
  address?: string | null;
  city?: string | null;
  onlineUrl?: string | null;
  startsAt: Date | string;
  endsAt?: Date | string | null;
}

/**
 * An .ics file (UTC times) for an event: the public page's download and the RSVP confirmation's
 * attachment. `link` (the event page, or the supporter's manage link) is its URL and ends its description.
 */
export function eventCalendarFile(e: CalendarEventFields, link: string): string {
  const { error, value } = createEvent({
    uid: `${e.id}@puente`,
    title: e.title,
    description: [e.description, link].filter(Boolean).join('\n\n'),
    location: [e.venue, e.address, e.city].filter(Boolean).join(', ') || e.onlineUrl || undefined,
    url: link,
    start: new Date(e.startsAt).getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    ...(e.endsAt
      ? { end: new Date(e.endsAt).getTime(), endInputType: 'utc' as const, endOutputType: 'utc' as const }
      : { duration: { hours: 2 } }),
    status: 'CONFIRMED',
    productId: 'puente',
  });
  if (error || !value) throw error ?? new Error('calendar file not built');
  return value;
}
