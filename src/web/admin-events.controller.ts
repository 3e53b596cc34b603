import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { BadInputError, ConflictError } from '../common/errors.js';
import { UpdateEventDto } from '../events/dto/event.dto.js';
import { EVENT_KINDS } from '../events/event.entity.js';
import { EventsService } from '../events/events.service.js';
import { countryName } from '../common/countries.js';
import {
  eventUpdateInput,
  listField,
  localizedValues,
  withZoneHint,
  type FormValues,
} from './admin-forms.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';
import { instantToLocal } from './format.js';
import { translator } from './i18n/index.js';
import {
  fieldErrorsOf,
  formFields,
  pageLang,
  redirect,
  render,
  validateAs,
  type FieldErrors,
} from './web-context.js';

/** Editing an event, and cancelling or completing it. */
@ConsolePages()
@Controller('admin')
export class AdminEventsController {
  constructor(private readonly events: EventsService) {}

  @Get('events/:id/edit')
  async editEvent(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const e = await this.events.loadFor(user, id, 'manage');
    const values: FormValues = {
      ...localizedValues(e.title, 'title'),
      ...localizedValues(e.description, 'description'),
      kind: e.kind,
      venue: e.venue ?? '',
      address: e.address ?? '',
      city: e.city ?? '',
      country: e.country ? countryName(e.country, pageLang(req, reply)) : '',
      onlineUrl: e.onlineUrl ?? '',
      startsAt: instantToLocal(e.startsAt, e.timezone),
      endsAt: instantToLocal(e.endsAt, e.timezone),
      timezone: e.timezone,
      capacity: e.capacity?.toString() ?? '',
      requireApproval: e.requireApproval ? '1' : '',
      revealAddressHoursBefore: e.revealAddressHoursBefore?.toString() ?? '',
      hideAddressUntilRsvp: e.hideAddressUntilRsvp ? '1' : '',
      reminderOffsets: e.reminderOffsetsMinutes.join(','),
    };
    await this.eventForm(req, reply, user, id, values, {}, null, 200);
  }

  @Post('events/:id')
  async updateEvent(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const offsets = listField(body, 'reminderOffsets');
    const f = { ...formFields(body), reminderOffsets: offsets.join(',') };
    const v = await validateAs(UpdateEventDto, eventUpdateInput(f, offsets));
    if (v.errors) return this.eventForm(req, reply, user, id, f, withZoneHint(v.errors), null, 400);
    try {
      const e = await this.events.update(user, id, v.dto);
      return redirect(reply, `/admin/campaigns/${e.campaignId}#events`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.eventForm(req, reply, user, id, f, errors, null, 400);
      if (e instanceof ConflictError) {
        const t = translator(pageLang(req, reply));
        const key =
          e.code === 'capacity_below_seats_taken' ? 'err.capacity_below_seats_taken' : 'error.conflict';
        return this.eventForm(req, reply, user, id, f, {}, t(key), 409);
      }
      throw e;
    }
  }

  /** Cancel or complete an event (the service notifies RSVP holders, marks no-shows). */
  @Post('events/:id/status')
  async eventStatus(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(UpdateEventDto, {
      status: f.status,
      ...(f.note?.trim() ? { note: f.note } : {}),
    });
    if (v.errors || !v.dto.status) throw new BadInputError('Invalid status');
    const e = await this.events.update(user, id, { status: v.dto.status, note: v.dto.note });
    return redirect(reply, `/admin/campaigns/${e.campaignId}#events`);
  }

  private async eventForm(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    values: FormValues,
    errors: FieldErrors,
    problem: string | null,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const e = await this.events.get(user, id);
    await render(
      req,
      reply,
      lang,
      'admin/event-form',
      {
        title: translator(lang)('admin.editEvent'),
        user,
        e,
        values,
        errors,
        problem,
        eventKinds: EVENT_KINDS,
      },
      status,
    );
  }
}
