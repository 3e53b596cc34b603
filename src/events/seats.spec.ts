import { freeSeats, hashToken, newToken, seatsFor } from './seats.js';
import { checkinCode } from './events.service.js';
import { rsvpClosedReason } from './rsvp-open.js';

describe('seat accounting', () => {
  it('counts the supporter and their guests', () => {
    expect(seatsFor(0)).toBe(1);
    expect(seatsFor(5)).toBe(6);
  });

  it('has unlimited room without a capacity', () => {
    expect(freeSeats({ capacity: null, seatsTaken: 1000 })).toBe(Number.POSITIVE_INFINITY);
    expect(freeSeats({ capacity: 10, seatsTaken: 7 })).toBe(3);
  });

  it('makes 32-byte base64url tokens stored only as their SHA-256', () => {
    const { token, hash } = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashToken(token));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token);
    expect(newToken().token).not.toBe(token);
  });

  it('makes 6-character check-in codes without look-alike characters', () => {
    for (let i = 0; i < 50; i++) expect(checkinCode()).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
  });

  it('closes RSVPs when the event is not scheduled, has started or the deadline passed', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    const startsAt = new Date('2026-03-02T00:00:00Z');
    expect(rsvpClosedReason({ status: 'scheduled', startsAt, rsvpDeadline: null }, now)).toBeNull();
    expect(rsvpClosedReason({ status: 'cancelled', startsAt, rsvpDeadline: null }, now)).toBe(
      'event_cancelled',
    );
    expect(rsvpClosedReason({ status: 'scheduled', startsAt: now, rsvpDeadline: null }, now)).toBe(
      'event_started',
    );
    expect(
      rsvpClosedReason(
        { status: 'scheduled', startsAt, rsvpDeadline: new Date('2026-02-28T00:00:00Z') },
        now,
      ),
    ).toBe('rsvp_deadline_passed');
  });
});
