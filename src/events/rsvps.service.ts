import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { AuthUser } from '../auth/auth-user.js';
import { BadInputError, ConflictError, GoneError, NotFoundError } from '../common/errors.js';
import { isLocale, type Locale } from '../common/localized-text.js';
import { SignedTokens } from '../common/signed-token.js';
import { AppConfig } from '../config/config.js';
import { HotQueries, isUniqueViolation } from '../database/hot-queries.js';
import { TransactionService } from '../database/transaction.service.js';
import { PeriodicJobs } from '../scheduling/periodic-jobs.js';
import { PledgesService } from '../supporters/pledges.service.js';
import { SupporterActivityRegistry } from '../supporters/supporter-activity.registry.js';
import type { ProposedChanges } from '../supporters/supporters.service.js';
import { attributionValues, supporterValues, UPSERT_SUPPORTER } from '../supporters/supporters.sql.js';
import { query } from '../database/sql.js';
import { INSERT_RSVP, PLACE_RSVP } from './events.sql.js';
import { rsvpClosedReason, type RsvpClosedCode } from './rsvp-open.js';
import type { CreateRsvpDto } from './dto/rsvp.dto.js';
import {
  EventNotOpenError,
  EventsService,
  addressOnPages,
  type PublicEventView,
  type RsvpEvent,
} from './events.service.js';
import { EventReminders, RSVP_MANAGE_PURPOSE } from './event-reminders.js';
import { SupporterUpdatesService } from '../supporters/supporter-updates.service.js';
import { RemindersService } from '../reminders/reminders.service.js';
import type { RsvpStatus } from './rsvp.entity.js';
import { manageLinkExpiry } from './event-time.js';
import {
  addSeats,
  freeSeats,
  hashToken,
  lockEvent,
  newToken,
  seatsFor,
  settle,
  waitlistPosition,
  type LockedEvent,
} from './seats.js';

export interface RsvpState {
  id: string;
  status: RsvpStatus;
  guests: number;
  position?: number;
  offerExpiresAt?: string;
  checkedInAt: string | null;
  cancelReason?: string;
}

/**
 * The one answer of the public RSVP, whatever happened: a new RSVP (going, waitlisted or pending), a
 * repeat, a cancelled RSVP's email, a known or an unknown supporter. No record state and no token: the
 * manage link goes only by mail to the address, so the answer tells a stranger typing
 * someone's email nothing. (Seats are read on the public event, which everyone sees anyway.)
 */
export const RSVP_ANSWER = Object.freeze({ status: 'received' as const });
export type PublicRsvpAnswer = typeof RSVP_ANSWER;

export interface ManageView {
  rsvp: RsvpState;
  event: PublicEventView;
}

interface RsvpRow {
  id: string;
  eventId: string;
  supporterId: string;
  status: RsvpStatus;
  guests: number;
  offerExpiresAt: Date | null;
  checkedInAt: Date | null;
  cancelReason: string | null;
  walkIn: boolean;
  locale: string;
}

/** Whether this RSVP counts in the event's seats_taken (walk-ins are let in without a seat). */
function holdsSeats(r: Pick<RsvpRow, 'status' | 'walkIn'>): boolean {
  return (r.status === 'going' || r.status === 'offered') && !r.walkIn;
}

const RSVP_COLUMNS = `r.id, r.event_id AS "eventId", r.supporter_id AS "supporterId", r.status, r.guests,
  r.offer_expires_at AS "offerExpiresAt", r.checked_in_at AS "checkedInAt", r.cancel_reason AS "cancelReason", r.walk_in AS "walkIn"`;

