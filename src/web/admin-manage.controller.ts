import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { MEMBER_ROLES } from '../auth/membership.entity.js';
import { MembershipService } from '../auth/membership.service.js';
import { ROLES } from '../auth/roles.decorator.js';
import type { UserRole } from '../auth/user.entity.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { BadInputError, ConflictError } from '../common/errors.js';
import { LOCALES } from '../common/localized-text.js';
import { Public } from '../common/public.decorator.js';
import { UpdateEventDto } from '../events/dto/event.dto.js';
import { EVENT_KINDS } from '../events/event.entity.js';
import { EventsService } from '../events/events.service.js';
import { UpdateFundraiserDto } from '../fundraising/dto/fundraiser.dto.js';
import { FundraisersService } from '../fundraising/fundraisers.service.js';
import { UpdateLetterActionDto } from '../letters/dto/letter-action.dto.js';
import { LetterActionsService } from '../letters/letter-actions.service.js';
import { renderLetter } from '../letters/merge-fields.js';
import { TargetsService } from '../letters/targets.service.js';
import { targetsIn } from '../letters/target.entity.js';
import { PutCampaignMemberDto } from '../organizations/dto/organization.dto.js';
import { CampaignTeamService } from '../organizations/campaign-team.service.js';
import { ReminderStaffService } from '../reminders/reminder-staff.service.js';
import { reportPdf } from '../reports/report-pdf.js';
import { ReportService } from '../reports/report.service.js';
import { eventUpdateInput, fundraiserUpdateInput, letterInput, listField } from './admin-forms.js';
import { AdminSession } from './admin-session.js';
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
import { WebErrorFilter } from './web-error.filter.js';

type Values = Record<string, string>;

/**
 * The staff roles an API route allows (its @Roles metadata), so a console screen follows the very same
 * rule as the route it mirrors: `routeAllows(user, TargetsController, 'create')`.
 */
export function routeAllows(user: AuthUser, controller: object, method: string): boolean {
  const handler = (controller as { prototype: Record<string, unknown> }).prototype[method] as object;
  const roles =
    (Reflect.getMetadata(ROLES, handler) as UserRole[] | undefined) ??
    (Reflect.getMetadata(ROLES, controller) as UserRole[] | undefined);
  return !roles || user.role === 'admin' || roles.includes(user.role);
}

const text = (v: { en?: string; es?: string } | null | undefined, name: string): Values => ({
  [`${name}_en`]: v?.en ?? '',
  [`${name}_es`]: v?.es ?? '',
});

/**
 * The console screens beyond the campaign page: editing letters, events and fundraisers, the targets
 * library, exchange rates, the campaign team, reminders and messages, and the report as a PDF. Every
 * handler calls the service the API calls (and the API route's role rule), never a rule of its own.
 */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@Controller('admin')
export class AdminManageController {
  constructor(
    private readonly session: AdminSession,
    private readonly campaigns: CampaignsService,
    private readonly access: CampaignAccessService,
    private readonly letters: LetterActionsService,
    private readonly events: EventsService,
    private readonly fundraisers: FundraisersService,
    private readonly targets: TargetsService,
    private readonly membership: MembershipService,
    private readonly team: CampaignTeamService,
    private readonly reports: ReportService,
    private readonly reminderStaff: ReminderStaffService,
  ) {}

  // ---- Letter actions ---------------------------------------------------------------------------

  @Public()
  @Get('letters/:id/edit')
  async editLetter(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    const a = await this.letters.get(user, id);
    await this.access.assert(user, a.campaignId, 'manage');
    const values: Values = {
      ...text(a.title, 'title'),
      ...text(a.subject, 'subject'),
      ...text(a.body, 'body'),
      targetIds: a.targets.map((x) => x.id).join(','),
      allowPersonalNote: a.allowPersonalNote ? '1' : '',
      signatureGoal: a.signatureGoal?.toString() ?? '',
    };
    await this.letterForm(req, reply, user, id, values, {}, 200);
  }

