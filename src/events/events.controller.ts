import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import type { Page } from '../common/pagination.js';
import { createdOrExisting } from '../common/reply-status.js';
import { CheckInsService, type CheckInResult, type StaffRsvpView } from './checkins.service.js';
import { CreateEventDto, ListEventsQueryDto, UpdateEventDto } from './dto/event.dto.js';
import { ListRsvpsQueryDto, StaffCheckInDto } from './dto/rsvp.dto.js';
import { EventsService, type RsvpCounts, type StaffEventView } from './events.service.js';
import { RsvpsService } from './rsvps.service.js';

@ApiTags('events')
@ApiBearerAuth()
@Controller('api')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly checkIns: CheckInsService,
    private readonly rsvpsService: RsvpsService,
  ) {}

  /** Create an event (campaign organizers, admins). */
  @Roles('admin', 'organizer')
  @Post('campaigns/:id/events')
  create(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateEventDto,
  ): Promise<StaffEventView> {
    return this.events.create(user, id, dto);
  }

  /** A campaign's events, soonest first (members). */
  @Roles('admin', 'organizer', 'coordinator')
  @Get('campaigns/:id/events')
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListEventsQueryDto,
  ): Promise<Page<StaffEventView>> {
    return this.events.list(user, id, q);
  }

  /** One event with its counts and self check-in code (members). */
  @Roles('admin', 'organizer', 'coordinator')
  @Get('events/:id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<StaffEventView> {
    return this.events.get(user, id);
  }

  /** Edit an event or move it: `{status: "cancelled"}` notifies every RSVP holder. */
  @Roles('admin', 'organizer')
  @Patch('events/:id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateEventDto,
  ): Promise<StaffEventView> {
    return this.events.update(user, id, dto);
  }

  /** RSVPs of an event, searchable by name, with going/waitlisted/offered/checked-in/no-show counts. */
  @Roles('admin', 'organizer', 'coordinator')
  @Get('events/:id/rsvps')
  rsvps(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListRsvpsQueryDto,
  ): Promise<Page<StaffRsvpView> & { counts: RsvpCounts }> {
    return this.checkIns.list(user, id, q);
  }

  /** Approve a pending RSVP (events that require approval): going when it fits, else waitlisted; mails it. */
  @Roles('admin', 'organizer', 'coordinator')
  @Post('events/:id/rsvps/:rsvpId/approve')
  @HttpCode(200)
  async approve(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('rsvpId', ParseUUIDPipe) rsvpId: string,
  ): Promise<StaffRsvpView> {
    return this.checkIns.view(user, await this.rsvpsService.approve(user, id, rsvpId));
  }

  /** Check in `{rsvpId}` or a walk-in (supporter fields): 201 when checked in now, 200 if already. */
  @Roles('admin', 'organizer', 'coordinator')
  @Post('events/:id/check-ins')
  async checkIn(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: StaffCheckInDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CheckInResult> {
    return createdOrExisting(reply, await this.checkIns.checkIn(user, id, dto));
  }
}
