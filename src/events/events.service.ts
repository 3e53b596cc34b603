import { randomInt } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { query } from '../database/sql.js';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignTotalsRegistry } from '../campaigns/campaign-totals.registry.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { Clock } from '../common/clock.js';
import { BadInputError, ConflictError, NotFoundError } from '../common/errors.js';
import { cleanLocalizedText, localize, pickLocale, type Locale } from '../common/localized-text.js';
import type { Page } from '../common/pagination.js';
import { slugify } from '../common/slug.js';
import { zoneAbbreviation } from '../common/zone-abbreviation.js';
import { AppConfig } from '../config/config.js';
import { TransactionService } from '../database/transaction.service.js';
import { RemindersService } from '../reminders/reminders.service.js';
import type { CreateEventDto, ListEventsQueryDto, UpdateEventDto } from './dto/event.dto.js';
import { Event, type EventStatus } from './event.entity.js';
import { EventReminders } from './event-reminders.js';
import { formatEventTime } from './event-time.js';
import { freeSeats, lockEvent, settle, addSeats } from './seats.js';
import { rsvpClosedReason, type EventNotOpenCode } from './rsvp-open.js';

export class EventNotOpenError extends ConflictError {
  declare readonly code: EventNotOpenCode;
  constructor(status: Exclude<EventStatus, 'scheduled'>) {
    super(`This event is ${status}`, `event_${status}`);
  }
}

/** The events' part of the campaign totals: the upcoming scheduled events and their seats. */
export interface EventTotals {
  upcoming: number;
  events: {
    id: string;
    slug: string;
    startsAt: Date;
    capacity: number | null;
    going: number;
    waitlisted: number;
  }[];
}

declare module '../campaigns/campaign-totals.registry.js' {
  interface CampaignTotals {
    events: EventTotals;
  }
}

export interface RsvpCounts {
  going: number;
  goingPeople: number;
  waitlisted: number;
  offered: number;
  pending: number;
  checkedIn: number;
  noShow: number;
}

export type StaffEventView = Event & { spotsLeft: number | null; counts: RsvpCounts };

export interface PublicEventView {
  id: string;
  slug: string;
  lang: Locale;
  status: EventStatus;
  kind: string;
  title: string;
  description: string;
  venue?: string | null;
  address?: string | null;
  onlineUrl?: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  addressHidden: boolean;
  timezone: string;
  zone: string;
  startsAt: string;
  endsAt: string | null;
  startsAtLocal: string;
  endsAtLocal: string | null;
  rsvpDeadline: string | null;
  rsvpOpen: boolean;
  capacity: number | null;
  spotsLeft: number | null;
  going: number;
  waitlisted: number;
}

