/**
 * "Add to Google / Outlook / Apple" for an event page and the page after an RSVP. Google and Outlook
 * take URL templates; Apple (and every other calendar) gets the event's `.ics` file. Times are written
 * on the event's own wall clock with its zone (Google: `dates` + `ctz`; Outlook: ISO 8601 with the
 * zone's offset at that instant), so a picket at 1 pm in Detroit shows at 1 pm Detroit time whatever
 * the reader's phone is set to. Only what the reader may see goes in: a hidden address is left out
 * (the caller passes the public view, where it is absent).
 */
export interface CalendarLinkEvent {
  title: string;
  description?: string | null;
  venue?: string | null;
  address?: string | null;
  city?: string | null;
  onlineUrl?: string | null;
  startsAt: Date | string;
  endsAt?: Date | string | null;
  /** IANA zone, e.g. America/Detroit. */
  timezone: string;
}

export interface CalendarLinks {
  google: string;
  outlook: string;
  /** The `.ics` download (Apple Calendar and the rest). */
  apple: string;
}

const TWO_HOURS = 2 * 3600 * 1000;

/** The wall-clock parts of an instant in `zone`. */
function wallClock(t: Date, zone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(t);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    y: get('year'),
    mo: get('month'),
    d: get('day'),
    h: get('hour'),
    mi: get('minute'),
    s: get('second'),
  };
}

/** `20300601T130000`: the instant on the zone's wall clock (Google's `dates` with `ctz`). */
export function compactLocal(t: Date, zone: string): string {
  const w = wallClock(t, zone);
  return `${w.y}${w.mo}${w.d}T${w.h}${w.mi}${w.s}`;
}

/** `2030-06-01T13:00:00-04:00`: the instant on the zone's wall clock with the zone's offset then. */
export function isoWithOffset(t: Date, zone: string): string {
  const w = wallClock(t, zone);
  const asUtc = Date.UTC(+w.y, +w.mo - 1, +w.d, +w.h, +w.mi, +w.s);
  const minutes = Math.round((asUtc - Math.floor(t.getTime() / 1000) * 1000) / 60000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${w.y}-${w.mo}-${w.d}T${w.h}:${w.mi}:${w.s}${off}`;
}

/** The three links; `pageUrl` is the public event page (ends the description), `icsUrl` its `.ics`. */
export function calendarLinks(e: CalendarLinkEvent, pageUrl: string, icsUrl: string): CalendarLinks {
  const start = new Date(e.startsAt);
  const end = e.endsAt ? new Date(e.endsAt) : new Date(start.getTime() + TWO_HOURS);
  const location = [e.venue, e.address, e.city].filter(Boolean).join(', ') || e.onlineUrl || '';
  const details = [e.description, e.onlineUrl && location !== e.onlineUrl ? e.onlineUrl : null, pageUrl]
    .filter(Boolean)
    .join('\n\n');
  const google = new URLSearchParams({
    action: 'TEMPLATE',
    text: e.title,
    dates: `${compactLocal(start, e.timezone)}/${compactLocal(end, e.timezone)}`,
    ctz: e.timezone,
    details,
  });
  if (location) google.set('location', location);
  const outlook = new URLSearchParams({
    path: '/calendar/action/compose',
    rru: 'addevent',
    subject: e.title,
    startdt: isoWithOffset(start, e.timezone),
    enddt: isoWithOffset(end, e.timezone),
    body: details,
  });
  if (location) outlook.set('location', location);
  return {
    google: `https://calendar.google.com/calendar/render?${google.toString()}`,
    outlook: `https://outlook.live.com/calendar/0/deeplink/compose?${outlook.toString()}`,
    apple: icsUrl,
  };
}
