import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events and RSVPs. Seat accounting: `events.seats_taken` is the sum of (1 + guests) over the event's
 * RSVPs that hold seats (`going` or `offered`, not walk-ins). It is only changed in a transaction that
 * holds the event row lock (`SELECT … FOR UPDATE`), and the CHECK below makes exceeding the capacity
 * impossible even for a buggy caller.
 * (Timestamp after supporters-and-pledges: rsvps reference supporters.)
 */
export class Events1795316700000 implements MigrationInterface {
  name = 'Events1795316700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE event_kind AS ENUM ('protest', 'rally', 'picket', 'meeting', 'online', 'other')`,
    );
    await q.query(`CREATE TYPE event_status AS ENUM ('scheduled', 'cancelled', 'completed')`);
    await q.query(`CREATE TYPE rsvp_status AS ENUM ('going', 'waitlisted', 'offered', 'cancelled')`);
    await q.query(`
      CREATE TABLE events (
        id uuid CONSTRAINT events_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL CONSTRAINT events_campaign_id_fkey REFERENCES campaigns (id) ON DELETE CASCADE,
        slug text NOT NULL,
        title jsonb NOT NULL,
        description jsonb,
        kind event_kind NOT NULL,
        venue text,
        address text,
        city text,
        region text,
        country char(2),
        online_url text,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz,
        timezone text NOT NULL,
        capacity int CONSTRAINT events_capacity_check CHECK (capacity > 0),
        seats_taken int NOT NULL DEFAULT 0,
        rsvp_deadline timestamptz,
        reminder_offsets_minutes int[] NOT NULL DEFAULT '{1440,120}',
        hide_address_until_rsvp boolean NOT NULL DEFAULT false,
        status event_status NOT NULL DEFAULT 'scheduled',
        checkin_code text NOT NULL,
        cancelled_at timestamptz,
        completed_at timestamptz,
        created_by uuid CONSTRAINT events_created_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_campaign_id_slug_key UNIQUE (campaign_id, slug),
        CONSTRAINT events_seats_taken_check CHECK (seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)),
        CONSTRAINT events_ends_at_check CHECK (ends_at IS NULL OR ends_at >= starts_at)
      )`);
    await q.query(`CREATE INDEX events_campaign_id_starts_at_idx ON events (campaign_id, starts_at)`);
    await q.query(`CREATE INDEX events_status_starts_at_idx ON events (status, starts_at)`);
    await q.query(`CREATE INDEX events_created_by_idx ON events (created_by)`);

    await q.query(`CREATE SEQUENCE rsvps_queue_seq_seq`);
    await q.query(`
      CREATE TABLE rsvps (
        id uuid CONSTRAINT rsvps_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL CONSTRAINT rsvps_event_id_fkey REFERENCES events (id) ON DELETE CASCADE,
        supporter_id uuid NOT NULL CONSTRAINT rsvps_supporter_id_fkey REFERENCES supporters (id) ON DELETE CASCADE,
        status rsvp_status NOT NULL,
        guests smallint NOT NULL DEFAULT 0 CONSTRAINT rsvps_guests_check CHECK (guests BETWEEN 0 AND 5),
        -- Waitlist order (FIFO): taken from the sequence under the event lock when the RSVP (re)joins.
        queue_seq bigint NOT NULL DEFAULT nextval('rsvps_queue_seq_seq'),
        offered_at timestamptz,
        offer_expires_at timestamptz,
        offer_token_hash text CONSTRAINT rsvps_offer_token_hash_key UNIQUE,
        manage_token_hash text NOT NULL CONSTRAINT rsvps_manage_token_hash_key UNIQUE,
        walk_in boolean NOT NULL DEFAULT false,
        checked_in_at timestamptz,
        checked_in_by text,
        no_show boolean NOT NULL DEFAULT false,
        cancelled_at timestamptz,
        cancel_reason text,
        source text NOT NULL DEFAULT 'web',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rsvps_event_id_supporter_id_key UNIQUE (event_id, supporter_id),
        CONSTRAINT rsvps_offer_check CHECK ((status = 'offered') = (offer_expires_at IS NOT NULL))
      )`);
    await q.query(`ALTER SEQUENCE rsvps_queue_seq_seq OWNED BY rsvps.queue_seq`);
    await q.query(`CREATE INDEX rsvps_supporter_id_idx ON rsvps (supporter_id)`);
    await q.query(`CREATE INDEX rsvps_event_id_status_queue_seq_idx ON rsvps (event_id, status, queue_seq)`);
    await q.query(`CREATE INDEX rsvps_event_id_checked_in_at_idx ON rsvps (event_id, checked_in_at)`);
    await q.query(
      `CREATE INDEX rsvps_offer_expires_at_idx ON rsvps (offer_expires_at) WHERE status = 'offered'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rsvps');
    await q.query('DROP TABLE events');
    await q.query('DROP TYPE rsvp_status');
    await q.query('DROP TYPE event_status');
    await q.query('DROP TYPE event_kind');
  }
}
