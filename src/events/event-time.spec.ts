import { zoneAbbreviation } from '../common/zone-abbreviation.js';
import { addressInMail, formatEventTime, manageLinkExpiry, offerExpiry } from './event-time.js';

describe('event times', () => {
  // Detroit switches to EDT on 2026-03-08; Mexico City has had no DST since 2022.
  const mar7 = new Date('2026-03-07T17:00:00Z');
  const mar14 = new Date('2026-03-14T17:00:00Z');

  it('renders Detroit in EST before the switch and EDT after it', () => {
    expect(formatEventTime(mar7, 'America/Detroit', 'en')).toBe('Sat, Mar 7, 12:00 PM EST');
    expect(formatEventTime(mar14, 'America/Detroit', 'en')).toBe('Sat, Mar 14, 1:00 PM EDT');
  });

  it('keeps Mexico City on CST, in Spanish with a 24-hour clock', () => {
    expect(formatEventTime(mar7, 'America/Mexico_City', 'es')).toBe('sáb 7 mar, 11:00 CST');
    expect(formatEventTime(mar14, 'America/Mexico_City', 'es')).toBe('sáb 14 mar, 11:00 CST');
    expect(zoneAbbreviation(mar14, 'America/Mexico_City')).toBe('CST');
  });

  it('names the zone itself when Intl does not know it', () => {
    expect(zoneAbbreviation(mar14, 'Mars/Olympus_Mons')).toBe('Mars/Olympus_Mons');
    expect(zoneAbbreviation(mar7, 'America/Detroit')).toBe('EST');
  });

  it('has a long form for mail', () => {
    expect(formatEventTime(mar14, 'America/Detroit', 'en', 'long')).toBe(
      'Saturday, March 14, 2026, 1:00 PM EDT',
    );
    expect(formatEventTime(mar14, 'America/Mexico_City', 'es', 'long')).toBe(
      'sábado, 14 de marzo de 2026, 11:00 CST',
    );
  });
});

describe('offerExpiry', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const h = (n: number) => new Date(now.getTime() + n * 3_600_000);

  it('holds the seat for the claim window when the event is far away', () => {
    expect(offerExpiry(now, h(72), 12)).toEqual(h(12));
  });

  it('ends the window an hour before the start when the event is sooner', () => {
    expect(offerExpiry(now, h(5), 12)).toEqual(h(4));
  });

  it('keeps at least 30 minutes, never past the start, and makes no offer once started', () => {
    expect(offerExpiry(now, h(1), 12)).toEqual(h(0.5));
    expect(offerExpiry(now, h(0.25), 12)).toEqual(h(0.25));
    expect(offerExpiry(now, h(0), 12)).toBeNull();
    expect(offerExpiry(now, h(-1), 12)).toBeNull();
  });

  it('ends manage links a day after the event ends (two hours after the start without an end)', () => {
    const startsAt = new Date('2026-03-14T16:00:00Z');
    expect(manageLinkExpiry({ startsAt, endsAt: null }).toISOString()).toBe('2026-03-15T18:00:00.000Z');
    const endsAt = new Date('2026-03-14T20:00:00Z');
    expect(manageLinkExpiry({ startsAt, endsAt }).toISOString()).toBe('2026-03-15T20:00:00.000Z');
  });

  it('puts the address into mails only for going RSVPs, and only from the reveal time', () => {
    const startsAt = new Date('2026-03-14T16:00:00Z');
    const early = new Date('2026-03-14T03:59:59Z');
    const at = new Date('2026-03-14T04:00:00Z');
    expect(addressInMail({ startsAt, revealAddressHoursBefore: null }, 'going', early)).toBe(true);
    expect(addressInMail({ startsAt, revealAddressHoursBefore: null }, 'pending', at)).toBe(false);
    expect(addressInMail({ startsAt, revealAddressHoursBefore: 12 }, 'going', early)).toBe(false);
    expect(addressInMail({ startsAt, revealAddressHoursBefore: 12 }, 'going', at)).toBe(true);
    expect(addressInMail({ startsAt, revealAddressHoursBefore: 12 }, 'waitlisted', at)).toBe(false);
  });
});
