import { Body, Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CampaignImagesService } from '../campaigns/campaign-images.service.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { countryChoices } from './format.js';
import { BadInputError } from '../common/errors.js';
import { localize, type Locale } from '../common/localized-text.js';
import { Public } from '../common/public.decorator.js';
import { publicLinks } from '../common/public-links.js';
import { PublicSubmission } from '../common/public-submission.js';
import { CreateRsvpDto } from '../events/dto/rsvp.dto.js';
import { EventsService, type PublicEventView } from '../events/events.service.js';
import { RsvpsService } from '../events/rsvps.service.js';
import type { Tally } from '../fundraising/tally.service.js';
import { SignLetterDto } from '../letters/dto/sign-letter.dto.js';
import { LetterActionsService, type PublicLetterView } from '../letters/letter-actions.service.js';
import { SignaturesService } from '../letters/signatures.service.js';
import { CreatePledgeDto } from '../supporters/dto/pledge.dto.js';
import { PLEDGE_KINDS, PledgesService } from '../supporters/pledges.service.js';
import { eventCalendarFile } from '../events/event-calendar.js';
import { calendarLinks } from '../events/calendar-links.js';
import { NextStepService, type DoneAction } from '../outreach/next-step.service.js';
import { shareLinks, shareText, type ShareSubject } from '../common/share-links.js';
import { translator } from './i18n/index.js';
import {
  detailsToErrors,
  formFields,
  langPreference,
  publicBase,
  redirect,
  render,
  pledgeFormBody,
  rsvpFormBody,
  signFormBody,
  validateAs,
  withAttribution,
  type FieldErrors,
} from './web-context.js';
import { WebErrorFilter } from './web-error.filter.js';

interface CampaignTotals {
  pledges?: { total?: number };
  signatures?: { total: number; byAction: { slug: string; count: number; goal: number | null }[] };
  events?: { events: { slug: string }[] };
  money?: { fundraisers: Tally[] };
}

