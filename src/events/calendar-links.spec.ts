import { calendarLinks, compactLocal, isoWithOffset } from './calendar-links.js';

const params = (url: string) => new URL(url).searchParams;

describe('calendar links', () => {
  const picket = {
    title: 'Picket at GM headquarters',
    description: 'Bring a sign.',
    venue: 'Renaissance Center',
    address: '300 Renaissance Ctr',
    city: 'Detroit',
    startsAt: '2030-06-01T17:00:00.000Z', // 1 pm in Detroit (EDT, UTC−4)
    endsAt: '2030-06-01T19:30:00.000Z',
    timezone: 'America/Detroit',
  };
  const page = 'https://puente.example/c/gm/events/picket';
  const ics = '/c/gm/events/picket/event.ics';

  it('writes Google’s dates on the event’s wall clock, with its zone', () => {
    const g = params(calendarLinks(picket, page, ics).google);
    expect(g.get('action')).toBe('TEMPLATE');
    expect(g.get('text')).toBe('Picket at GM headquarters');
    expect(g.get('dates')).toBe('20300601T130000/20300601T153000');
    expect(g.get('ctz')).toBe('America/Detroit');
    expect(g.get('location')).toBe('Renaissance Center, 300 Renaissance Ctr, Detroit');
    expect(g.get('details')).toContain(page);
  });

  it('writes Outlook’s times with the zone’s offset at that date (summer and winter)', () => {
    const o = params(calendarLinks(picket, page, ics).outlook);
    expect(o.get('startdt')).toBe('2030-06-01T13:00:00-04:00');
    expect(o.get('enddt')).toBe('2030-06-01T15:30:00-04:00');
    expect(o.get('subject')).toBe('Picket at GM headquarters');
    expect(isoWithOffset(new Date('2030-01-15T17:00:00Z'), 'America/Detroit')).toBe(
      '2030-01-15T12:00:00-05:00',
    );
    expect(isoWithOffset(new Date('2030-01-15T17:00:00Z'), 'America/Mexico_City')).toBe(
      '2030-01-15T11:00:00-06:00',
    );
    expect(isoWithOffset(new Date('2030-01-15T17:00:00Z'), 'Asia/Kolkata')).toBe('2030-01-15T22:30:00+05:30');
  });

  it('crosses midnight in the zone, not in UTC', () => {
    expect(compactLocal(new Date('2030-06-02T02:30:00Z'), 'America/Detroit')).toBe('20300601T223000');
  });

  it('lasts two hours when the event has no end', () => {
    const g = params(calendarLinks({ ...picket, endsAt: null }, page, ics).google);
    expect(g.get('dates')).toBe('20300601T130000/20300601T150000');
  });

  it('leaves a hidden address out (the public view has none) and links Apple to the .ics', () => {
    const hidden = { ...picket, venue: undefined, address: undefined };
    const links = calendarLinks(hidden, page, ics);
    expect(params(links.google).get('location')).toBe('Detroit');
    expect(links.google).not.toContain('Renaissance');
    expect(links.outlook).not.toContain('Renaissance');
    expect(links.apple).toBe(ics);
  });

  it('uses the online link as the place of an online event', () => {
    const online = { ...picket, venue: null, address: null, city: null, onlineUrl: 'https://meet.example/x' };
    const links = calendarLinks(online, page, ics);
    expect(params(links.google).get('location')).toBe('https://meet.example/x');
    expect(params(links.outlook).get('location')).toBe('https://meet.example/x');
  });
});
