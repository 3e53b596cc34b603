import { Body, Controller, Get, Ip, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { TRANSITIONS } from '../campaigns/campaign.entity.js';
import { CampaignTotalsRegistry } from '../campaigns/campaign-totals.registry.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { CreateCampaignDto, UpdateCampaignDto } from '../campaigns/dto/campaign.dto.js';
import { countryName } from '../common/countries.js';
import { CreateEventDto } from '../events/dto/event.dto.js';
import { EventsService } from '../events/events.service.js';
import { CreateDonationDto } from '../fundraising/dto/donation.dto.js';
import { CreateFundraiserDto } from '../fundraising/dto/fundraiser.dto.js';
import { DonationsService } from '../fundraising/donations.service.js';
import { FundraisersService } from '../fundraising/fundraisers.service.js';
import { CreateLetterActionDto } from '../letters/dto/letter-action.dto.js';
import { LetterActionsService } from '../letters/letter-actions.service.js';
import { ExportsService, parseExportFile } from '../reports/exports.service.js';
import { AdminCampaignView } from './admin-campaign.view.js';
import {
  campaignInput,
  donationInput,
  eventInput,
  fundraiserInput,
  letterInput,
  listField,
  withZoneHint,
} from './admin-forms.js';
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
import { OrganizationsService } from '../organizations/organizations.service.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';

/**
 * The organizer console: the dashboard, the campaign page and its forms, exports. ConsoleSessionGuard
 * (@ConsolePages) loads the staff member from the session cookie; the services check the campaign role
 * as they do for the API.
 */
@ConsolePages()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly access: CampaignAccessService,
    private readonly totals: CampaignTotalsRegistry,
    private readonly events: EventsService,
    private readonly letters: LetterActionsService,
    private readonly fundraisers: FundraisersService,
    private readonly donations: DonationsService,
    private readonly exportsService: ExportsService,
    private readonly campaignView: AdminCampaignView,
    private readonly orgs: OrganizationsService,
  ) {}

  @Get()
  async dashboard(@ConsoleUser() user: AuthUser, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    const q = req.query as Record<string, string | undefined>;
    const organizationId =
      q.organizationId && /^[0-9a-f-]{36}$/i.test(q.organizationId) ? q.organizationId : undefined;
    const showHidden = q.hidden === '1';
    const page = await this.campaigns.list(user, {
      limit: 100,
      offset: 0,
      organizationId,
      hidden: showHidden,
    });
    const hiddenCount = showHidden
      ? page.total
      : (await this.campaigns.list(user, { limit: 1, offset: 0, organizationId, hidden: true })).total;
    const items = await Promise.all(
      page.items.map(async (c) => ({ c, totals: await this.totals.totals(c.id) })),
    );
    await render(req, reply, lang, 'admin/dashboard', {
      title: translator(lang)('admin.myCampaigns'),
      user,
      items,
      canCreate: user.role !== 'coordinator',
      showHidden,
      hiddenCount,
      notice: q.deleted === '1' ? 'deleted' : q.hid === '1' ? 'hid' : null,
    });
  }

  @Get('campaigns/new')
  async newCampaign(@ConsoleUser() user: AuthUser, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await this.campaignForm(req, reply, user, null, {}, {}, 200);
  }

  @Post('campaigns')
  async createCampaign(
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(CreateCampaignDto, campaignInput(f, true));
    if (v.errors) return this.campaignForm(req, reply, user, null, v.errors, f, 400);
    try {
      const c = await this.campaigns.create(user, v.dto);
      return redirect(reply, `/admin/campaigns/${c.id}`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.campaignForm(req, reply, user, null, errors, f, 400);
      throw e;
    }
  }

  @Get('campaigns/:id')
  async campaign(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.campaignView.show(req, reply, user, id, {}, {}, null, 200);
  }

  @Get('campaigns/:id/edit')
  async editCampaign(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const c = await this.campaigns.get(user, id);
    await this.access.assert(user, id, 'manage');
    const values: Record<string, string> = {
      title_en: c.title.en ?? '',
      title_es: c.title.es ?? '',
      summary_en: c.summary?.en ?? '',
      summary_es: c.summary?.es ?? '',
      body_en: c.body?.en ?? '',
      body_es: c.body?.es ?? '',
      sector: c.sector,
      employer: c.employer ?? '',
      workplace: c.workplace ?? '',
      city: c.city ?? '',
      region: c.region ?? '',
      country: c.country ? countryName(c.country, pageLang(req, reply)) : '',
      union: c.union ?? '',
      defaultLocale: c.defaultLocale,
      goalPledges: c.goals.pledges?.toString() ?? '',
      goalSignatures: c.goals.signatures?.toString() ?? '',
      goalMoney: c.goals.money?.amount ?? '',
      goalCurrency: c.goals.money?.currency ?? 'USD',
    };
    await this.campaignForm(req, reply, user, id, {}, values, 200);
  }

  @Post('campaigns/:id')
  async updateCampaign(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(UpdateCampaignDto, campaignInput(f, false));
    if (v.errors) return this.campaignForm(req, reply, user, id, v.errors, f, 400);
    try {
      await this.campaigns.update(user, id, v.dto);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.campaignForm(req, reply, user, id, errors, f, 400);
      throw e;
    }
    return redirect(reply, `/admin/campaigns/${id}`);
  }

  @Post('campaigns/:id/events')
  async createEvent(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const offsets = listField(body, 'reminderOffsets');
    const v = await validateAs(CreateEventDto, eventInput(f, offsets));
    const fail = (errors: FieldErrors) =>
      this.campaignView.show(
        req,
        reply,
        user,
        id,
        withZoneHint(errors),
        { ...f, reminderOffsets: offsets.join(',') },
        'event',
        400,
      );
    if (v.errors) return fail(v.errors);
    try {
      await this.events.create(user, id, v.dto);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return fail(errors);
      throw e;
    }
    return redirect(reply, `/admin/campaigns/${id}#events`);
  }

  @Post('campaigns/:id/letters')
  async createLetter(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const targetIds = listField(body, 'targetIds');
    const v = await validateAs(CreateLetterActionDto, letterInput(f, targetIds));
    const again = (errors: FieldErrors, preview: boolean) =>
      this.campaignView.show(
        req,
        reply,
        user,
        id,
        errors,
        { ...f, targetIds: targetIds.join(',') },
        'letter',
        errors && Object.keys(errors).length ? 400 : 200,
        preview,
      );
    if (v.errors) return again(v.errors, false);
    if (f.preview) return again({}, true);
    try {
      await this.letters.create(user, id, v.dto);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return again(errors, false);
      throw e;
    }
    return redirect(reply, `/admin/campaigns/${id}#letters`);
  }

  @Post('letters/:id/status')
  async letterStatus(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const status = formFields(body).status === 'closed' ? 'closed' : 'open';
    const a = await this.letters.update(user, id, { status });
    return redirect(reply, `/admin/campaigns/${a.campaignId}#letters`);
  }

  @Post('campaigns/:id/fundraisers')
  async createFundraiser(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(CreateFundraiserDto, fundraiserInput(f));
    const fail = (errors: FieldErrors) =>
      this.campaignView.show(req, reply, user, id, errors, f, 'fundraiser', 400);
    if (v.errors) return fail(v.errors);
    try {
      await this.fundraisers.create(user, id, v.dto);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return fail(errors);
      throw e;
    }
    return redirect(reply, `/admin/campaigns/${id}#fundraisers`);
  }

  @Post('fundraisers/:id/donations')
  async donation(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const lang = pageLang(req, reply);
    const f = formFields(body);
    const fr = await this.fundraisers.get(user, id);
    const fail = (errors: FieldErrors) =>
      this.campaignView.show(
        req,
        reply,
        user,
        fr.campaignId,
        errors,
        { ...f, fundraiserId: id },
        'donation',
        400,
      );
    let input: Record<string, unknown>;
    try {
      input = donationInput(f, lang);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return fail(errors);
      throw e;
    }
    const v = await validateAs(CreateDonationDto, input);
    if (v.errors) return fail(v.errors);
    try {
      await this.donations.record(user, id, v.dto);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return fail(errors);
      throw e;
    }
    return redirect(reply, `/admin/campaigns/${fr.campaignId}?donation=1#fundraisers`);
  }

  /** Exports as plain download links: the same ExportsService as /api/campaigns/:id/exports/:file. */
  @Get('campaigns/:id/exports/:file')
  async export(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('file') file: string,
    @Ip() ip: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const { kind, format } = parseExportFile(file);
    const out = await this.exportsService.open(user, id, {
      kind,
      format,
      filters: {},
      lang: pageLang(req, reply),
      bom: true,
      ip,
    });
    await reply
      .type(out.contentType)
      .header('content-disposition', `attachment; filename="${out.filename}"`)
      .header('cache-control', 'no-store')
      .send(out.stream);
  }

  private async campaignForm(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string | null,
    errors: FieldErrors,
    values: Record<string, string>,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const t = translator(lang);
    const organizations = id ? [] : await this.orgs.organizable(user);
    await render(
      req,
      reply,
      lang,
      'admin/campaign-form',
      {
        title: id ? t('admin.edit') : t('admin.newCampaign'),
        user,
        id,
        organizations,
        errors,
        values,
        transitions: TRANSITIONS,
      },
      status,
    );
  }
}
