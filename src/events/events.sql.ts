import { acceptingTargetSql } from '../campaigns/campaigns.sql.js';
import { statement } from '../database/sql.js';
import { reminderStatusSql, scheduleRemindersSql } from '../reminders/reminders.sql.js';
import {
  type AttributionParams,
  type SupporterParams,
  fulfilPledgeSql,
  referrerSql,
  upsertSupporterCtes,
} from '../supporters/supporters.sql.js';
import type { ProposedChanges } from '../supporters/supporters.service.js';
import { rsvpOpenSql } from './rsvp-open.js';

// The events feature's SQL builders: the one-statement public RSVP, and the reminders and notices of
// RSVPs as SQL (used by EventReminders and inside that statement).

/**
 * The reminders of RSVPs, as SQL: one per offset of the event's `reminderOffsetsMinutes` — and one at
 * `revealAddressHoursBefore`, the mail that first carries a hidden address, transactional (sent without
 * campaign-mail consent and regardless of quiet hours: it is the RSVP's own information) — due that
 * many minutes before the start (skipped when already past). `src` is a FROM item with the columns rsvp_id,
 * supporter_id, locale and event_id (one row per going RSVP); `now` a timestamptz expression. The mail's
 * text and link are made at send time; the data keeps what the worker needs before that (the start, for
 * quiet hours and "starts in"). Used by {@link EventReminders} and inside the one-statement RSVP.
 */
export function rsvpRemindersSql(src: string, now: string): string {
  const due = `e.starts_at - o.minutes * interval '1 minute'`;
  return scheduleRemindersSql(`
    SELECT 'event-reminder', 'event-reminder', 'event', e.id, e.campaign_id, src.supporter_id, NULL, src.locale,
           jsonb_build_object('startsInMinutes', o.minutes,
                              'startsAtIso', to_char(e.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                              'timeZone', e.timezone, 'rsvpId', src.rsvp_id),
           ${due}, ${reminderStatusSql(due, now)},
           'event:' || e.id || ':rsvp:' || src.rsvp_id || ':' || o.minutes || 'm',
           (o.minutes = e.reveal_address_hours_before * 60) IS TRUE, ${now}
      FROM ${src} JOIN events e ON e.id = src.event_id AND e.status = 'scheduled'
      CROSS JOIN LATERAL (SELECT DISTINCT u.minutes
                            FROM unnest(e.reminder_offsets_minutes || coalesce(e.reveal_address_hours_before * 60, 0))
                              AS u(minutes)
                           WHERE u.minutes > 0) o`);
}

/** The transactional mails about an RSVP, each queued due now; its kind is its template. */
export type RsvpNoticeKind = 'rsvp-confirmation' | 'waitlist-offer' | 'event-changed' | 'event-cancelled';

/** A timestamptz expression as epoch milliseconds, for dedupe keys (what `Date.getTime()` gives). */
export const epochMs = (t: string) => `floor(extract(epoch FROM ${t}) * 1000)::bigint`;

/**
 * Transactional mail about RSVPs as SQL, one row per RSVP of `src` (as in {@link rsvpRemindersSql}):
 * due `now`, its content made at send time from the RSVP and event as they are then. `key` is the
 * dedupe key expression (over `src` and the event `e`); `data` a jsonb expression added to the RSVP id
 * (the organizer's note of a change). Append `RETURNING id` for the ids to hand to `sendNow`.
 */
export function rsvpNoticeSql(
  kind: RsvpNoticeKind,
  src: string,
  now: string,
  key: string,
  data = `'{}'::jsonb`,
): string {
  return scheduleRemindersSql(`
    SELECT '${kind}', '${kind}', 'event', e.id, e.campaign_id, src.supporter_id, NULL, src.locale,
           jsonb_build_object('rsvpId', src.rsvp_id) || ${data}, ${now}, 'pending'::reminder_status, ${key},
           true, ${now}
      FROM ${src} JOIN events e ON e.id = src.event_id`);
}

