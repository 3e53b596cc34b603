import { createEvent } from 'ics';
import type { PublicEventView } from '../events/events.service.js';

/** An .ics file for an event's public view (no hidden address leaks: the view already left it out). */
export function eventIcs(e: PublicEventView, url: string): string {
  const { error, value } = createEvent({
    uid: `${e.id}@puente`,
    title: e.title,
    description: [e.description, url].filter(Boolean).join('\n\n'),
    location: [e.venue, e.address, e.city].filter(Boolean).join(', ') || e.onlineUrl || undefined,
    url,
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