export class RsvpClosedError extends ConflictError {
  declare readonly code: RsvpClosedCode;
  constructor(message: string, code: RsvpClosedCode) {
    super(message, code);
  }
}
export class NoRoomError extends ConflictError {
  constructor() {
    super('There is no longer room for that many guests', 'no_room');
  }
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Where a new (or returning) RSVP goes under the event lock: pending when approval is required. */
function placement(e: LockedEvent, guests: number): 'going' | 'waitlisted' | 'pending' {
  if (e.requireApproval) return 'pending';
  return freeSeats(e) >= seatsFor(guests) ? 'going' : 'waitlisted';
}

/** 409 (or the event's own status error) when the event takes no RSVPs at `now`. */
function assertRsvpOpen(e: Parameters<typeof rsvpClosedReason>[0], now: Date): void {
  const closed = rsvpClosedReason(e, now);
  if (!closed) return;
  if (e.status !== 'scheduled') throw new EventNotOpenError(e.status);
  throw new RsvpClosedError('RSVPs for this event are closed', closed);
}

/**
 * Public RSVPs and what a supporter does with their manage token. Every change runs in a transaction
 * that locks the event row first and settles it (expired offers end, free seats are offered) — see
 * seats.ts for why that keeps capacity. Mails go out after the commit.
 */
@Injectable()
export class RsvpsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly pledges: PledgesService,
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly reminders: RemindersService,
    private readonly activity: SupporterActivityRegistry,
    private readonly eventReminders: EventReminders,
    private readonly tokens: SignedTokens,
    private readonly hot: HotQueries,
    private readonly updates: SupporterUpdatesService,
    private readonly jobs: PeriodicJobs,
  ) {}

  onModuleInit(): void {
    this.activity.register({
      key: 'rsvps',
      activity: (c, s) => this.forSupporter(c, s),
      attributionSql: `SELECT r.supporter_id, r.source, r.referrer_id, r.created_at
                         FROM rsvps r JOIN events e ON e.id = r.event_id WHERE e.campaign_id = $1 AND NOT r.walk_in`,
    });
    // Ends expired offers even when nobody touches the event (every OFFER_EXPIRY_SECONDS; jobs.ts).
    this.jobs.handle('events.expire-offers', (now) => this.expireOffers(now));
  }

  /**
   * Ends every offer that expired by `now` and hands the seats to the next in line, one event per
   * locked transaction. Returns how many offers ended. Safe on several instances at once.
   */
  async expireOffers(now: Date = this.clock.now(), eventId?: string): Promise<number> {
    const events = await query<{ id: string }>(
      this.dataSource,
      `SELECT DISTINCT event_id AS id FROM rsvps
        WHERE status = 'offered' AND offer_expires_at <= $1 AND ($2::uuid IS NULL OR event_id = $2)`,
      [now, eventId ?? null],
    );
    let ended = 0;
    for (const { id } of events) {
      const queued = await this.tx.run(async (m) => {
        const e = await lockEvent(m, id);
        if (!e) return [];
        const r = await settle(m, e, now, this.config.waitlistClaimHours);
        ended += r.expired.length;
        return this.eventReminders.offers(m, r.offers);
      });
      await this.reminders.sendNow(queued);
    }
    return ended;
  }

  /**
   * The public RSVP: pending when the event requires approval, else going when it fits, else
   * waitlisted; one per (event, supporter). Always the same answer ({@link RSVP_ANSWER}); the manage
   * link goes only into the confirmation mail. A repeat changes nothing and mails the existing RSVP's
   * link again to its address (within the hourly cap per address); a cancelled RSVP stays cancelled
   * and its address gets the link that brings it back ({@link restore}).
   *
   * The common case — a first RSVP of this supporter to a scheduled event with no offer due to expire,
   * going or waitlisted — is one statement and one round trip ({@link PLACE_RSVP}, which also finds
   * the event by its slugs), so the event row is locked only from that statement's lock to its commit.
   * A refusal (no such event, campaign or event not taking RSVPs) writes nothing and is explained by
   * the lookup afterwards. Everything else (an offer to settle, a repeat, a cancelled RSVP's email) is
   * decided under the event lock by {@link placeLocked}. The confirmation mail is sent after the commit
   * without holding the answer.
   */
  async rsvp(slug: string, eventSlug: string, dto: CreateRsvpDto): Promise<PublicRsvpAnswer> {
    const guests = dto.guests ?? 0;
    const now = this.clock.now();
    // The column wants a unique hash; the token behind it is given to nobody (the mailed link opens it).
    const { hash } = newToken();
    const placed = await this.hot
      .run(PLACE_RSVP, {
        ...supporterValues(dto, now),
        campaignSlug: slug,
        eventSlug,
        guests,
        seats: seatsFor(guests),
        tokenHash: hash,
        ...attributionValues(dto),
      })
      .then(
        (rows) => rows[0],
        (e: unknown) => {
          // The same supporter's other RSVP won the race: the locked path treats this one as a repeat.
          if (isUniqueViolation(e, 'rsvps_event_id_supporter_id_key')) return null;
          throw e;
        },
      );
    // A known supporter's record is never changed by the form: what it asked to change is mailed.
    if (placed?.supporterId) this.updates.propose(placed.supporterId, placed.changes, `rsvp:${eventSlug}`);
    if (placed?.status) {
      // Not awaited: the answer does not wait for SMTP; what is not sent now the worker's tick sends.
      if (placed.confirmationId) void this.reminders.sendNow([placed.confirmationId]);
      return RSVP_ANSWER;
    }
    // Left to the locked path; or refused with nothing written (or lost the race), and the lookup says why.
    let event: Pick<RsvpEvent, 'id' | 'campaignId'>;
    if (placed?.eventId) event = { id: placed.eventId, campaignId: placed.campaignId };
    else {
      const found = await this.events.findForRsvp(slug, eventSlug);
      assertRsvpOpen(found, now);
      event = found;
    }
    let proposed: { supporterId: string; changes: ProposedChanges } | null = null;
    const out = await this.tx.run(async (m) => {
      // The statement upserted the supporter, unless it refused or was undone by the race above.
      let supporterId = placed?.supporterId;
      if (!supporterId) {
        const [u] = await query<{ supporterId: string; changes: ProposedChanges }>(
          m,
          UPSERT_SUPPORTER.text,
          UPSERT_SUPPORTER.bind({
            ...supporterValues(dto, now),
            campaignId: event.campaignId,
            source: `rsvp:${event.id}`,
          }),
        );
        supporterId = u.supporterId;
        proposed = u;
      }
      return this.placeLocked(m, event.id, supporterId, guests, hash, now, dto);
    });
    void this.reminders.sendNow(out);
    const p = proposed as { supporterId: string; changes: ProposedChanges } | null;
    if (p) this.updates.propose(p.supporterId, p.changes, `rsvp:${eventSlug}`);
    return RSVP_ANSWER;
  }

  /**
   * The RSVP decided under the event lock, after settling the event (see seats.ts). A repeat (or the
   * email of a cancelled RSVP) changes nothing: the existing RSVP's confirmation goes to its address
   * again — for a cancelled one, the offer to come back. Returns the mail to send after the commit.
   */
  private async placeLocked(
    m: EntityManager,
    eventId: string,
    supporterId: string,
    guests: number,
    hash: string,
    now: Date,
    from: { source?: string; ref?: string },
  ): Promise<string[]> {
    const e = await this.locked(m, eventId);
    const { offers } = await settle(m, e, now, this.config.waitlistClaimHours);
    const queued = await this.eventReminders.offers(m, offers);
    assertRsvpOpen(e, now);
    const status = placement(e, guests);
    const [inserted] = await query<{ id: string }>(
      m,
      INSERT_RSVP.text,
      INSERT_RSVP.bind({
        eventId: e.id,
        campaignId: e.campaignId,
        supporterId,
        status,
        guests,
        tokenHash: hash,
        at: now,
        ...attributionValues(from),
      }),
    );
    if (!inserted) {
      const existing = (await this.row(m, `r.event_id = $1 AND r.supporter_id = $2`, [e.id, supporterId]))!;
      queued.push(...(await this.eventReminders.confirmation(m, existing.id)));
      return queued;
    }
    await this.admit(m, e, { id: inserted.id, supporterId, guests }, status);
    queued.push(...(await this.eventReminders.confirmation(m, inserted.id)));
    return queued;
  }

  /**
   * What an RSVP that just became `status` (under the event lock) brings with it: when going, its
   * seats, the `attend` pledge and its reminders.
   */
  private async admit(
    m: EntityManager,
    e: LockedEvent,
    r: { id: string; supporterId: string; guests: number },
    status: RsvpStatus,
  ): Promise<void> {
    if (status !== 'going') return;
    await addSeats(m, e, seatsFor(r.guests));
    await this.pledges.fulfil(m, e.campaignId, r.supporterId, 'attend', `rsvp:${r.id}`);
    await this.eventReminders.forRsvp(m, r.id);
  }

  /**
   * A cancelled RSVP comes back, from its owner's manage link (the confirmation mail of a repeat RSVP
   * with its email carries it): pending when the event requires approval, else going when it fits,
   * else at the end of the waitlist. Anything not cancelled is left as it is.
   */
  async restore(token: string): Promise<ManageView> {
    const found = await this.byToken(token);
    await this.change(found, async (m, e, r) => {
      if (r.status !== 'cancelled') return;
      assertRsvpOpen(e, this.clock.now());
      const status = placement(e, r.guests);
      await m.query(
        `UPDATE rsvps SET status = $2, queue_seq = nextval('rsvps_queue_seq_seq'), cancelled_at = NULL,
                cancel_reason = NULL, no_show = false, walk_in = false, updated_at = $3
          WHERE id = $1`,
        [r.id, status, this.clock.now()],
      );
      await this.admit(m, e, r, status);
      return { queued: await this.eventReminders.confirmation(m, r.id) };
    });
    return this.view(token);
  }

  /**
   * A coordinator approves a pending RSVP: only now does it take seats — going when it fits, else at
   * the end of the waitlist — and get its confirmation (with the address when the event shows it in
   * mail at this time). Approving an RSVP that is no longer pending changes nothing; a cancelled one is
   * 409. Returns the RSVP's id.
   */
  async approve(actor: AuthUser, eventId: string, rsvpId: string): Promise<string> {
    await this.events.loadFor(actor, eventId, 'coordinate');
    const found = await this.row(this.dataSource.manager, `r.id = $1 AND r.event_id = $2`, [rsvpId, eventId]);
    if (!found) throw new NotFoundError('RSVP');
    const refused = await this.change(found, async (m, e, r) => {
      if (r.status === 'cancelled') return new ConflictError('This RSVP is cancelled', 'rsvp_cancelled');
      if (r.status !== 'pending') return null;
      const status = freeSeats(e) >= seatsFor(r.guests) ? 'going' : 'waitlisted';
      await m.query(
        `UPDATE rsvps SET status = $2, queue_seq = nextval('rsvps_queue_seq_seq'), updated_at = $3 WHERE id = $1`,
        [r.id, status, this.clock.now()],
      );
      await this.admit(m, e, r, status);
      return { queued: await this.eventReminders.confirmation(m, r.id) };
    });
    if (refused) throw refused;
    return found.id;
  }

  /** What the manage page shows: the RSVP and its event, with the hidden address once going. */
  async view(token: string, lang?: Locale): Promise<ManageView> {
    const found = await this.byToken(token);
    await this.expireOffers(this.clock.now(), found.eventId);
    const r = (await this.row(this.dataSource.manager, `r.id = $1`, [found.id]))!;
    const e = (await this.events.byId(r.eventId))!;
    const l = lang ?? (isLocale(r.locale) ? r.locale : 'en');
    return {
      rsvp: await this.state(this.dataSource.manager, r),
      event: await this.events.publicView(e, l, addressOnPages(e, r.status)),
    };
  }

  /** Changes guests: more seats only if they fit now (else 409); fewer seats free them for the waitlist. */
  async changeGuests(token: string, guests: number): Promise<ManageView> {
    const found = await this.byToken(token);
    await this.change(found, async (m, e, r) => {
      if (r.status === 'cancelled') throw new ConflictError('This RSVP is cancelled', 'rsvp_cancelled');
      if (holdsSeats(r)) {
        const delta = seatsFor(guests) - seatsFor(r.guests);
        if (delta > 0 && freeSeats(e) < delta) throw new NoRoomError();
        await addSeats(m, e, delta);
      }
      await m.query(`UPDATE rsvps SET guests = $2, updated_at = $3 WHERE id = $1`, [
        r.id,
        guests,
        this.clock.now(),
      ]);
    });
    return this.view(token);
  }

  /** Cancels the RSVP (idempotent); its seats go to the waitlist. */
  async cancel(token: string): Promise<ManageView> {
    const found = await this.byToken(token);
    await this.change(
      found,
      async (m, e, r) => {
        if (r.status === 'cancelled') return;
        if (holdsSeats(r)) await addSeats(m, e, -seatsFor(r.guests));
        await m.query(
          `UPDATE rsvps SET status = 'cancelled', cancel_reason = 'supporter', cancelled_at = $2,
                offer_expires_at = NULL, updated_at = $2 WHERE id = $1`,
          [r.id, this.clock.now()],
        );
        await this.eventReminders.cancelRsvp(m, e.id, r.id);
      },
      true,
    );
    return this.view(token);
  }

  /** Accepts a waitlist offer within its window: the held seats become the supporter's. */
  async claim(token: string): Promise<ManageView> {
    const found = await this.byToken(token);
    const now = this.clock.now();
    const refused = await this.change(found, async (m, e, r) => {
      if (r.status === 'going') return null;
      if (r.status === 'cancelled' && r.cancelReason === 'offer_expired')
        return new ConflictError(
          'This offer has expired and the seat went to the next in line',
          'offer_expired',
        );
      if (r.status !== 'offered')
        return new ConflictError('There is no seat on offer for this RSVP', 'no_offer');
      await m.query(
        `UPDATE rsvps SET status = 'going', offer_expires_at = NULL, updated_at = $2 WHERE id = $1`,
        [r.id, now],
      );
      await this.pledges.fulfil(m, e.campaignId, r.supporterId, 'attend', `rsvp:${r.id}`);
      await this.eventReminders.forRsvp(m, r.id);
      return { queued: await this.eventReminders.confirmation(m, r.id) };
    });
    // Thrown after the commit, so an offer that expired on the way is still recorded as expired.
    if (refused) throw refused;
    return this.view(token);
  }

  /** Self check-in with the event's code, from the manage page; keeps the first time. */
  async selfCheckIn(token: string, code: string): Promise<ManageView> {
    const found = await this.byToken(token);
    const e = (await this.events.byId(found.eventId))!;
    if (e.status !== 'scheduled') throw new EventNotOpenError(e.status);
    const now = this.clock.now();
    if (now.getTime() < e.startsAt.getTime() - 2 * 3_600_000) {
      throw new ConflictError('Check-in opens two hours before the start', 'checkin_not_open');
    }
    if (code !== e.checkinCode)
      throw BadInputError.field('code', 'wrong_code', 'That is not the code shown at the venue');
    if (found.status !== 'going')
      throw new ConflictError('Only an RSVP that is going can check in', 'not_going');
    await this.tx.run(async (m) => {
      await m.query(
        `UPDATE rsvps SET checked_in_at = coalesce(checked_in_at, $2), checked_in_by = coalesce(checked_in_by, 'self'),
                no_show = false, updated_at = $2 WHERE id = $1`,
        [found.id, now],
      );
      await this.pledges.fulfil(m, e.campaignId, found.supporterId, 'attend', `checkin:${found.id}`);
    });
    return this.view(token);
  }

  /**
   * The RSVP behind a token; anything else is 404, and every token is 410 from a day after the event
   * ends ({@link manageLinkExpiry}, read from the event as it is now). The signed manage link every
   * mail carries (`SignedTokens.sign('rsvp-manage', rsvpId)`, verified without a lookup) is the only
   * token given out now; the random tokens the RSVP answer used to carry (stored hashed) and
   * the old offer tokens still open the same routes until then.
   */
  async byToken(token: string): Promise<RsvpRow> {
    let r: RsvpRow | null = null;
    if (TOKEN_SHAPE.test(token)) {
      r = await this.row(this.dataSource.manager, `(r.manage_token_hash = $1 OR r.offer_token_hash = $1)`, [
        hashToken(token),
      ]);
    } else {
      const id = this.tokens.verify(RSVP_MANAGE_PURPOSE, token, this.clock.now());
      if (id) r = await this.row(this.dataSource.manager, `r.id = $1`, [id]);
    }
    if (!r) throw new NotFoundError('RSVP');
    const e = (await this.events.byId(r.eventId))!;
    if (this.clock.now() > manageLinkExpiry(e)) {
      throw new GoneError('This link has expired: the event is over', 'link_expired');
    }
    return r;
  }

  /**
   * One locked change to one RSVP: lock the event, settle it, re-read the RSVP under the lock, apply
   * `work`, then offer whatever was freed; the mail it queued is sent after the commit. `work` may
   * return an error to throw after the commit, or mail it queued itself.
   */
  private async change(
    found: RsvpRow,
    work: (
      m: EntityManager,
      e: LockedEvent,
      r: RsvpRow,
    ) => Promise<ConflictError | { queued: string[] } | null | void>,
    allowClosedEvent = false,
  ): Promise<ConflictError | null> {
    const now = this.clock.now();
    const out = await this.tx.run(async (m) => {
      const e = await this.locked(m, found.eventId);
      const first = await settle(m, e, now, this.config.waitlistClaimHours);
      if (e.status !== 'scheduled' && !allowClosedEvent) throw new EventNotOpenError(e.status);
      const r = (await this.row(m, `r.id = $1`, [found.id]))!;
      const done = (await work(m, e, r)) ?? null;
      const later = await settle(m, e, now, this.config.waitlistClaimHours);
      const queued = await this.eventReminders.offers(m, [...first.offers, ...later.offers]);
      if (done && 'queued' in done) queued.push(...done.queued);
      return { refused: done instanceof ConflictError ? done : null, queued };
    });
    await this.reminders.sendNow(out.queued);
    return out.refused;
  }

  private async locked(m: EntityManager, eventId: string): Promise<LockedEvent> {
    const e = await lockEvent(m, eventId);
    if (!e) throw new NotFoundError('Event');
    return e;
  }

  private async row(m: EntityManager, where: string, params: unknown[]): Promise<RsvpRow | null> {
    const rows = await query<RsvpRow>(
      m,
      `SELECT ${RSVP_COLUMNS}, s.locale FROM rsvps r JOIN supporters s ON s.id = r.supporter_id WHERE ${where}`,
      params,
    );
    return rows[0] ?? null;
  }

  private async state(
    m: EntityManager,
    r: Pick<
      RsvpRow,
      'id' | 'eventId' | 'status' | 'guests' | 'offerExpiresAt' | 'checkedInAt' | 'cancelReason'
    >,
  ): Promise<RsvpState> {
    return {
      id: r.id,
      status: r.status,
      guests: r.guests,
      ...(r.status === 'waitlisted' ? { position: await waitlistPosition(m, r.eventId, r.id) } : {}),
      ...(r.offerExpiresAt ? { offerExpiresAt: r.offerExpiresAt.toISOString() } : {}),
      checkedInAt: r.checkedInAt?.toISOString() ?? null,
      ...(r.cancelReason ? { cancelReason: r.cancelReason } : {}),
    };
  }

  private async forSupporter(campaignId: string, supporterId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT r.id, r.event_id AS "eventId", e.slug AS "eventSlug", e.title AS "eventTitle", e.starts_at AS "startsAt",
              r.status, r.guests, r.walk_in AS "walkIn", r.checked_in_at AS "checkedInAt", r.no_show AS "noShow",
              r.created_at AS "createdAt"
         FROM rsvps r JOIN events e ON e.id = r.event_id
        WHERE e.campaign_id = $1 AND r.supporter_id = $2 ORDER BY e.starts_at, r.id`,
      [campaignId, supporterId],
    );
  }
}
