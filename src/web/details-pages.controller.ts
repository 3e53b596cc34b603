import { Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/public.decorator.js';
import { PublicSubmission } from '../common/public-submission.js';
import { SupporterUpdatesService } from '../supporters/supporter-updates.service.js';
import { translator } from './i18n/index.js';
import { pageLang, render } from './web-context.js';
import { WebErrorFilter } from './web-error.filter.js';

/**
 * The page behind the "update my details" mail a known supporter gets after a form: it shows what the
 * form asked to change and applies it only when the person presses the button (a mail scanner that
 * fetches the link changes nothing).
 */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@Controller('my-details')
export class DetailsPagesController {
  constructor(private readonly updates: SupporterUpdatesService) {}

  @Public()
  @Get(':token')
  async show(@Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    const pending = await this.updates.view(token, lang);
    await render(req, reply, lang, 'my-details', {
      title: translator(lang)('details.title'),
      token,
      lines: pending.lines,
      done: false,
    });
  }

  @PublicSubmission()
  @Post(':token')
  async apply(@Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    await this.updates.apply(token);
    await render(req, reply, lang, 'my-details', {
      title: translator(lang)('details.title'),
      token,
      lines: [],
      done: true,
    });
  }
}