/** scheduled → cancelled | completed; nothing moves back. */
const TRANSITIONS: Record<EventStatus, EventStatus[]> = {
  scheduled: ['cancelled', 'completed'],
  cancelled: [],
  completed: [],
};
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function checkinCode(): string {
  return Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

/** An event as the public RSVP sees it (see {@link EventsService.findForRsvp}). */
export interface RsvpEvent {
  id: string;
  campaignId: string;
  status: EventStatus;
  startsAt: Date;
  rsvpDeadline: Date | null;
}

@Injectable()
export class EventsService implements OnModuleInit {
  constructor(
    @InjectRepository(Event) private readonly events: Repository<Event>,
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly totals: CampaignTotalsRegistry,
    private readonly eventReminders: EventReminders,
    private readonly reminders: RemindersService,
  ) {}

  onModuleInit(): void {
    this.totals.register({ key: 'events', compute: (id) => this.totalsFor(id) });
  }

  async create(actor: AuthUser, campaignId: string, dto: CreateEventDto): Promise<StaffEventView> {
    await this.campaigns.loadWritable(actor, campaignId, 'manage');
    const title = cleanLocalizedText(dto.title);
    const times = this.times(dto, null);
    const id = await this.tx.run(async (m) => {
      const slug =
        dto.slug ?? (await this.freeSlug(m, campaignId, slugify(title.en ?? title.es ?? '') || 'event'));
      const rows = (await m
        .createQueryBuilder()
        .insert()
        .into(Event)
        .values({
          ...this.fields(dto),
          ...times,
          campaignId,
          slug,
          title,
          kind: dto.kind,
          timezone: dto.timezone,
          capacity: dto.capacity ?? null,
          status: 'scheduled',
          seatsTaken: 0,
          reminderOffsetsMinutes: dto.reminderOffsetsMinutes ?? [1440, 120],
          hideAddressUntilRsvp: dto.hideAddressUntilRsvp ?? false,
          requireApproval: dto.requireApproval ?? false,
          revealAddressHoursBefore: dto.revealAddressHoursBefore ?? null,
          checkinCode: checkinCode(),
          createdBy: actor.id,
        })
        .orIgnore()
        .returning('id')
        .execute()) as { raw: { id: string }[] };
      if (!rows.raw.length) throw new ConflictError(`The slug "${slug}" is already taken`, 'slug_taken');
      return rows.raw[0].id;
    });
    return this.staffView(await this.events.findOneByOrFail({ id }));
  }

  async list(actor: AuthUser, campaignId: string, q: ListEventsQueryDto): Promise<Page<StaffEventView>> {
    await this.campaigns.load(actor, campaignId, 'read');
    const qb = this.events.createQueryBuilder('e').where('e.campaign_id = :campaignId', { campaignId });
    if (q.status) qb.andWhere('e.status = :status', { status: q.status });
    if (q.upcoming) qb.andWhere('e.starts_at > :now', { now: this.clock.now() });
    const [items, total] = await qb
      .orderBy('e.starts_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .take(q.limit)
      .skip(q.offset)
      .getManyAndCount();
    return { items: await Promise.all(items.map((e) => this.staffView(e))), total };
  }

  async get(actor: AuthUser, id: string): Promise<StaffEventView> {
    return this.staffView(await this.loadFor(actor, id, 'read'));
  }

  /** For RSVP staff routes: the event, after checking the actor's access to its campaign. */
  async loadFor(actor: AuthUser, id: string, need: 'read' | 'coordinate' | 'manage'): Promise<Event> {
    const e = await this.events.findOneBy({ id });
    if (!e) throw new NotFoundError('Event');
    if (need === 'read') await this.campaigns.load(actor, e.campaignId, need);
    else await this.campaigns.loadWritable(actor, e.campaignId, need);
    return e;
  }

  /**
   * Field edits and the lifecycle. Cancelling withdraws pending offers and notifies every RSVP holder;
   * completing marks going RSVPs that never checked in as no-shows; capacity can be raised (the
   * waitlist is offered the new seats) or lowered down to the seats already held (else 409).
   */
  async update(actor: AuthUser, id: string, dto: UpdateEventDto): Promise<StaffEventView> {
    const current = await this.loadFor(actor, id, 'manage');
    const { status, note, ...edits } = dto;
    const times = this.times(dto, current);
    const now = this.clock.now();
    const outcome = await this.tx.run(async (m) => {
      const e = await lockEvent(m, id);
      if (!e) throw new NotFoundError('Event');
      const changingStatus = status !== undefined && status !== e.status;
      if (e.status !== 'scheduled') {
        if (changingStatus || Object.keys(edits).length) throw new EventNotOpenError(e.status);
      }
      if (changingStatus && !TRANSITIONS[e.status].includes(status)) {
        throw new ConflictError(`A ${e.status} event cannot become ${status}`, 'invalid_transition');
      }
      if (edits.slug && edits.slug !== current.slug) {
        const [{ taken }] = await query<{ taken: boolean }>(
          m,
          `SELECT exists(SELECT 1 FROM events WHERE campaign_id = $1 AND slug = $2) AS taken`,
          [e.campaignId, edits.slug],
        );
        if (taken) throw new ConflictError(`The slug "${edits.slug}" is already taken`, 'slug_taken');
      }
      if (edits.capacity !== undefined && edits.capacity !== null && edits.capacity < e.seatsTaken) {
        throw new ConflictError(
          `${e.seatsTaken} seats are already held; capacity cannot go below that`,
          'capacity_below_seats_taken',
        );
      }
      const patch: Partial<Event> = { ...this.fields(edits), ...times };
      if (edits.title) patch.title = cleanLocalizedText(edits.title);
      if (edits.slug) patch.slug = edits.slug;
      if (edits.kind) patch.kind = edits.kind;
      if (edits.timezone) patch.timezone = edits.timezone;
      if (edits.reminderOffsetsMinutes) patch.reminderOffsetsMinutes = edits.reminderOffsetsMinutes;
      if (edits.hideAddressUntilRsvp !== undefined) patch.hideAddressUntilRsvp = edits.hideAddressUntilRsvp;
      if (edits.requireApproval !== undefined) patch.requireApproval = edits.requireApproval;
      if (edits.revealAddressHoursBefore !== undefined)
        patch.revealAddressHoursBefore = edits.revealAddressHoursBefore;
      if (edits.capacity !== undefined) patch.capacity = edits.capacity;
      let notify: string[] = [];
      if (changingStatus && status === 'cancelled') {
        patch.status = 'cancelled';
        patch.cancelledAt = now;
        // Pending offers are withdrawn (back to the waitlist) so no expiry can offer a seat any more.
        const [withdrawn] = (await m.query(
          `UPDATE rsvps SET status = 'waitlisted', offer_expires_at = NULL, updated_at = $2
            WHERE event_id = $1 AND status = 'offered' RETURNING guests`,
          [id, now],
        )) as [{ guests: number }[], number];
        await addSeats(m, e, -withdrawn.reduce((a, r) => a + 1 + r.guests, 0));
        notify = (
          await query<{ id: string }>(
            m,
            `SELECT id FROM rsvps WHERE event_id = $1 AND status <> 'cancelled' ORDER BY queue_seq`,
            [id],
          )
        ).map((r) => r.id);
      }
      if (changingStatus && status === 'completed') {
        patch.status = 'completed';
        patch.completedAt = now;
        await m.query(
          `UPDATE rsvps SET no_show = true, updated_at = $2
            WHERE event_id = $1 AND status = 'going' AND checked_in_at IS NULL`,
          [id, now],
        );
      }
      if (Object.keys(patch).length) await m.update(Event, { id }, patch);
      e.capacity = patch.capacity !== undefined ? patch.capacity : e.capacity;
      e.status = patch.status ?? e.status;
      if (patch.startsAt) e.startsAt = patch.startsAt;
      const { offers } = await settle(m, e, now, this.config.waitlistClaimHours);
      // The queued mail, in this transaction: reminders follow the event, notices go out after the commit.
      const queued = await this.eventReminders.offers(m, offers);
      if (e.status !== 'scheduled') {
        await this.eventReminders.cancelEvent(m, id);
        if (notify.length) queued.push(...(await this.eventReminders.cancelled(m, id, notify, note)));
      } else {
        const moved = changedFacts(current, patch);
        if (moved.timeOrPlace || moved.text || patch.reminderOffsetsMinutes || patch.timezone)
          await this.eventReminders.forEvent(m, id);
        if (moved.timeOrPlace) queued.push(...(await this.eventReminders.changed(m, id, note)));
      }
      return { queued };
    });
    await this.reminders.sendNow(outcome.queued);
    return this.staffView(await this.events.findOneByOrFail({ id }));
  }

  /** The event for the public: local times with the zone, spots left, counts; address hidden if asked. */
  async publicRead(
    slug: string,
    eventSlug: string,
    lang: unknown,
    acceptLanguage?: string,
  ): Promise<PublicEventView> {
    const c = await this.campaigns.findPublic(slug);
    const e = await this.events.findOneBy({ campaignId: c.id, slug: eventSlug });
    if (!e) throw new NotFoundError('Event');
    return this.publicView(e, pickLocale(lang, acceptLanguage, c.defaultLocale), addressOnPages(e, null));
  }

  async publicView(e: Event, l: Locale, showAddress: boolean): Promise<PublicEventView> {
    const counts = await this.counts(e.id);
    const now = this.clock.now();
    return {
      id: e.id,
      slug: e.slug,
      lang: l,
      status: e.status,
      kind: e.kind,
      title: localize(e.title, l),
      description: localize(e.description, l),
      ...(showAddress ? { venue: e.venue, address: e.address, onlineUrl: e.onlineUrl } : {}),
      city: e.city,
      region: e.region,
      country: e.country,
      addressHidden: !showAddress,
      timezone: e.timezone,
      zone: zoneAbbreviation(e.startsAt, e.timezone),
      startsAt: e.startsAt.toISOString(),
      endsAt: e.endsAt?.toISOString() ?? null,
      startsAtLocal: formatEventTime(e.startsAt, e.timezone, l),
      endsAtLocal: e.endsAt ? formatEventTime(e.endsAt, e.timezone, l) : null,
      rsvpDeadline: e.rsvpDeadline?.toISOString() ?? null,
      rsvpOpen: rsvpClosedReason(e, now) === null,
      capacity: e.capacity,
      spotsLeft: e.capacity === null ? null : Math.max(0, freeSeats(e)),
      going: counts.going,
      waitlisted: counts.waitlisted,
    };
  }

  /**
   * What the public RSVP needs of its campaign and event, in one prepared query on the hot path (404 for
   * an unknown or non-public campaign or event, 409 when the campaign takes no actions).
   */
  async findForRsvp(slug: string, eventSlug: string): Promise<RsvpEvent> {
    return this.campaigns.findAcceptingTarget<RsvpEvent>(
      {
        table: 'events',
        label: 'Event',
        columns: 'x.status, x.starts_at AS "startsAt", x.rsvp_deadline AS "rsvpDeadline"',
      },
      slug,
      eventSlug,
    );
  }

  async byId(id: string): Promise<Event | null> {
    return this.events.findOneBy({ id });
  }

  async counts(eventId: string): Promise<RsvpCounts> {
    const [row] = await query<RsvpCounts>(
      this.dataSource,
      `SELECT count(*) FILTER (WHERE status = 'going')::int AS going,
              coalesce(sum(1 + guests) FILTER (WHERE status = 'going'), 0)::int AS "goingPeople",
              count(*) FILTER (WHERE status = 'waitlisted')::int AS waitlisted,
              count(*) FILTER (WHERE status = 'offered')::int AS offered,
              count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE checked_in_at IS NOT NULL)::int AS "checkedIn",
              count(*) FILTER (WHERE no_show)::int AS "noShow"
         FROM rsvps WHERE event_id = $1`,
      [eventId],
    );
    return row;
  }

  /**
   * Public totals of the upcoming events, without summing RSVPs: `going` is the event's maintained
   * `seats_taken` (seats held by going and offered RSVPs, guests included; walk-ins hold none), and the
   * waitlist's length is the event's `waitlisted`, kept by triggers on rsvps (migration WaitlistLength).
   */
  async totalsFor(campaignId: string): Promise<EventTotals> {
    const rows = (await this.dataSource.query(
      `SELECT e.id, e.slug, e.starts_at AS "startsAt", e.capacity, e.seats_taken AS going,
              e.waitlisted
         FROM events e
        WHERE e.campaign_id = $1 AND e.status = 'scheduled' AND e.starts_at > $2
        ORDER BY e.starts_at, e.id`,
      [campaignId, this.clock.now()],
    )) as EventTotals['events'];
    return { upcoming: rows.length, events: rows };
  }

  private async staffView(e: Event): Promise<StaffEventView> {
    return {
      ...e,
      spotsLeft: e.capacity === null ? null : Math.max(0, freeSeats(e)),
      counts: await this.counts(e.id),
    };
  }

  private fields(dto: Partial<CreateEventDto>): Partial<Event> {
    const out: Partial<Event> = {};
    if (dto.description !== undefined) out.description = cleanLocalizedText(dto.description);
    for (const k of ['venue', 'address', 'city', 'region', 'country', 'onlineUrl'] as const) {
      if (dto[k] !== undefined) out[k] = dto[k] || null;
    }
    return out;
  }

  /** Parsed instants, checked against each other (ends after start, deadline not after start). */
  private times(dto: Partial<CreateEventDto>, current: Event | null): Partial<Event> {
    const out: Partial<Event> = {};
    if (dto.startsAt !== undefined) out.startsAt = new Date(dto.startsAt);
    if (dto.endsAt !== undefined) out.endsAt = dto.endsAt ? new Date(dto.endsAt) : null;
    if (dto.rsvpDeadline !== undefined)
      out.rsvpDeadline = dto.rsvpDeadline ? new Date(dto.rsvpDeadline) : null;
    const starts = out.startsAt ?? current?.startsAt;
    const ends = out.endsAt !== undefined ? out.endsAt : current?.endsAt;
    const deadline = out.rsvpDeadline !== undefined ? out.rsvpDeadline : current?.rsvpDeadline;
    if (starts && ends && ends < starts)
      throw BadInputError.field('endsAt', 'ends_before_start', 'endsAt must be after startsAt');
    if (starts && deadline && deadline > starts)
      throw BadInputError.field(
        'rsvpDeadline',
        'deadline_after_start',
        'rsvpDeadline must not be after startsAt',
      );
    return out;
  }

  private async freeSlug(m: EntityManager, campaignId: string, base: string): Promise<string> {
    const rows = await query<{ slug: string }>(
      m,
      `SELECT slug FROM events WHERE campaign_id = $1 AND (slug = $2 OR slug LIKE $2 || '-%')`,
      [campaignId, base],
    );
    const taken = new Set(rows.map((r) => r.slug));
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
  }
}

/** What an edit changes for the people who RSVPed: the time or the place (a notice), or only texts. */
function changedFacts(before: Event, patch: Partial<Event>): { timeOrPlace: boolean; text: boolean } {
  const differs = <K extends keyof Event>(k: K) =>
    patch[k] !== undefined && JSON.stringify(patch[k]) !== JSON.stringify(before[k]);
  const timeOrPlace =
    (patch.startsAt !== undefined && patch.startsAt.getTime() !== before.startsAt.getTime()) ||
    (['venue', 'address', 'city', 'onlineUrl', 'timezone'] as const).some(differs);
  return { timeOrPlace, text: differs('title') };
}

/**
 * Whether a page, a JSON read or an .ics may show the event's venue, address and online link to a reader
 * holding an RSVP in `status` (null: the public). One rule for every page and read:
 * - `revealAddressHoursBefore` set: never — the address goes only into mails (see addressInMail);
 * - `hideAddressUntilRsvp` or `requireApproval`: only on the manage page of a `going` RSVP (which only
 *   its mailbox has the link to; the public RSVP answer never carries one);
 * - else: always.
 */
export function addressOnPages(
  e: Pick<Event, 'hideAddressUntilRsvp' | 'requireApproval' | 'revealAddressHoursBefore'>,
  status: string | null,
): boolean {
  if (e.revealAddressHoursBefore !== null) return false;
  if (e.hideAddressUntilRsvp || e.requireApproval) return status === 'going';
  return true;
}
