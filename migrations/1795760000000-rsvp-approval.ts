import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events for people at risk (issue 18): an organizer can require approval of RSVPs — such an RSVP is
 * `pending` (holding no seat) until a coordinator approves it — and can reveal the address only in the
 * mail, only `reveal_address_hours_before` hours before the start.
 *
 * `down` turns pending RSVPs into cancelled ones and drops the columns; PostgreSQL cannot drop an enum
 * value without rebuilding the type (and the waitlist triggers and indexes over `rsvps.status`), so the
 * unused `pending` value stays in `rsvp_status` and `up` adds it only if it is missing.
 */
export class RsvpApproval1795760000000 implements MigrationInterface {
  name = 'RsvpApproval1795760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE rsvp_status ADD VALUE IF NOT EXISTS 'pending'`);
    await q.query(`ALTER TABLE events ADD COLUMN require_approval boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE events ADD COLUMN reveal_address_hours_before integer`);
    await q.query(
      `ALTER TABLE events ADD CONSTRAINT events_reveal_address_hours_before_check
         CHECK (reveal_address_hours_before BETWEEN 1 AND 720)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE rsvps SET status = 'cancelled', cancel_reason = 'not_approved', cancelled_at = now()
        WHERE status::text = 'pending'`,
    );
    await q.query(`ALTER TABLE events DROP COLUMN reveal_address_hours_before`);
    await q.query(`ALTER TABLE events DROP COLUMN require_approval`);
  }
}
