import { countryChoices } from './format.js';
import { Body, Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ClassConstructor } from 'class-transformer';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { Clock } from '../common/clock.js';
import type { Locale } from '../common/localized-text.js';
import { Public } from '../common/public.decorator.js';
import { PublicSubmission } from '../common/public-submission.js';
import { SignedTokens } from '../common/signed-token.js';
import { CreateRsvpDto } from '../events/dto/rsvp.dto.js';
import { EventsService } from '../events/events.service.js';
import { RsvpsService } from '../events/rsvps.service.js';
import { SignLetterDto } from '../letters/dto/sign-letter.dto.js';
import { LetterActionsService } from '../letters/letter-actions.service.js';
import { SignaturesService } from '../letters/signatures.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { CreatePledgeDto } from '../supporters/dto/pledge.dto.js';
import { PLEDGE_KINDS, PledgesService } from '../supporters/pledges.service.js';
import { allowFraming, embedFormToken } from './embed.js';
import { translator, type MessageKey } from './i18n/index.js';
import {
  formFields,
  langPreference,
  render,
  pledgeFormBody,
  rsvpFormBody,
  signFormBody,
  validateAs,
  withAttribution,
  type FieldErrors,
} from './web-context.js';
import { WebErrorFilter } from './web-error.filter.js';

interface EmbedForm {
  form: 'letter' | 'event' | 'pledge';
  lang: Locale;
  title: string;
  heading: string;
  submit: string;
  fullPage: string;
  closed: string | null;
  allowPersonalNote?: boolean;
}

/**
 * Each letter, event and pledge form alone, for an iframe on another site (src/web/embed.ts: who may
 * frame it, and its CSRF design). Same services and rules as the full pages; the answer stays in the
 * frame.
 */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@Controller('embed/c/:slug')
