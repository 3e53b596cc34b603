import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventStatus } from './event.entity.js';
import { offerExpiry } from './event-time.js';

/**
 * Seat accounting, in one place.
 *
 * Why capacity can never be exceeded: every change to who holds seats (an RSVP going, guests changed,
 * a cancellation, an offer made/claimed/expired, capacity edited) runs in a transaction that first takes
 * the event row lock with `SELECT … FROM events WHERE id = $1 FOR UPDATE`. While it is held, no other
 * transaction can read-for-update or change that event's `seats_taken`, so "is there room?" and "take
 * the seats" are decided on the same, current number and written together (`seats_taken` is updated in
 * the same transaction). Concurrent RSVPs to one event therefore queue on the lock and are placed one
 * after the other, in lock order (their waitlist `queue_seq` is drawn under the lock too). As a second
 * line of defence, the CHECK `events_seats_taken_check` (seats_taken <= capacity) makes the database
 * refuse any write that would overfill the event.
 *
 * Seats held = 1 + guests for every RSVP that is `going` or `offered` (an offered seat is held for its
 * supporter until the offer expires). A `pending` RSVP (an event that requires approval) holds none:
 * approval, under the same lock, makes it `going` when it fits and `waitlisted` otherwise. Walk-ins checked in at the door are let in even when the event is
 * full and hold no seat: they displace nobody.
 */
export interface LockedEvent {
  id: string;
  campaignId: string;
  status: EventStatus;
  capacity: number | null;
  seatsTaken: number;
  startsAt: Date;
  rsvpDeadline: Date | null;
  requireApproval: boolean;
}

/** A waitlisted supporter was offered a freed seat (the mail carries their signed manage link). */
export interface OfferMade {
  rsvpId: string;
}

export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function seatsFor(guests: number): number {
  return 1 + guests;
}

export function freeSeats(e: Pick<LockedEvent, 'capacity' | 'seatsTaken'>): number {
  return e.capacity === null ? Number.POSITIVE_INFINITY : e.capacity - e.seatsTaken;
}

/** Takes the event row lock for the rest of the transaction (null when there is no such event). */
export async function lockEvent(m: EntityManager, eventId: string): Promise<LockedEvent | null> {
  const rows = (await m.query(
    `SELECT id, campaign_id AS "campaignId", status, capacity, seats_taken AS "seatsTaken",
            starts_at AS "startsAt", rsvp_deadline AS "rsvpDeadline", require_approval AS "requireApproval"
       FROM events WHERE id = $1 FOR UPDATE`,
    [eventId],
  )) as LockedEvent[];
  return rows[0] ?? null;
}

/** Adds `delta` (may be negative) to the locked event's seats_taken, in this transaction. */
export async function addSeats(m: EntityManager, e: LockedEvent, delta: number): Promise<void> {
  if (delta === 0) return;
  // (TypeORM answers an UPDATE with [rows, rowCount].)
  const [rows] = (await m.query(
    `UPDATE events SET seats_taken = seats_taken + $2 WHERE id = $1 RETURNING seats_taken AS "seatsTaken"`,
    [e.id, delta],
  )) as [{ seatsTaken: number }[], number];
  e.seatsTaken = rows[0].seatsTaken;
}

/**
 * Expired offers end: the RSVP becomes `cancelled` with reason `offer_expired` (not back on the
 * waitlist, so one unanswered inbox cannot be offered the same seat again and again; the supporter may
 * RSVP again and joins the end of the line) and its seats are freed. Call with the event locked.
 */
export async function expireLocked(m: EntityManager, e: LockedEvent, now: Date): Promise<string[]> {
  const rows = (await m.query(
    `UPDATE rsvps SET status = 'cancelled', cancel_reason = 'offer_expired', cancelled_at = $2,
            offer_expires_at = NULL, updated_at = $2
      WHERE event_id = $1 AND status = 'offered' AND offer_expires_at <= $2
      RETURNING id, guests`,
    [e.id, now],
  )) as [{ id: string; guests: number }[], number];
  const expired = rows[0];
  await addSeats(m, e, -expired.reduce((a, r) => a + seatsFor(r.guests), 0));
  return expired.map((r) => r.id);
}

/**
 * Offers free seats to the waitlist, in order (queue_seq): each waitlisted RSVP that fits in what is
 * free gets the seats held for it (`offered`, until {@link offerExpiry}); a party too big for what is
 * free keeps its place and the next one that fits is offered. Nothing is offered for an event that is
 * not scheduled or has started. Call with the event locked.
 */
export async function promote(
  m: EntityManager,
  e: LockedEvent,
  now: Date,
  claimHours: number,
): Promise<OfferMade[]> {
  if (e.status !== 'scheduled' || freeSeats(e) <= 0) return [];
  const expiresAt = offerExpiry(now, e.startsAt, claimHours);
  if (!expiresAt) return [];
  const waiting = (await m.query(
    `SELECT id, guests FROM rsvps WHERE event_id = $1 AND status = 'waitlisted' ORDER BY queue_seq`,
    [e.id],
  )) as { id: string; guests: number }[];
  const offers: OfferMade[] = [];
  for (const w of waiting) {
    const free = freeSeats(e);
    if (free <= 0) break;
    if (seatsFor(w.guests) > free) continue;
    await m.query(
      `UPDATE rsvps SET status = 'offered', offered_at = $2, offer_expires_at = $3, updated_at = $2 WHERE id = $1`,
      [w.id, now, expiresAt],
    );
    await addSeats(m, e, seatsFor(w.guests));
    offers.push({ rsvpId: w.id });
  }
  return offers;
}

/** Lazy upkeep at the start of every locked operation: end expired offers, then offer free seats. */
export async function settle(
  m: EntityManager,
  e: LockedEvent,
  now: Date,
  claimHours: number,
): Promise<{ expired: string[]; offers: OfferMade[] }> {
  const expired = await expireLocked(m, e, now);
  return { expired, offers: await promote(m, e, now, claimHours) };
}

/** 1-based place in the waitlist of RSVP $2 of event $1. */
const WAITLIST_POSITION_SQL = `SELECT count(*)::int AS n FROM rsvps w, rsvps me
  WHERE me.id = $2 AND w.event_id = $1 AND w.status = 'waitlisted' AND w.queue_seq <= me.queue_seq`;

/** 1-based place in the waitlist. */
export async function waitlistPosition(m: EntityManager, eventId: string, rsvpId: string): Promise<number> {
  const [row] = (await m.query(WAITLIST_POSITION_SQL, [eventId, rsvpId])) as { n: number }[];
  return row.n;
}
