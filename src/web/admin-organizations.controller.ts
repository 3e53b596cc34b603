import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { MEMBER_ROLES } from '../auth/membership.entity.js';
import { ConflictError, ForbiddenError } from '../common/errors.js';
import { countryName, countryOptions } from '../common/countries.js';
import { LOCALES, type Locale } from '../common/localized-text.js';
import { AppConfig } from '../config/config.js';
import { mailFromAddress } from '../mail/mail.transport.js';
import { CreateExchangeRateDto, UpdateExchangeRateDto } from '../fundraising/dto/exchange-rate.dto.js';
import { ExchangeRatesService } from '../fundraising/exchange-rates.service.js';
import { CreateTargetDto, UpdateTargetDto } from '../letters/dto/target.dto.js';
import { TARGET_KINDS, type Target } from '../letters/target.entity.js';
import { TargetsService } from '../letters/targets.service.js';
import {
  AddMemberDto,
  CreateOrganizationDto,
  UpdateOrganizationDto,
} from '../organizations/dto/organization.dto.js';
import type { Organization } from '../organizations/organization.entity.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { rateInput, targetInput } from './admin-forms.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';
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

type Values = Record<string, string>;

const TIME_ZONES = Intl.supportedValuesOf('timeZone');

/** An organization's settings as form values. */
function orgValues(o: Organization, lang: Locale): Values {
  return {
    name: o.name,
    slug: o.slug,
    defaultLocale: o.defaultLocale,
    country: o.country ? countryName(o.country, lang) : '',
    timezone: o.timezone,
    senderName: o.senderName ?? '',
    replyTo: o.replyTo ?? '',
    embedOrigins: (o.embedOrigins ?? []).join('\n'),
  };
}

function orgInput(f: Values, creating: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['name', 'defaultLocale', 'timezone']) if (f[k]?.trim()) out[k] = f[k].trim();
  if (creating && f.slug?.trim()) out.slug = f.slug.trim();
  if (f.country?.trim()) out.country = f.country;
  for (const k of ['senderName', 'replyTo']) out[k] = f[k] ?? '';
  if (!creating && f.embedOrigins !== undefined)
    out.embedOrigins = f.embedOrigins.split(/[\s,]+/).filter(Boolean);
  if (creating && !out.name) out.name = '';
  return out;
}

/** A target as form values: bilingual name and title side by side. */
function targetValues(x: Target): Values {
  return {
    name_en: x.name.en ?? '',
    name_es: x.name.es ?? '',
    title_en: x.title?.en ?? '',
    title_es: x.title?.es ?? '',
    organization: x.organization ?? '',
    kind: x.kind,
    country: x.country ?? '',
    email: x.email ?? '',
    postalAddress: x.postalAddress ?? '',
    locale: x.locale,
  };
}

/**
 * The console's organization screens: the list (admins create organizations), each organization's
 * settings (sender name, reply-to), its team (invite by email, withdraw an invitation, remove), its own
 * targets beside the starter library, and its exchange rates. Each handler calls the service the API
 * calls, so the same rules answer.
 */