export class EmbedPagesController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly pledges: PledgesService,
    private readonly letters: LetterActionsService,
    private readonly signatures: SignaturesService,
    private readonly events: EventsService,
    private readonly rsvps: RsvpsService,
    private readonly orgs: OrganizationsService,
    private readonly tokens: SignedTokens,
    private readonly clock: Clock,
  ) {}

  @Public()
  @Get('letters/:actionSlug')
  async letter(
    @Param('slug') slug: string,
    @Param('actionSlug') a: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.blank(req, reply, slug, await this.letterForm(req, reply, slug, a));
  }

  @PublicSubmission()
  @Post('letters/:actionSlug')
  async sign(
    @Param('slug') slug: string,
    @Param('actionSlug') a: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await this.letterForm(req, reply, slug, a);
    await this.submit(req, reply, slug, form, body, {
      dto: SignLetterDto,
      toBody: (f) => signFormBody(f, form.lang, form.allowPersonalNote),
      send: (dto) => this.signatures.sign(slug, a, dto),
      thanks: 'embed.signed',
    });
  }

  @Public()
  @Get('events/:eventSlug')
  async event(
    @Param('slug') slug: string,
    @Param('eventSlug') e: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.blank(req, reply, slug, await this.eventForm(req, reply, slug, e));
  }

  @PublicSubmission()
  @Post('events/:eventSlug')
  async rsvp(
    @Param('slug') slug: string,
    @Param('eventSlug') e: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await this.eventForm(req, reply, slug, e);
    await this.submit(req, reply, slug, form, body, {
      dto: CreateRsvpDto,
      toBody: (f) => rsvpFormBody(f, form.lang),
      send: (dto) => this.rsvps.rsvp(slug, e, dto),
      thanks: 'rsvp.received',
    });
  }

  @Public()
  @Get('pledge')
  async pledgeForm(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await this.blank(req, reply, slug, await this.campaignForm(req, reply, slug));
  }

  @PublicSubmission()
  @Post('pledge')
  async pledge(
    @Param('slug') slug: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await this.campaignForm(req, reply, slug);
    await this.submit(req, reply, slug, form, body, {
      dto: CreatePledgeDto,
      toBody: (f) => pledgeFormBody(f, form.lang),
      send: (dto) => this.pledges.pledge(slug, dto),
      thanks: 'campaign.pledgeThanks',
    });
  }

  private async letterForm(
    req: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    a: string,
  ): Promise<EmbedForm> {
    const p = langPreference(req, reply);
    const l = await this.letters.publicRead(slug, a, p.chosen, p.acceptLanguage);
    const t = translator(l.lang);
    const open = l.status === 'open' && !(l.deadline && new Date(l.deadline) < this.clock.now());
    return {
      form: 'letter',
      lang: l.lang,
      title: l.title,
      heading: l.title,
      submit: t('letter.sign'),
      fullPage: `/c/${enc(slug)}/letters/${enc(l.slug)}?lang=${l.lang}`,
      closed: open ? null : t('letter.closed'),
      allowPersonalNote: l.allowPersonalNote,
    };
  }

  private async eventForm(
    req: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    e: string,
  ): Promise<EmbedForm> {
    const p = langPreference(req, reply);
    const ev = await this.events.publicRead(slug, e, p.chosen, p.acceptLanguage);
    const t = translator(ev.lang);
    return {
      form: 'event',
      lang: ev.lang,
      title: ev.title,
      heading: `${ev.title} · ${ev.startsAtLocal}`,
      submit: t('event.rsvp'),
      fullPage: `/c/${enc(slug)}/events/${enc(ev.slug)}?lang=${ev.lang}`,
      closed: ev.rsvpOpen ? null : t('event.closed'),
    };
  }

  private async campaignForm(req: FastifyRequest, reply: FastifyReply, slug: string): Promise<EmbedForm> {
    const p = langPreference(req, reply);
    const c = await this.campaigns.publicRead(slug, p.chosen, p.acceptLanguage);
    const t = translator(c.lang);
    return {
      form: 'pledge',
      lang: c.lang,
      title: c.title,
      heading: `${t('campaign.pledgeTitle')} · ${c.title}`,
      submit: t('form.submit'),
      fullPage: `/c/${enc(slug)}?lang=${c.lang}`,
      closed: c.status === 'active' ? null : t('error.closed'),
    };
  }

  /** The form as it first opens (attribution from the query kept in hidden fields). */
  private blank(req: FastifyRequest, reply: FastifyReply, slug: string, form: EmbedForm): Promise<void> {
    return this.show(req, reply, slug, form, {}, withAttribution(req, {}), 200);
  }

  /**
   * A form's POST, the same for every form: its fields as the API's body, validated by the API's DTO;
   * the form again with the errors and every typed value, or the one thank-you for every outcome.
   */
  private async submit<T extends object>(
    req: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    form: EmbedForm,
    body: unknown,
    how: {
      dto: ClassConstructor<T>;
      toBody: (fields: Record<string, string>) => Record<string, unknown>;
      send: (dto: T) => Promise<unknown>;
      thanks: MessageKey;
    },
  ): Promise<void> {
    const f = formFields(body);
    const v = await validateAs(how.dto, how.toBody(f));
    if (v.errors) return this.show(req, reply, slug, form, v.errors, f, 400);
    await how.send(v.dto);
    return this.done(req, reply, slug, form, translator(form.lang)(how.thanks));
  }

  private async show(
    req: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    form: EmbedForm,
    errors: FieldErrors,
    values: Record<string, string>,
    status: number,
  ): Promise<void> {
    allowFraming(reply, await this.orgs.embedOriginsForCampaign(slug));
    const path = req.url.split('?')[0];
    await render(
      req,
      reply,
      form.lang,
      'embed',
      {
        ...form,
        action: `${path}?lang=${form.lang}`,
        csrf: embedFormToken(this.tokens, path, this.clock.now()),
        pledgeKinds: PLEDGE_KINDS,
        countries: countryChoices(form.lang),
        errors,
        values,
      },
      status,
    );
  }

  /** One answer for every outcome (new, repeat, known or unknown email), inside the frame. */
  private async done(
    req: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    form: EmbedForm,
    message: string,
  ) {
    allowFraming(reply, await this.orgs.embedOriginsForCampaign(slug));
    await render(req, reply, form.lang, 'embed', { ...form, done: message, errors: {}, values: {} });
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
