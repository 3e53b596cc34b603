import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { BadInputError } from '../common/errors.js';
import { localize } from '../common/localized-text.js';
import { CheckInsService } from '../events/checkins.service.js';
import { StaffCheckInDto } from '../events/dto/rsvp.dto.js';
import { EventsService } from '../events/events.service.js';
import { RsvpsService } from '../events/rsvps.service.js';
import { walkInInput } from './admin-forms.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';
import { translator } from './i18n/index.js';
import {
  detailsToErrors,
  formFields,
  pageLang,
  redirect,
  render,
  validateAs,
  type FieldErrors,
} from './web-context.js';

/** The door: a phone-sized check-in screen over CheckInsService (search, one tap, walk-ins, counts). */
@ConsolePages()
@Controller('admin/events/:id/checkin')
export class AdminCheckInController {
  constructor(
    private readonly events: EventsService,
    private readonly checkins: CheckInsService,
    private readonly rsvps: RsvpsService,
  ) {}

  @Get()
  async screen(
    @Param('id', ParseUUIDPipe) id: string,
    @Query('q') q: string | undefined,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.show(req, reply, user, id, q ?? '', {}, {}, 200);
  }

  @Post()
  async checkIn(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(StaffCheckInDto, { rsvpId: f.rsvpId });
    if (v.errors) throw new BadInputError('Invalid RSVP');
    await this.checkins.checkIn(user, id, v.dto);
    return redirect(reply, `/admin/events/${id}/checkin?q=${encodeURIComponent(f.q ?? '')}`);
  }

  /** Approve a pending RSVP (events that require approval). */
  @Post('approve')
  async approve(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(StaffCheckInDto, { rsvpId: f.rsvpId });
    if (v.errors || !v.dto.rsvpId) throw new BadInputError('Invalid RSVP');
    await this.rsvps.approve(user, id, v.dto.rsvpId);
    return redirect(reply, `/admin/events/${id}/checkin?q=${encodeURIComponent(f.q ?? '')}`);
  }

  @Post('walk-in')
  async walkIn(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const input = walkInInput(f);
    const v = await validateAs(StaffCheckInDto, input);
    const missing: FieldErrors = {};
    if (!input.email) missing.email = 'required';
    if (!input.firstName) missing.firstName = 'required';
    const errors = { ...missing, ...(v.errors ?? {}) };
    if (Object.keys(errors).length || !v.dto) return this.show(req, reply, user, id, '', errors, f, 400);
    try {
      await this.checkins.checkIn(user, id, v.dto);
    } catch (e) {
      if (e instanceof BadInputError && e.details?.length)
        return this.show(req, reply, user, id, '', detailsToErrors(e.details), f, 400);
      throw e;
    }
    return redirect(
      reply,
      `/admin/events/${id}/checkin?q=${encodeURIComponent(f.lastName ?? f.firstName ?? '')}`,
    );
  }

  private async show(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    search: string,
    errors: FieldErrors,
    values: Record<string, string>,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const event = await this.events.get(user, id);
    const list = await this.checkins.list(user, id, {
      limit: 100,
      offset: 0,
      ...(search.trim() ? { search: search.trim().slice(0, 100) } : {}),
    });
    await render(
      req,
      reply,
      lang,
      'admin/checkin',
      {
        title: `${translator(lang)('admin.checkin')} · ${localize(event.title, lang)}`,
        user,
        event,
        eventTitle: localize(event.title, lang),
        list,
        search,
        errors,
        values,
      },
      status,
    );
  }
}
