import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `events.waitlisted`: how many RSVPs of the event are `waitlisted`, kept by triggers on `rsvps`
 * (issue 11). A new waitlist entry's place is then read from the event row the RSVP statement already
 * updates (`waitlisted + 1`), instead of counting every entry ahead of it, and the public totals read
 * the length instead of counting the line.
 *
 * Triggers rather than code in every path: an RSVP joins or leaves the waitlist in many places (the
 * public statement, the locked path, offers, cancellations, an event moved, walk-ins, deletes); a
 * trigger cannot be forgotten by a later one. Each change to the count is an UPDATE of the event row,
 * which takes its row lock, so concurrent changes serialise on it exactly like `seats_taken`; every
 * status change of an RSVP already runs with that lock held (seats.ts), so the count costs no new wait.
 * The WHEN clauses keep the trigger function from running for RSVPs that never touch the waitlist.
 *
 * Backfilled from the RSVPs already there; the CHECK catches a count that would go negative (a bug).
 */
export class WaitlistLength1795600000000 implements MigrationInterface {
  name = 'WaitlistLength1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN waitlisted integer`);
    await q.query(
      `UPDATE events e SET waitlisted = (SELECT count(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'waitlisted')`,
    );
    await q.query(`ALTER TABLE events ALTER COLUMN waitlisted SET DEFAULT 0`);
    await q.query(`ALTER TABLE events ALTER COLUMN waitlisted SET NOT NULL`);
    await q.query(`ALTER TABLE events ADD CONSTRAINT events_waitlisted_check CHECK (waitlisted >= 0)`);
    await q.query(`
      CREATE FUNCTION rsvps_count_waitlisted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' AND OLD.status = 'waitlisted' THEN
          UPDATE events SET waitlisted = waitlisted - 1 WHERE id = OLD.event_id;
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.status = 'waitlisted' THEN
          UPDATE events SET waitlisted = waitlisted + 1 WHERE id = NEW.event_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER rsvps_waitlisted_insert AFTER INSERT ON rsvps FOR EACH ROW
        WHEN (NEW.status = 'waitlisted') EXECUTE FUNCTION rsvps_count_waitlisted()`);
    await q.query(`
      CREATE TRIGGER rsvps_waitlisted_update AFTER UPDATE OF status, event_id ON rsvps FOR EACH ROW
        WHEN ((OLD.status = 'waitlisted' OR NEW.status = 'waitlisted')
              AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.event_id IS DISTINCT FROM NEW.event_id))
        EXECUTE FUNCTION rsvps_count_waitlisted()`);
    await q.query(`
      CREATE TRIGGER rsvps_waitlisted_delete AFTER DELETE ON rsvps FOR EACH ROW
        WHEN (OLD.status = 'waitlisted') EXECUTE FUNCTION rsvps_count_waitlisted()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER rsvps_waitlisted_delete ON rsvps`);
    await q.query(`DROP TRIGGER rsvps_waitlisted_update ON rsvps`);
    await q.query(`DROP TRIGGER rsvps_waitlisted_insert ON rsvps`);
    await q.query(`DROP FUNCTION rsvps_count_waitlisted()`);
    await q.query(`ALTER TABLE events DROP COLUMN waitlisted`);
  }
}
