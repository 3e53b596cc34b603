import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/public.decorator.js';
import { PublicSubmission } from '../common/public-submission.js';
import { EventPublicQueryDto } from './dto/event.dto.js';
import { CreateRsvpDto, SelfCheckInDto, UpdateRsvpDto } from './dto/rsvp.dto.js';
import { EventsService, type PublicEventView } from './events.service.js';
import { RSVP_ANSWER, RsvpsService, type ManageView, type PublicRsvpAnswer } from './rsvps.service.js';

@ApiTags('public')
@Controller('api/public')
export class PublicEventsController {
  constructor(
    private readonly events: EventsService,
    private readonly rsvps: RsvpsService,
  ) {}

  /** An event in its own local time with the zone, spots left and counts; no address if it is hidden. */
  @Public()
  @Get('campaigns/:slug/events/:eventSlug')
  read(
    @Param('slug') slug: string,
    @Param('eventSlug') eventSlug: string,
    @Query() q: EventPublicQueryDto,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<PublicEventView> {
    return this.events.publicRead(slug, eventSlug, q.lang, acceptLanguage);
  }

  /**
   * RSVP: always 202 `{"status": "received"}` — new, repeated, waitlisted, pending, known or unknown
   * email alike; the manage link goes only by mail to the address.
   */
  @PublicSubmission()
  @Post('campaigns/:slug/events/:eventSlug/rsvps')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'the same answer for known and unknown emails', type: Object })
  async rsvp(
    @Param('slug') slug: string,
    @Param('eventSlug') eventSlug: string,
    @Body() dto: CreateRsvpDto,
  ): Promise<PublicRsvpAnswer> {
    await this.rsvps.rsvp(slug, eventSlug, dto);
    return RSVP_ANSWER;
  }

  /** The RSVP behind a manage token (410 a day after the event ends), and its event (address: see addressOnPages). */
  @PublicSubmission()
  @Get('rsvps/:token')
  view(@Param('token') token: string, @Query() q: EventPublicQueryDto): Promise<ManageView> {
    return this.rsvps.view(token, q.lang);
  }

  /** Change guests (409 when the extra seats are no longer free). */
  @PublicSubmission()
  @Patch('rsvps/:token')
  change(@Param('token') token: string, @Body() dto: UpdateRsvpDto): Promise<ManageView> {
    return this.rsvps.changeGuests(token, dto.guests);
  }

  /** Cancel; the seats go to the waitlist. */
  @PublicSubmission()
  @Delete('rsvps/:token')
  cancel(@Param('token') token: string): Promise<ManageView> {
    return this.rsvps.cancel(token);
  }

  /** Bring a cancelled RSVP back (pending, going or at the end of the waitlist). */
  @PublicSubmission()
  @Post('rsvps/:token/restore')
  restore(@Param('token') token: string): Promise<ManageView> {
    return this.rsvps.restore(token);
  }

  /** Take the seat offered from the waitlist, within the claim window. */
  @PublicSubmission()
  @Post('rsvps/:token/claim')
  claim(@Param('token') token: string): Promise<ManageView> {
    return this.rsvps.claim(token);
  }

  /** Check in with the code shown at the venue. */
  @PublicSubmission()
  @Post('rsvps/:token/check-in')
  checkIn(@Param('token') token: string, @Body() dto: SelfCheckInDto): Promise<ManageView> {
    return this.rsvps.selfCheckIn(token, dto.code);
  }
}
