import type { EventStatus } from './event.entity.js';

// An SQL/JavaScript twin, the two side by side and tested as a pair (test/twins.e2e-spec.ts): the SQL
// decides inside the one-statement RSVP (events.sql.ts), the JavaScript says why an RSVP was refused.
// A module of its own so the SQL builders can use it without importing the events service.

/** {@link rsvpClosedReason}'s rule as SQL over the event `x` at `now`: true while it takes RSVPs. */
export function rsvpOpenSql(x: string, now: string): string {
  return `(${x}.status = 'scheduled' AND ${x}.starts_at > ${now}
           AND (${x}.rsvp_deadline IS NULL OR ${x}.rsvp_deadline >= ${now}))`;
}

/** The code of an event that is not open (cancelled or completed). */
export type EventNotOpenCode = `event_${Exclude<EventStatus, 'scheduled'>}`;

/** Why an event takes no RSVP: the code of the 409. */
export type RsvpClosedCode = EventNotOpenCode | 'event_started' | 'rsvp_deadline_passed';

/** Why the event takes no RSVP at `now` (null when it does); {@link rsvpOpenSql} is the same in SQL. */
export function rsvpClosedReason(
  e: { status: EventStatus; startsAt: Date; rsvpDeadline: Date | null },
  now: Date,
): RsvpClosedCode | null {
  if (e.status !== 'scheduled') return `event_${e.status}`;
  if (now >= e.startsAt) return 'event_started';
  if (e.rsvpDeadline && now > e.rsvpDeadline) return 'rsvp_deadline_passed';
  return null;
}
