import { Body, Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadInputError, ConflictError } from '../common/errors.js';
import { Public } from '../common/public.decorator.js';
import { PublicSubmission } from '../common/public-submission.js';
import { SelfCheckInDto, UpdateRsvpDto } from '../events/dto/rsvp.dto.js';
import { RsvpsService, type ManageView } from '../events/rsvps.service.js';
import { DataRequestDto } from '../supporters/privacy.controller.js';
import { PrivacyService } from '../supporters/privacy.service.js';
import { translator } from './i18n/index.js';
import {
  formFields,
  langPreference,
  pageLang,
  redirect,
  render,
  validateAs,
  type FieldErrors,
} from './web-context.js';
import { errorKey, WebErrorFilter } from './web-error.filter.js';

/** Pages behind the links supporters get: manage an RSVP, unsubscribe, see or erase their data. */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@Controller()
export class LinkPagesController {
  constructor(
    private readonly rsvps: RsvpsService,
    private readonly privacy: PrivacyService,
  ) {}

  // ---- RSVP manage page -------------------------------------------------------------------------

  @PublicSubmission()
  @Get('rsvp/:token')
  async manage(@Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const p = langPreference(req, reply);
    const view = await this.rsvps.view(token, p.chosen);
    await this.showManage(token, view, req, reply, {}, null, 200);
  }

  @PublicSubmission()
  @Post('rsvp/:token/guests')
  async guests(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(UpdateRsvpDto, {
      guests: /^\d+$/.test(f.guests ?? '') ? Number(f.guests) : f.guests,
    });
    if (v.errors) return this.reshow(token, req, reply, v.errors);
    await this.rsvps.changeGuests(token, v.dto.guests);
    return redirect(reply, `/rsvp/${encodeURIComponent(token)}?saved=1`);
  }

  @PublicSubmission()
  @Post('rsvp/:token/cancel')
  async cancel(@Param('token') token: string, @Res() reply: FastifyReply) {
    await this.rsvps.cancel(token);
    return redirect(reply, `/rsvp/${encodeURIComponent(token)}?saved=1`);
  }

  @PublicSubmission()
  @Post('rsvp/:token/restore')
  async restore(@Param('token') token: string, @Res() reply: FastifyReply) {
    await this.rsvps.restore(token);
    return redirect(reply, `/rsvp/${encodeURIComponent(token)}?saved=1`);
  }

  @PublicSubmission()
  @Post('rsvp/:token/claim')
  async claim(@Param('token') token: string, @Res() reply: FastifyReply) {
    await this.rsvps.claim(token);
    return redirect(reply, `/rsvp/${encodeURIComponent(token)}?saved=1`);
  }

  @PublicSubmission()
  @Post('rsvp/:token/check-in')
  async checkIn(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const v = await validateAs(SelfCheckInDto, { code: formFields(body).code ?? '' });
    if (v.errors) return this.reshow(token, req, reply, v.errors);
    try {
      await this.rsvps.selfCheckIn(token, v.dto.code);
    } catch (e) {
      if (e instanceof BadInputError) return this.reshow(token, req, reply, { code: 'matches' });
      if (e instanceof ConflictError) {
        const p = langPreference(req, reply);
        const view = await this.rsvps.view(token, p.chosen);
        const t = translator(view.event.lang);
        return this.showManage(token, view, req, reply, {}, t(errorKey(409, e.code)), 409);
      }
      throw e;
    }
    return redirect(reply, `/rsvp/${encodeURIComponent(token)}?saved=1`);
  }

  private async reshow(token: string, req: FastifyRequest, reply: FastifyReply, errors: FieldErrors) {
    const p = langPreference(req, reply);
    const view = await this.rsvps.view(token, p.chosen);
    await this.showManage(token, view, req, reply, errors, null, 400);
  }

  private async showManage(
    token: string,
    view: ManageView,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldErrors,
    problem: string | null,
    status: number,
  ) {
    const q = req.query as Record<string, string | undefined>;
    await render(
      req,
      reply,
      view.event.lang,
      'rsvp',
      {
        title: view.event.title,
        view,
        token,
        errors,
        problem,
        saved: q.saved === '1',
      },
      status,
    );
  }

  // ---- Unsubscribe ------------------------------------------------------------------------------

  @Public()
  @Get('unsubscribe/:token')
  async unsubscribePage(
    @Param('token') token: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const lang = pageLang(req, reply);
    const state = await this.privacy.unsubscribeStatus(token);
    await render(req, reply, lang, 'unsubscribe', {
      title: translator(lang)('unsub.title'),
      token,
      subscribed: state.subscribed,
      done: false,
    });
  }

  /**
   * The button on the page, and the RFC 8058 one-click POST a mail provider sends to the
   * `List-Unsubscribe` URL (`List-Unsubscribe=One-Click`, as a urlencoded or multipart body, with no
   * cookie and no CSRF token: see isOneClickUnsubscribe). Not under the shared public rate limit: a
   * provider posts many supporters' unsubscribes from a few addresses, and a refused one is lost; the
   * signed token is checked before anything is read from the database.
   */
  @Public()
  @Post('unsubscribe/:token')
  async unsubscribe(@Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    await this.privacy.unsubscribe(token);
    await render(req, reply, lang, 'unsubscribe', {
      title: translator(lang)('unsub.title'),
      token,
      subscribed: false,
      done: true,
    });
  }

  // ---- Your data --------------------------------------------------------------------------------

  @Public()
  @Get('my-data')
  async dataForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    await render(req, reply, lang, 'my-data', { title: translator(lang)('data.title'), sent: false });
  }

  @PublicSubmission()
  @Post('my-data')
  async dataRequest(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    const f = formFields(body);
    const v = await validateAs(DataRequestDto, { email: f.email ?? '' });
    const title = translator(lang)('data.title');
    if (v.errors) {
      await render(req, reply, lang, 'my-data', { title, sent: false, errors: v.errors, values: f }, 400);
      return;
    }
    await this.privacy.requestData(v.dto.email);
    await render(req, reply, lang, 'my-data', { title, sent: true }, 202);
  }

  @Public()
  @Get('my-data/:token')
  async dataPage(@Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    await this.privacy.export(token); // 404 page for a bad or expired link
    await render(req, reply, lang, 'my-data-token', {
      title: translator(lang)('data.title'),
      token,
      erased: false,
      unsubscribed: false,
    });
  }

  /** "Unsubscribe from everything": every organization that holds this email stops writing to it. */
  @PublicSubmission()
  @Post('my-data/:token/unsubscribe-all')
  async unsubscribeAll(
    @Param('token') token: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const lang = pageLang(req, reply);
    await this.privacy.unsubscribeAllByToken(token);
    await render(req, reply, lang, 'my-data-token', {
      title: translator(lang)('data.title'),
      token,
      erased: false,
      unsubscribed: true,
    });
  }

  @Public()
  @Get('my-data/:token/download')
  async download(@Param('token') token: string, @Res() reply: FastifyReply) {
    const data = await this.privacy.export(token);
    await reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', 'attachment; filename="my-data.json"')
      .header('cache-control', 'no-store')
      .send(JSON.stringify(data, null, 2));
  }

  @PublicSubmission()
  @Post('my-data/:token/erase')
  async erase(@Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    await this.privacy.eraseByToken(token);
    await render(req, reply, lang, 'my-data-token', {
      title: translator(lang)('data.title'),
      token,
      erased: true,
      unsubscribed: false,
    });
  }
}