@ConsolePages()
@Controller('admin')
export class AdminOrganizationsController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly targets: TargetsService,
    private readonly rates: ExchangeRatesService,
    private readonly config: AppConfig,
  ) {}

  /** What the settings form offers: country names (either language is understood) and time zones. */
  private pickers(lang: Locale) {
    return { countries: countryOptions(lang), zones: TIME_ZONES };
  }

  // ---- Organizations ----------------------------------------------------------------------------

  @Get('organizations')
  async list(@ConsoleUser() user: AuthUser, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await this.listPage(req, reply, user, {}, { defaultLocale: 'es', timezone: 'America/Mexico_City' }, 200);
  }

  @Post('organizations')
  async create(
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    if (user.role !== 'admin') throw new ForbiddenError();
    const f = formFields(body);
    const v = await validateAs(CreateOrganizationDto, orgInput(f, true));
    if (v.errors) return this.listPage(req, reply, user, v.errors, f, 400);
    try {
      const o = await this.orgs.create(user, v.dto);
      return redirect(reply, `/admin/organizations/${o.id}?saved=1`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.listPage(req, reply, user, errors, f, 409);
      throw e;
    }
  }

  private async listPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    errors: FieldErrors,
    values: Values,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const list = await this.orgs.list(user, { limit: 500, offset: 0 });
    await render(
      req,
      reply,
      lang,
      'admin/organizations',
      {
        title: translator(lang)('admin.organizations'),
        user,
        items: list.items,
        canCreate: user.role === 'admin',
        locales: LOCALES,
        ...this.pickers(lang),
        errors,
        values,
      },
      status,
    );
  }

  @Get('organizations/:id')
  async show(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const o = await this.orgs.get(user, id);
    await this.orgPage(req, reply, user, o, orgValues(o, pageLang(req, reply)), {}, {}, {}, 200);
  }

  @Post('organizations/:id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const o = await this.orgs.get(user, id);
    const f = formFields(body);
    const v = await validateAs(UpdateOrganizationDto, orgInput(f, false));
    if (v.errors) return this.orgPage(req, reply, user, o, f, v.errors, {}, {}, 400);
    try {
      await this.orgs.update(user, id, v.dto);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.orgPage(req, reply, user, o, f, errors, {}, {}, 409);
      throw e;
    }
    return redirect(reply, `/admin/organizations/${id}?saved=1`);
  }

  @Post('organizations/:id/members')
  async invite(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const o = await this.orgs.get(user, id);
    const f = formFields(body);
    const v = await validateAs(AddMemberDto, { email: f.email ?? '', role: f.role ?? '' });
    if (v.errors)
      return this.orgPage(req, reply, user, o, orgValues(o, pageLang(req, reply)), {}, f, v.errors, 400);
    try {
      const out = await this.orgs.addMember(user, id, v.dto.email, v.dto.role, pageLang(req, reply));
      return redirect(reply, `/admin/organizations/${id}?team=${out.status}#team`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors)
        return this.orgPage(req, reply, user, o, orgValues(o, pageLang(req, reply)), {}, f, errors, 400);
      throw e;
    }
  }

  @Post('organizations/:id/members/:userId/remove')
  async removeMember(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    try {
      await this.orgs.removeMember(user, id, userId);
    } catch (e) {
      // The page says why, in the reader's language, instead of the generic error page.
      if (e instanceof ConflictError && e.code === 'last_organizer') {
        return redirect(reply, `/admin/organizations/${id}?team=last_organizer#team`);
      }
      throw e;
    }
    return redirect(reply, `/admin/organizations/${id}?team=removed#team`);
  }

  @Post('organizations/:id/invitations/:invitationId/withdraw')
  async withdraw(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('invitationId', ParseUUIDPipe) invitationId: string,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    await this.orgs.cancelInvitation(user, id, invitationId);
    return redirect(reply, `/admin/organizations/${id}#team`);
  }

  private async orgPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    o: Organization,
    values: Values,
    errors: FieldErrors,
    inviteValues: Values,
    inviteErrors: FieldErrors,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const team = await this.orgs.team(user, o.id);
    const canManage = await this.orgs.mayManage(user, o.id);
    const q = req.query as Record<string, string | undefined>;
    await render(
      req,
      reply,
      lang,
      'admin/organization',
      {
        title: o.name,
        user,
        o,
        team,
        canManage,
        locales: LOCALES,
        ...this.pickers(lang),
        mailFrom: {
          name: o.senderName || o.name,
          address: mailFromAddress(this.config.mailFrom),
          replyTo: o.replyTo,
        },
        memberRoles: MEMBER_ROLES,
        values,
        errors,
        inviteValues,
        inviteErrors,
        saved: q.saved === '1',
        teamStatus: q.team ?? null,
      },
      status,
    );
  }

  // ---- Targets ----------------------------------------------------------------------------------

  /** The starter library (admins add and edit; everyone reads). */
  @Get('targets')
  async library(@ConsoleUser() user: AuthUser, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await this.targetsPage(req, reply, user, null, {}, { kind: 'government' }, 200);
  }

  @Post('targets')
  async createLibraryTarget(
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    if (user.role !== 'admin') throw new ForbiddenError();
    const f = formFields(body);
    const v = await validateAs(CreateTargetDto, targetInput(f, true));
    if (v.errors) return this.targetsPage(req, reply, user, null, v.errors, f, 400);
    await this.targets.createLibrary(user, v.dto);
    return redirect(reply, '/admin/targets?saved=1');
  }

  /** An organization's own targets beside the starter library; its organizers add their own. */
  @Get('organizations/:id/targets')
  async orgTargets(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const o = await this.orgs.get(user, id);
    await this.targetsPage(req, reply, user, o, {}, { kind: 'government' }, 200);
  }

  @Post('organizations/:id/targets')
  async createOrgTarget(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const o = await this.orgs.get(user, id);
    const f = formFields(body);
    const v = await validateAs(CreateTargetDto, targetInput(f, true));
    if (v.errors) return this.targetsPage(req, reply, user, o, v.errors, f, 400);
    await this.targets.createOwn(user, id, v.dto);
    return redirect(reply, `/admin/organizations/${id}/targets?saved=1`);
  }

  @Get('targets/:id/edit')
  async editTarget(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const x = await this.editableTarget(user, id);
    await this.targetForm(req, reply, user, x, targetValues(x), {}, 200);
  }

  @Post('targets/:id')
  async updateTarget(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const x = await this.editableTarget(user, id);
    const f = formFields(body);
    const v = await validateAs(UpdateTargetDto, targetInput(f, false));
    if (v.errors) return this.targetForm(req, reply, user, x, f, v.errors, 400);
    await this.targets.update(user, id, v.dto);
    return redirect(
      reply,
      x.organizationId
        ? `/admin/organizations/${x.organizationId}/targets?saved=1`
        : '/admin/targets?saved=1',
    );
  }

  /** The target, when this user may edit it (the same rule as PATCH /api/targets/:id). */
  private async editableTarget(user: AuthUser, id: string): Promise<Target> {
    const x = await this.targets.byId(id);
    await this.targets.assertEditable(user, x);
    return x;
  }

  private async targetsPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    o: Organization | null,
    errors: FieldErrors,
    values: Values,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const q = req.query as Record<string, string | undefined>;
    const page = { limit: 500, offset: 0 };
    const library = (await this.targets.listLibrary(page)).items;
    const own = o ? (await this.targets.listOwn(user, o.id, page)).items : [];
    const canAdd = o ? await this.orgs.mayManage(user, o.id) : user.role === 'admin';
    const t = translator(lang);
    await render(
      req,
      reply,
      lang,
      'admin/targets',
      {
        title: o ? `${t('admin.ownTargets')} · ${o.name}` : t('admin.targetLibrary'),
        user,
        o,
        own,
        library,
        canAdd,
        canEditOwn: canAdd && !!o,
        canEditLibrary: user.role === 'admin',
        action: o ? `/admin/organizations/${o.id}/targets` : '/admin/targets',
        kinds: TARGET_KINDS,
        locales: LOCALES,
        errors,
        values,
        saved: q.saved === '1',
      },
      status,
    );
  }

  private async targetForm(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    x: Target,
    values: Values,
    errors: FieldErrors,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    await render(
      req,
      reply,
      lang,
      'admin/target-form',
      {
        title: translator(lang)('admin.editTarget'),
        user,
        id: x.id,
        back: x.organizationId ? `/admin/organizations/${x.organizationId}/targets` : '/admin/targets',
        kinds: TARGET_KINDS,
        locales: LOCALES,
        values,
        errors,
      },
      status,
    );
  }

  // ---- Exchange rates ---------------------------------------------------------------------------

  /** Rates belong to an organization: this opens the first one's (or the list to choose from). */
  @Get('exchange-rates')
  async ratesHome(@ConsoleUser() user: AuthUser, @Res() reply: FastifyReply) {
    const list = await this.orgs.list(user, { limit: 2, offset: 0 });
    if (list.total === 1) return redirect(reply, `/admin/organizations/${list.items[0].id}/exchange-rates`);
    return redirect(reply, '/admin/organizations');
  }

  @Get('organizations/:id/exchange-rates')
  async rateList(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const o = await this.orgs.get(user, id);
    await this.ratesPage(req, reply, user, o, {}, {}, 200);
  }

  @Post('organizations/:id/exchange-rates')
  async addRate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const o = await this.orgs.get(user, id);
    const f = formFields(body);
    const v = await validateAs(CreateExchangeRateDto, rateInput(f));
    if (v.errors) return this.ratesPage(req, reply, user, o, v.errors, f, 400);
    try {
      const out = await this.rates.create(user, id, v.dto);
      return redirect(reply, `/admin/organizations/${id}/exchange-rates?saved=${out.status}`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors)
        return this.ratesPage(req, reply, user, o, errors, f, e instanceof ConflictError ? 409 : 400);
      throw e;
    }
  }

  /**
   * Correct a rate (PATCH /api/exchange-rates/:id): it changes every tally that used it, so the old
   * and new value and the reason go to the audit log. A rate of another organization is not found.
   */
  @Post('organizations/:id/exchange-rates/correction')
  async correctRate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const o = await this.orgs.get(user, id);
    const f = formFields(body);
    const again = (errors: FieldErrors, status: number) =>
      this.ratesPage(req, reply, user, o, {}, {}, status, { errors, values: f });
    const input = { rate: (f.rate ?? '').trim(), ...(f.reason?.trim() ? { reason: f.reason } : {}) };
    const v = await validateAs(UpdateExchangeRateDto, input);
    const errors: FieldErrors = { ...(v.errors ?? {}) };
    if (!isUUID(f.rateId ?? '')) errors.rateId = 'isIn';
    if (Object.keys(errors).length || !v.dto) return again(errors, 400);
    try {
      await this.rates.update(user, f.rateId, v.dto, id);
    } catch (e) {
      const fieldErrors = fieldErrorsOf(e);
      if (fieldErrors) return again(fieldErrors, 400);
      throw e;
    }
    return redirect(reply, `/admin/organizations/${id}/exchange-rates?saved=corrected`);
  }

  private async ratesPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    o: Organization,
    errors: FieldErrors,
    values: Values,
    status: number,
    fix: { errors: FieldErrors; values: Values } | null = null,
  ) {
    const lang = pageLang(req, reply);
    const q = req.query as Record<string, string | undefined>;
    const list = await this.rates.list(user, o.id, { limit: 200, offset: 0 });
    await render(
      req,
      reply,
      lang,
      'admin/rates',
      {
        title: `${translator(lang)('admin.exchangeRates')} · ${o.name}`,
        user,
        o,
        items: list.items,
        canAdd: await this.orgs.mayManage(user, o.id),
        errors,
        values,
        fix,
        saved: q.saved ?? null,
      },
      status,
    );
  }
}