/** Supporter pages: thin handlers over the same services as /api/public. */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@Controller('c/:slug')
export class PublicPagesController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly pledges: PledgesService,
    private readonly letters: LetterActionsService,
    private readonly signatures: SignaturesService,
    private readonly events: EventsService,
    private readonly rsvps: RsvpsService,
    private readonly nextSteps: NextStepService,
    private readonly images: CampaignImagesService,
  ) {}

  @Public()
  @Get()
  async campaign(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await this.showCampaign(slug, req, reply, {}, withAttribution(req, {}), 200);
  }

  @PublicSubmission()
  @Post('pledges')
  async pledge(
    @Param('slug') slug: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const p = langPreference(req, reply);
    const c = await this.campaigns.publicRead(slug, p.chosen, p.acceptLanguage);
    const f = formFields(body);
    const v = await validateAs(CreatePledgeDto, pledgeFormBody(f, c.lang));
    if (v.errors) return this.showCampaign(slug, req, reply, v.errors, f, 400);
    try {
      await this.pledges.pledge(slug, v.dto);
      // One thank-you for every pledge: it never tells whether the email had pledged before.
      return redirect(reply, `/c/${enc(slug)}/thanks?kind=${enc(v.dto.kind)}&lang=${c.lang}`);
    } catch (e) {
      if (e instanceof BadInputError && e.details?.length)
        return this.showCampaign(slug, req, reply, detailsToErrors(e.details), f, 400);
      throw e;
    }
  }

  @Public()
  @Get('letters/:actionSlug')
  async letter(
    @Param('slug') slug: string,
    @Param('actionSlug') actionSlug: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.showLetter(slug, actionSlug, req, reply, {}, withAttribution(req, {}), 200);
  }

  @PublicSubmission()
  @Post('letters/:actionSlug')
  async sign(
    @Param('slug') slug: string,
    @Param('actionSlug') actionSlug: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const p = langPreference(req, reply);
    const letter = await this.letters.publicRead(slug, actionSlug, p.chosen, p.acceptLanguage);
    const f = formFields(body);
    const plain = signFormBody(f, letter.lang, letter.allowPersonalNote);
    const v = await validateAs(SignLetterDto, plain);
    if (v.errors) return this.showLetter(slug, actionSlug, req, reply, v.errors, f, 400);
    const out = await this.signatures.sign(slug, actionSlug, v.dto);
    return redirect(reply, `/c/${enc(slug)}/letters/${enc(actionSlug)}/thanks?s=${out.status}`);
  }

  @Public()
  @Get('letters/:actionSlug/thanks')
  async thanks(
    @Param('slug') slug: string,
    @Param('actionSlug') actionSlug: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const p = langPreference(req, reply);
    const letter = await this.letters.publicRead(slug, actionSlug, p.chosen, p.acceptLanguage);
    const c = await this.campaigns.publicRead(slug, letter.lang);
    const shareUrl = publicLinks.letter(publicBase(req), slug, actionSlug);
    await render(req, reply, letter.lang, 'letter-thanks', {
      title: letter.title,
      og: { ...ogFor(letter.title, c.summary), image: await this.ogImage(req, slug) },
      campaign: c,
      letter,
      ...(await this.afterAction(
        c.slug,
        letter.lang,
        { kind: 'letter', slug: actionSlug },
        'letter',
        letter.title,
        shareUrl,
      )),
    });
  }

  /** The thank-you after a pledge (any kind; a gift's shows how to give). */
  @Public()
  @Get('thanks')
  async pledgeThanks(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const p = langPreference(req, reply);
    const c = await this.campaigns.publicRead(slug, p.chosen, p.acceptLanguage);
    const q = req.query as Record<string, string | undefined>;
    const kind = (PLEDGE_KINDS as readonly string[]).includes(q.kind ?? '') ? q.kind! : 'support';
    const shareUrl = publicLinks.campaign(publicBase(req), slug);
    const t = translator(c.lang);
    await render(req, reply, c.lang, 'thanks', {
      title: c.title,
      og: ogFor(c.title, c.summary),
      campaign: c,
      heading: t('campaign.pledgeThanks'),
      message: t('thanks.pledge', { what: t(`pledge.${kind}` as Parameters<typeof t>[0]) }),
      giving: kind === 'donate' ? await this.nextSteps.giving(c.id, c.lang) : [],
      ...(await this.afterAction(
        slug,
        c.lang,
        { kind: 'pledge', pledgeKind: kind },
        'pledge',
        c.title,
        shareUrl,
      )),
    });
  }

  @Public()
  @Get('events/:eventSlug')
  async event(
    @Param('slug') slug: string,
    @Param('eventSlug') eventSlug: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.showEvent(slug, eventSlug, req, reply, {}, withAttribution(req, {}), 200);
  }

  @Public()
  @Get('events/:eventSlug/event.ics')
  async ics(
    @Param('slug') slug: string,
    @Param('eventSlug') eventSlug: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const p = langPreference(req, reply);
    const e = await this.events.publicRead(slug, eventSlug, p.chosen, p.acceptLanguage);
    const url = publicLinks.event(publicBase(req), slug, eventSlug);
    await reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="${e.slug}.ics"`)
      .send(eventCalendarFile(e, url));
  }

  @PublicSubmission()
  @Post('events/:eventSlug')
  async rsvp(
    @Param('slug') slug: string,
    @Param('eventSlug') eventSlug: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const p = langPreference(req, reply);
    const e = await this.events.publicRead(slug, eventSlug, p.chosen, p.acceptLanguage);
    const f = formFields(body);
    const plain = rsvpFormBody(f, e.lang);
    const v = await validateAs(CreateRsvpDto, plain);
    if (v.errors) return this.showEvent(slug, eventSlug, req, reply, v.errors, f, 400);
    // One page for every outcome (new, repeat, waitlisted, pending, cancelled, known or unknown email):
    // what concerns the RSVP, its manage link first, goes only to the mailbox.
    await this.rsvps.rsvp(slug, eventSlug, v.dto);
    const t = translator(e.lang);
    const shareUrl = publicLinks.event(publicBase(req), slug, eventSlug);
    await render(req, reply, e.lang, 'thanks', {
      title: e.title,
      heading: t('rsvp.title'),
      message: t('rsvp.received'),
      event: e,
      calendar: this.calendarFor(e, slug, req),
      campaign: { slug, title: (await this.campaigns.publicRead(slug, e.lang)).title },
      ...(await this.afterAction(
        slug,
        e.lang,
        { kind: 'event', slug: eventSlug },
        'event',
        e.title,
        shareUrl,
      )),
    });
  }

  /** The next step and the share links every thank-you shows (the same next step as its mail). */
  private async afterAction(
    slug: string,
    lang: Locale,
    done: DoneAction,
    subject: ShareSubject,
    title: string,
    shareUrl: string,
  ) {
    return {
      next: await this.nextSteps.next(slug, lang, done),
      share: shareLinks(lang, shareText(lang, subject, title), shareUrl),
    };
  }

  /** Add-to-calendar links on the event's own clock; a hidden address stays out (the view has none). */
  private calendarFor(e: PublicEventView, slug: string, req: FastifyRequest) {
    const page = publicLinks.event(publicBase(req), slug, e.slug);
    return calendarLinks(e, page, `/c/${enc(slug)}/events/${enc(e.slug)}/event.ics`);
  }

  private async showCampaign(
    slug: string,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldErrors,
    values: Record<string, string>,
    status: number,
  ) {
    const p = langPreference(req, reply);
    const c = await this.campaigns.publicRead(slug, p.chosen, p.acceptLanguage);
    const totals = c.totals as CampaignTotals;
    const letters: PublicLetterView[] = await this.nextSteps.openLetters(c, c.lang);
    const fundraisers = (totals.money?.fundraisers ?? []).map((f) => ({
      ...f,
      titleText: localize(f.title, c.lang),
    }));
    const q = req.query as Record<string, string | undefined>;
    await render(
      req,
      reply,
      c.lang,
      'campaign',
      {
        title: c.title,
        og: { ...ogFor(c.title, c.summary), image: await this.ogImage(req, slug) },
        campaign: c,
        pledgeTotal: totals.pledges?.total ?? 0,
        signatureTotal: totals.signatures?.total ?? 0,
        letters,
        events: await this.nextSteps.upcomingEvents(c, c.lang),
        fundraisers,
        giving: await this.nextSteps.giving(c.id, c.lang),
        pledgeKinds: PLEDGE_KINDS,
        // Old links to the thank-you notice (`?pledged=received`) still show it.
        pledged: q.pledged === 'received',
        errors,
        firstError: firstError(errors, PLEDGE_ORDER),
        values: {
          ...values,
          kind: values.kind ?? (q.kind && (PLEDGE_KINDS as readonly string[]).includes(q.kind) ? q.kind : ''),
        },
        countries: countryChoices(c.lang),
      },
      status,
    );
  }

  /** The campaign's own preview image for og:image, else null (the layout then uses the generic one). */
  private ogImage(req: FastifyRequest, slug: string): Promise<string | null> {
    return this.images.ogImageUrl(publicBase(req), slug);
  }

  private async showLetter(
    slug: string,
    actionSlug: string,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldErrors,
    values: Record<string, string>,
    status: number,
  ) {
    const p = langPreference(req, reply);
    const letter = await this.letters.publicRead(slug, actionSlug, p.chosen, p.acceptLanguage);
    await render(
      req,
      reply,
      letter.lang,
      'letter',
      {
        title: letter.title,
        og: { ...ogFor(letter.title, letter.subject), image: await this.ogImage(req, slug) },
        letter,
        slug,
        errors,
        firstError: firstError(errors, LETTER_ORDER),
        values,
        countries: countryChoices(letter.lang),
        deadlinePassed: letter.deadline ? new Date(letter.deadline) < new Date() : false,
      },
      status,
    );
  }

  private async showEvent(
    slug: string,
    eventSlug: string,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldErrors,
    values: Record<string, string>,
    status: number,
  ) {
    const p = langPreference(req, reply);
    const e = await this.events.publicRead(slug, eventSlug, p.chosen, p.acceptLanguage);
    const place = [e.address, e.city, e.region, e.country].filter(Boolean).join(', ');
    await render(
      req,
      reply,
      e.lang,
      'event',
      {
        title: e.title,
        og: {
          ...ogFor(e.title, `${e.startsAtLocal} · ${e.city ?? ''}`),
          image: await this.ogImage(req, slug),
        },
        event: e,
        slug,
        mapUrl:
          place && !e.addressHidden
            ? `https://www.openstreetmap.org/search?query=${encodeURIComponent(place)}`
            : null,
        errors,
        firstError: firstError(errors, RSVP_ORDER),
        values,
        countries: countryChoices(e.lang),
        calendar: this.calendarFor(e, slug, req),
        campaign: { slug, title: (await this.campaigns.publicRead(slug, e.lang)).title },
      },
      status,
    );
  }
}

const SUPPORTER_ORDER = ['email', 'firstName', 'lastName', 'city', 'country', 'postalCode', 'consentEmail'];
const PLEDGE_ORDER = ['kind', 'amount.amount', 'amount.currency', 'amount', ...SUPPORTER_ORDER, 'message'];
const LETTER_ORDER = [...SUPPORTER_ORDER, 'personalNote', 'showPublicly'];
const RSVP_ORDER = [...SUPPORTER_ORDER, 'guests'];

/** The first invalid field in the form's order (it gets `autofocus`), else the first error's. */
function firstError(errors: FieldErrors, order: string[]): string | null {
  return order.find((k) => k in errors) ?? Object.keys(errors)[0] ?? null;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function ogFor(title: string, description: string | null | undefined) {
  return { title, description: (description ?? '').slice(0, 300) };
}
