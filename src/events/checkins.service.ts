import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { Clock } from '../common/clock.js';
import { BadInputError, NotFoundError } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { PledgesService } from '../supporters/pledges.service.js';
import { supportersSeenSql } from '../supporters/supporter-filter.js';
import { SupportersService } from '../supporters/supporters.service.js';
import type { ListRsvpsQueryDto, StaffCheckInDto } from './dto/rsvp.dto.js';
import { EventsService, type RsvpCounts } from './events.service.js';
import type { RsvpStatus } from './rsvp.entity.js';
import { lockEvent, newToken } from './seats.js';

export interface StaffRsvpView {
  id: string;
  supporterId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  status: RsvpStatus;
  guests: number;
  walkIn: boolean;
  checkedInAt: Date | null;
  checkedInBy: string | null;
  noShow: boolean;
  offerExpiresAt: Date | null;
  cancelReason: string | null;
  createdAt: Date;
  /** Staff typed some of her details in this reader's campaigns (supportersSeenSql). */
  staffEntered: boolean;
}

export interface CheckInResult {
  status: 'created' | 'existing';
  rsvp: StaffRsvpView;
}

const STAFF_COLUMNS = `r.id, r.supporter_id AS "supporterId", s.first_name AS "firstName", s.last_name AS "lastName",
  s.email, r.status, r.guests, r.walk_in AS "walkIn", r.checked_in_at AS "checkedInAt", r.checked_in_by AS "checkedInBy",
  r.no_show AS "noShow", r.offer_expires_at AS "offerExpiresAt", r.cancel_reason AS "cancelReason", r.created_at AS "createdAt",
  s.staff_entered AS "staffEntered"`;