  @Public()
  @Post('letters/:id')
  async updateLetter(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    const f = formFields(body);
    const targetIds = listField(body, 'targetIds');
    const values = {
      ...f,
      targetIds: targetIds.join(','),
      allowPersonalNote: f.allowPersonalNote ? '1' : '',
    };
    const input = letterInput(f, targetIds);
    if (!f.signatureGoal?.trim()) input.signatureGoal = null;
    const v = await validateAs(UpdateLetterActionDto, input);
    if (v.errors) return this.letterForm(req, reply, user, id, values, v.errors, 400);
    if (f.preview) return this.letterForm(req, reply, user, id, values, {}, 200);
    try {
      const a = await this.letters.update(user, id, v.dto);
      return redirect(reply, `/admin/campaigns/${a.campaignId}#letters`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.letterForm(req, reply, user, id, values, errors, 400);
      throw e;
    }
  }

  private async letterForm(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    values: Values,
    errors: FieldErrors,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const a = await this.letters.get(user, id);
    const c = await this.campaigns.get(user, a.campaignId);
    const targets = (
      await this.targets.listOwn(user, c.organizationId, { limit: 500, offset: 0, library: true })
    ).items;
    const chosen = targets.filter((x) => (values.targetIds ?? '').split(',').includes(x.id));
    // The preview beside the fields: the letter as a supporter reads it, in each language.
    const preview = LOCALES.map((l) => ({
      lang: l,
      subject: renderLetter(values[`subject_${l}`] ?? '', targetsIn(chosen, l), null, l),
      body: renderLetter(values[`body_${l}`] ?? '', targetsIn(chosen, l), null, l),
    }));
    await render(
      req,
      reply,
      lang,
      'admin/letter-form',
      { title: translator(lang)('admin.editLetter'), user, a, targets, values, errors, preview },
      status,
    );
  }

  // ---- Events -----------------------------------------------------------------------------------

  @Public()
  @Get('events/:id/edit')
  async editEvent(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    const e = await this.events.loadFor(user, id, 'manage');
    const values: Values = {
      ...text(e.title, 'title'),
      ...text(e.description, 'description'),
      kind: e.kind,
      venue: e.venue ?? '',
      address: e.address ?? '',
      city: e.city ?? '',
      country: e.country ?? '',
      onlineUrl: e.onlineUrl ?? '',
      startsAt: instantToLocal(e.startsAt, e.timezone),
      endsAt: instantToLocal(e.endsAt, e.timezone),
      timezone: e.timezone,
      capacity: e.capacity?.toString() ?? '',
      requireApproval: e.requireApproval ? '1' : '',
      revealAddressHoursBefore: e.revealAddressHoursBefore?.toString() ?? '',
    };
    await this.eventForm(req, reply, user, id, values, {}, null, 200);
  }

  @Public()
  @Post('events/:id')
  async updateEvent(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    const f = formFields(body);
    const v = await validateAs(UpdateEventDto, eventUpdateInput(f));
    if (v.errors) return this.eventForm(req, reply, user, id, f, v.errors, null, 400);
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
  @Public()
  @Post('events/:id/status')
  async eventStatus(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
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
    values: Values,
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

  // ---- Fundraisers ------------------------------------------------------------------------------

  @Public()
  @Get('fundraisers/:id/edit')
  async editFundraiser(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    await this.fundraisers.loadFor(user, id, 'manage');
    const fr = await this.fundraisers.get(user, id);
    const values: Values = {
      ...text(fr.title, 'title'),
      ...text(fr.description, 'description'),
      goalAmount: fr.goal.amount,
      goalCurrency: fr.goal.currency,
    };
    await this.fundraiserForm(req, reply, user, id, values, {}, 200);
  }

  @Public()
  @Post('fundraisers/:id')
  async updateFundraiser(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    const f = formFields(body);
    const v = await validateAs(UpdateFundraiserDto, fundraiserUpdateInput(f));
    if (v.errors) return this.fundraiserForm(req, reply, user, id, f, v.errors, 400);
    try {
      const fr = await this.fundraisers.update(user, id, v.dto);
      return redirect(reply, `/admin/campaigns/${fr.campaignId}#fundraisers`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.fundraiserForm(req, reply, user, id, f, errors, 400);
      throw e;
    }
  }

  @Public()
  @Post('fundraisers/:id/status')
  async fundraiserStatus(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    const v = await validateAs(UpdateFundraiserDto, { status: formFields(body).status });
    if (v.errors || !v.dto.status) throw new BadInputError('Invalid status');
    const fr = await this.fundraisers.update(user, id, { status: v.dto.status });
    return redirect(reply, `/admin/campaigns/${fr.campaignId}#fundraisers`);
  }

  private async fundraiserForm(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    values: Values,
    errors: FieldErrors,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const fr = await this.fundraisers.get(user, id);
    await render(
      req,
      reply,
      lang,
      'admin/fundraiser-form',
      { title: translator(lang)('admin.editFundraiser'), user, fr, values, errors },
      status,
    );
  }

  // ---- Campaign team ----------------------------------------------------------------------------

  @Public()
  @Get('campaigns/:id/members')
  async members(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    await this.membersPage(req, reply, user, id, {}, {}, 200);
  }

  @Public()
  @Post('campaigns/:id/members')
  async putMember(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    const f = formFields(body);
    const v = await validateAs(PutCampaignMemberDto, { email: f.email ?? '', role: f.role });
    if (v.errors) return this.membersPage(req, reply, user, id, v.errors, f, 400);
    let status: string;
    try {
      const out = await this.team.put(user, id, v.dto);
      status = 'status' in out ? out.status : 'added';
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.membersPage(req, reply, user, id, errors, f, 400);
      throw e;
    }
    return redirect(reply, `/admin/campaigns/${id}/members?team=${status}`);
  }

  @Public()
  @Post('campaigns/:id/members/:userId/remove')
  async removeMember(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    await this.membership.remove(user, id, userId);
    return redirect(reply, `/admin/campaigns/${id}/members`);
  }

  private async membersPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    errors: FieldErrors,
    values: Values,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const c = await this.campaigns.get(user, id);
    const members = await this.membership.list(user, id); // 403 unless organizer here or admin
    const q = req.query as Record<string, string | undefined>;
    await render(
      req,
      reply,
      lang,
      'admin/members',
      {
        title: translator(lang)('admin.members'),
        user,
        c,
        members,
        memberRoles: MEMBER_ROLES,
        teamStatus: q.team ?? null,
        errors,
        values,
      },
      status,
    );
  }

  // ---- Reminders and messages -------------------------------------------------------------------

  @Public()
  @Get('campaigns/:id/reminders')
  async reminders(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    const lang = pageLang(req, reply);
    const c = await this.campaigns.get(user, id);
    const page = { limit: 200, offset: 0 };
    const reminders = await this.reminderStaff.list(user, id, page);
    const messages = await this.reminderStaff.messages(user, id, page);
    const role = await this.access.roleIn(user, id);
    const q = req.query as Record<string, string | undefined>;
    await render(req, reply, lang, 'admin/reminders', {
      title: translator(lang)('admin.reminders'),
      user,
      c,
      reminders: reminders.items,
      messages: messages.items,
      // The resend route asks for 'coordinate' on the campaign: every member role has it.
      canResend: role !== null,
      resent: q.resent === '1',
    });
  }

  @Public()
  @Post('reminders/:id/resend')
  async resend(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    const r = await this.reminderStaff.resend(user, id);
    return redirect(reply, r.campaignId ? `/admin/campaigns/${r.campaignId}/reminders?resent=1` : '/admin');
  }

  // ---- Report -----------------------------------------------------------------------------------

  /** The campaign report as a PDF download, through the session (the same builder as /api/…/report.pdf). */
  @Public()
  @Get('campaigns/:id/report.pdf')
  async report(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.session.require(req);
    const report = await this.reports.build(user, id, pageLang(req, reply));
    await reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="report-${report.campaign.slug}.pdf"`)
      .header('cache-control', 'no-store')
      .send(reportPdf(report));
  }
}
