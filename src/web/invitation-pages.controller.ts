import { Body, Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadInputError, GoneError } from '../common/errors.js';
import { Public } from '../common/public.decorator.js';
import { PublicSubmission } from '../common/public-submission.js';
import { AcceptInvitationDto } from '../organizations/dto/organization.dto.js';
import { InvitationsService, type InvitationInfo } from '../organizations/invitations.service.js';
import { translator } from './i18n/index.js';
import {
  detailsToErrors,
  formFields,
  pageLang,
  render,
  validateAs,
  type FieldErrors,
} from './web-context.js';
import { WebErrorFilter } from './web-error.filter.js';

/** The page behind an invitation mail: set a name and password (or give an existing account's), once. */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@Controller('invitations')
export class InvitationPagesController {
  constructor(private readonly invitations: InvitationsService) {}

  @Public()
  @Get(':token')
  async show(@Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const info = await this.infoOrGone(token, req, reply);
    if (info) await this.form(req, reply, token, info, {}, {}, 200);
  }

  @PublicSubmission()
  @Post(':token')
  async accept(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const info = await this.infoOrGone(token, req, reply);
    if (!info) return;
    const f = formFields(body);
    const v = await validateAs(AcceptInvitationDto, {
      ...(info.existingAccount ? {} : { name: f.name ?? '' }),
      password: f.password ?? '',
    });
    if (v.errors) return this.form(req, reply, token, info, { name: f.name ?? '' }, v.errors, 400);
    try {
      await this.invitations.accept(token, v.dto);
    } catch (e) {
      if (e instanceof BadInputError && e.details?.length) {
        return this.form(req, reply, token, info, { name: f.name ?? '' }, detailsToErrors(e.details), 400);
      }
      if (e instanceof GoneError) return this.gone(req, reply);
      throw e;
    }
    const lang = pageLang(req, reply);
    const t = translator(lang);
    await render(req, reply, lang, 'message', {
      title: t('invite.title'),
      heading: t('invite.title'),
      message: t('invite.done'),
      next: { href: '/admin/login', label: t('admin.login') },
    });
  }

  private async infoOrGone(token: string, req: FastifyRequest, reply: FastifyReply) {
    try {
      return await this.invitations.info(token);
    } catch (e) {
      if (!(e instanceof GoneError)) throw e;
      await this.gone(req, reply);
      return null;
    }
  }

  private async gone(req: FastifyRequest, reply: FastifyReply) {
    const lang = pageLang(req, reply);
    const t = translator(lang);
    await render(
      req,
      reply,
      lang,
      'message',
      { title: t('invite.title'), heading: t('invite.title'), message: t('invite.gone') },
      410,
    );
  }

  private async form(
    req: FastifyRequest,
    reply: FastifyReply,
    token: string,
    info: InvitationInfo,
    values: Record<string, string>,
    errors: FieldErrors,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    await render(
      req,
      reply,
      lang,
      'invitation',
      { title: translator(lang)('invite.title'), token, info, values, errors },
      status,
    );
  }
}