/** The door: coordinators list RSVPs and check people in, walk-ins included. */
@Injectable()
export class CheckInsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly supporters: SupportersService,
    private readonly pledges: PledgesService,
    private readonly tx: TransactionService,
    private readonly clock: Clock,
  ) {}

  async list(
    actor: AuthUser,
    eventId: string,
    q: ListRsvpsQueryDto,
  ): Promise<Page<StaffRsvpView> & { counts: RsvpCounts }> {
    const event = await this.events.loadFor(actor, eventId, 'coordinate');
    const params: unknown[] = [eventId];
    const seen = supportersSeenSql(await this.supporters.campaignScope(actor, event.campaignId), params);
    let where = 'r.event_id = $1';
    if (q.status) where += ` AND r.status = $${params.push(q.status)}`;
    if (q.checkedIn !== undefined) where += ` AND r.checked_in_at IS ${q.checkedIn ? 'NOT ' : ''}NULL`;
    if (q.search) {
      params.push(`%${q.search.replace(/[%_\\]/g, '\\$&')}%`);
      where += ` AND (coalesce(s.first_name, '') || ' ' || coalesce(s.last_name, '')) ILIKE $${params.length}`;
    }
    const from = `FROM rsvps r JOIN ${seen} s ON s.id = r.supporter_id`;
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total ${from} WHERE ${where}`,
      params,
    )) as {
      total: number;
    }[];
    const items = (await this.dataSource.query(
      `SELECT ${STAFF_COLUMNS} ${from} WHERE ${where}
        ORDER BY s.last_name NULLS LAST, s.first_name NULLS LAST, r.id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    )) as StaffRsvpView[];
    return { items, total, counts: await this.events.counts(eventId) };
  }

  /** One RSVP as `actor` sees it (after an access check by the caller; supportersSeenSql). */
  async view(actor: AuthUser, rsvpId: string): Promise<StaffRsvpView> {
    const params: unknown[] = [rsvpId];
    const [campaign] = (await this.dataSource.query(
      `SELECT e.campaign_id AS id FROM rsvps r JOIN events e ON e.id = r.event_id WHERE r.id = $1`,
      params,
    )) as { id: string }[];
    if (!campaign) throw new NotFoundError('RSVP');
    const seen = supportersSeenSql(await this.supporters.campaignScope(actor, campaign.id), params);
    const [rsvp] = (await this.dataSource.query(
      `SELECT ${STAFF_COLUMNS} FROM rsvps r JOIN ${seen} s ON s.id = r.supporter_id WHERE r.id = $1`,
      params,
    )) as StaffRsvpView[];
    if (!rsvp) throw new NotFoundError('RSVP');
    return rsvp;
  }

  /**
   * `{rsvpId}` checks that RSVP in; supporter fields check a walk-in in (created if needed). Nobody is
   * turned away: a waitlisted, pending or cancelled RSVP at the door becomes `going` as a walk-in, holding no seat
   * (so nobody holding one is displaced); an offered one takes its held seat. Checking in twice keeps the
   * first time.
   */
  async checkIn(actor: AuthUser, eventId: string, dto: StaffCheckInDto): Promise<CheckInResult> {
    const event = await this.events.loadFor(actor, eventId, 'coordinate');
    const { rsvpId, guests, ...fields } = dto;
    if (!rsvpId && (!fields.email || !fields.firstName)) {
      throw new BadInputError('Send rsvpId, or a walk-in’s email and firstName', [
        { field: 'rsvpId', code: 'rsvp_or_walk_in', message: 'rsvpId or email and firstName are required' },
      ]);
    }
    const now = this.clock.now();
    const by = `staff:${actor.id}`;
    const scope = rsvpId ? null : await this.supporters.campaignScope(actor, event.campaignId);
    const id = await this.tx.run(async (m) => {
      let supporterId: string | null = null;
      if (!rsvpId) {
        const fieldsWithEmail = { ...fields, email: fields.email!, firstName: fields.firstName! };
        ({ supporterId } = await this.supporters.upsertStaffEntry(
          m,
          scope,
          fieldsWithEmail,
          event.campaignId,
          `walk-in:${eventId}`,
        ));
      }
      const e = await lockEvent(m, eventId);
      if (!e) throw new NotFoundError('Event');
      const [existing] = (await m.query(
        `SELECT id, status, checked_in_at AS "checkedInAt", supporter_id AS "supporterId" FROM rsvps
          WHERE event_id = $1 AND ${rsvpId ? 'id = $2' : 'supporter_id = $2'}`,
        [eventId, rsvpId ?? supporterId],
      )) as { id: string; status: RsvpStatus; checkedInAt: Date | null; supporterId: string }[];
      if (!existing && rsvpId) throw new NotFoundError('RSVP');
      let rid: string;
      let created = false;
      if (!existing) {
        const rows = (await m.query(
          `INSERT INTO rsvps (event_id, supporter_id, status, guests, manage_token_hash, walk_in, checked_in_at,
                              checked_in_by, source, created_at, updated_at)
           VALUES ($1, $2, 'going', $3, $4, true, $5, $6, 'walk-in', $5, $5) RETURNING id`,
          [eventId, supporterId, guests ?? 0, newToken().hash, now, by],
        )) as { id: string }[];
        rid = rows[0].id;
        created = true;
        supporterId = supporterId!;
      } else {
        rid = existing.id;
        supporterId = existing.supporterId;
        created = existing.checkedInAt === null;
        await m.query(
          `UPDATE rsvps SET
             walk_in = walk_in OR status IN ('waitlisted', 'pending', 'cancelled'),
             status = 'going', offer_expires_at = NULL, cancelled_at = NULL, cancel_reason = NULL, no_show = false,
             checked_in_at = coalesce(checked_in_at, $2), checked_in_by = coalesce(checked_in_by, $3), updated_at = $2
           WHERE id = $1`,
          [rid, now, by],
        );
      }
      await this.pledges.fulfil(m, e.campaignId, supporterId, 'attend', `checkin:${rid}`);
      return { rid, created };
    });
    const rsvp = await this.view(actor, id.rid);
    if (!rsvpId) {
      // A walk-in answers with what was typed at the door, never with what the organization already
      // held for that email (it may come from a campaign this coordinator does not work on).
      rsvp.firstName = fields.firstName ?? null;
      rsvp.lastName = fields.lastName ?? null;
      rsvp.email = fields.email!.trim().toLowerCase();
    }
    return { status: id.created ? 'created' : 'existing', rsvp };
  }
}