/**
 * The RSVP confirmation (see {@link rsvpNoticeSql}); one per confirming moment and state (`src` has a
 * `status` column too: a pending RSVP approved in the same millisecond still gets its confirmation).
 */
export const rsvpConfirmationSql = (src: string, now: string) =>
  rsvpNoticeSql(
    'rsvp-confirmation',
    src,
    now,
    `'notice:rsvp:' || src.rsvp_id || ':confirmation:' || src.status || ':' || ${epochMs(now)}`,
  );

export type PlaceRsvpParams = SupporterParams &
  AttributionParams & {
    campaignSlug: string;
    eventSlug: string;
    guests: number;
    /** The seats the party takes (seatsFor(guests)). */
    seats: number;
    /** The hash the manage_token_hash column wants (the token itself is given to nobody). */
    tokenHash: string;
  };

/** What the RSVP statement did; `status` null means nothing was placed (see {@link PLACE_RSVP}). */
export type PlacedRsvp = { changes?: ProposedChanges | null } & (
  | { eventId: null; campaignId: null; supporterId: null; status: null }
  | { eventId: string; campaignId: string; supporterId: string; status: null }
  | {
      eventId: string;
      campaignId: string;
      supporterId: string;
      status: 'going' | 'waitlisted' | 'pending';
      rsvpId: string;
      confirmationId: string | null;
    }
);

/**
 * The common RSVP in one statement, its own transaction.
 * - `open_event` finds the event by its slugs only while it takes RSVPs (acceptingTargetSql,
 *   rsvpOpenSql); only then is anything written, so a refused RSVP leaves no supporter behind, and
 *   `eventId` is null for the caller to ask why. (One race remains: an event cancelled after this
 *   statement's snapshot but before its seat lock is refused by the locked path, with the supporter
 *   already written.)
 * - Then it upserts the supporter and — when no offer of the event is due to expire (that needs
 *   settling first) and the supporter has no RSVP there yet — places the RSVP: `pending` (no seat)
 *   when the event requires approval, else `going` when the party fits, else `waitlisted` at the end
 *   of the line. One UPDATE of the event row (`seat_update`) decides: it adds the seats only when they
 *   fit (else adds 0, still taking the row lock), waits for any other seat change and decides on the
 *   row as that change left it; `RETURNING old/new` (PostgreSQL 18) tells which way it went. The event
 *   row stays locked until this statement commits, so a cancellation that frees seats waits for it and
 *   then offers them to this entry too (the reasoning of seats.ts, in one round trip); the CHECK
 *   events_seats_taken_check still backs it.
 * - The RSVP records where it came from (`source`, and the referrer whose share code `referrer` is).
 * - A `going` RSVP also fulfils the `attend` pledge and schedules its reminders; each queues its
 *   confirmation (the only place its manage link goes).
 * - When the event takes RSVPs but is not placed here, only the supporter is written (`status` is
 *   null), and the locked path decides. A concurrent RSVP of the same supporter makes the insert fail on
 *   rsvps_event_id_supporter_id_key, which undoes the whole statement.
 */
export const PLACE_RSVP = statement<PlaceRsvpParams, PlacedRsvp>('events.place-rsvp', (p) => {
  const at = p.ref('at');
  const seats = p.ref('seats');
  const event = 'open_event';
  return `
  WITH ${event} AS (${acceptingTargetSql(
    { table: 'events', accepting: (target) => rsvpOpenSql(target, at) },
    p.ref('campaignSlug'),
    p.ref('eventSlug'),
  )}),
  ${upsertSupporterCtes(p, {
    campaign: `(SELECT campaign_id FROM ${event})`,
    source: `'rsvp:' || (SELECT id FROM ${event})`,
    when: `EXISTS (SELECT 1 FROM ${event})`,
  })},
  seat_update AS (
    UPDATE events SET seats_taken = seats_taken + CASE WHEN require_approval THEN 0
                                                       WHEN capacity IS NULL OR capacity - seats_taken >= ${seats} THEN ${seats} ELSE 0 END
     WHERE id = (SELECT id FROM ${event}) AND status = 'scheduled'
       AND NOT EXISTS (SELECT 1 FROM rsvps due_offer, ${event}
                        WHERE due_offer.event_id = ${event}.id AND due_offer.status = 'offered' AND due_offer.offer_expires_at <= ${at})
       AND NOT EXISTS (SELECT 1 FROM rsvps earlier, upserted_supporter, ${event}
                        WHERE earlier.event_id = ${event}.id AND earlier.supporter_id = upserted_supporter.id)
    RETURNING id, new.require_approval AS pending, new.seats_taken > old.seats_taken AS fits
  ),
  new_rsvp AS (
    INSERT INTO rsvps (event_id, supporter_id, status, guests, manage_token_hash, source, referrer_id,
                       created_at, updated_at)
    SELECT seat_update.id, upserted_supporter.id,
           CASE WHEN seat_update.pending THEN 'pending' WHEN seat_update.fits THEN 'going' ELSE 'waitlisted' END::rsvp_status,
           ${p.ref('guests')}, ${p.ref('tokenHash')}, ${p.ref('source')},
           ${referrerSql(`(SELECT campaign_id FROM ${event})`, 'upserted_supporter.id', p.ref('referrer'))}, ${at}, ${at}
      FROM seat_update, upserted_supporter
    RETURNING id, status
  ),
  fulfilled_pledge AS (${fulfilPledgeSql({
    campaign: `(SELECT campaign_id FROM ${event})`,
    supporter: '(SELECT id FROM upserted_supporter)',
    kind: "'attend'",
    at,
    by: "'rsvp:' || (SELECT id FROM new_rsvp)",
    when: "EXISTS (SELECT 1 FROM new_rsvp WHERE status = 'going')",
  })}),
  placed AS (SELECT new_rsvp.id AS rsvp_id, upserted_supporter.id AS supporter_id, upserted_supporter.locale,
                    seat_update.id AS event_id, new_rsvp.status
               FROM new_rsvp, upserted_supporter, seat_update),
  scheduled_reminders AS (${rsvpRemindersSql("(SELECT * FROM placed WHERE status = 'going') src", `${at}::timestamptz`)}),
  queued_confirmation AS (${rsvpConfirmationSql('placed src', `${at}::timestamptz`)} RETURNING id)
  SELECT (SELECT id FROM ${event}) AS "eventId", (SELECT campaign_id FROM ${event}) AS "campaignId",
         (SELECT id FROM upserted_supporter) AS "supporterId", (SELECT changes FROM upserted_supporter) AS changes,
         (SELECT id FROM new_rsvp) AS "rsvpId", (SELECT status FROM new_rsvp) AS status,
         (SELECT id FROM queued_confirmation) AS "confirmationId"`;
});

export type InsertRsvpParams = AttributionParams & {
  eventId: string;
  campaignId: string;
  supporterId: string;
  status: 'going' | 'waitlisted' | 'pending';
  guests: number;
  tokenHash: string;
  at: Date;
};

/**
 * The RSVP as the locked path places it (under the event lock, after settling): one per event and
 * supporter (a repeat inserts nothing and answers no row), with where it came from.
 */
export const INSERT_RSVP = statement<InsertRsvpParams, { id: string }>('events.insert-rsvp', (p) => {
  const at = p.ref('at');
  const supporter = p.ref('supporterId');
  return `INSERT INTO rsvps (event_id, supporter_id, status, guests, manage_token_hash, source, referrer_id,
                          created_at, updated_at)
       VALUES (${p.ref('eventId')}, ${supporter}, ${p.ref('status')}, ${p.ref('guests')}, ${p.ref('tokenHash')}, ${p.ref('source')},
               ${referrerSql(`${p.ref('campaignId')}::uuid`, supporter, p.ref('referrer'))}, ${at}, ${at})
       ON CONFLICT ON CONSTRAINT rsvps_event_id_supporter_id_key DO NOTHING RETURNING id`;
});
