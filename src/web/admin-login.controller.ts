import { Body, Controller, Get, Ip, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service.js';
import { TooManyRequestsError, UnauthorizedError } from '../common/errors.js';
import { Public } from '../common/public.decorator.js';
import { AppConfig } from '../config/config.js';
import { AdminSession } from './admin-session.js';
import { translator } from './i18n/index.js';
import { formFields, pageLang, redirect, render } from './web-context.js';
import { WebErrorFilter } from './web-error.filter.js';

/**
 * The only console routes without a session: the login form, its POST, and logout (which ends the
 * session if there is one). Every other console controller is @ConsolePages(), behind
 * ConsoleSessionGuard.
 */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@Controller('admin')
export class AdminLoginController {
  constructor(
    private readonly session: AdminSession,
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('login')
  async loginForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    await render(req, reply, lang, 'admin/login', { title: translator(lang)('admin.login'), problem: null });
  }

  @Public()
  @Post('login')
  async login(
    @Body() body: unknown,
    @Ip() ip: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const lang = pageLang(req, reply);
    const t = translator(lang);
    const f = formFields(body);
    try {
      const out = await this.auth.login(f.email ?? '', f.password ?? '', ip);
      this.session.start(req, reply, out.accessToken, this.config.authTokenTtlSeconds);
      return redirect(reply, '/admin');
    } catch (e) {
      if (!(e instanceof UnauthorizedError || e instanceof TooManyRequestsError)) throw e;
      const problem = e instanceof TooManyRequestsError ? t('admin.throttled') : t('admin.badLogin');
      await render(
        req,
        reply,
        lang,
        'admin/login',
        { title: t('admin.login'), problem, values: { email: f.email ?? '' } },
        e instanceof TooManyRequestsError ? 429 : 401,
      );
    }
  }

  /** Ends every session of the account (this cookie, other browsers, API tokens), then the cookie. */
  @Public()
  @Post('logout')
  async logout(@Ip() ip: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const user = await this.session.user(req);
    if (user) await this.auth.logout(user, ip);
    this.session.end(req, reply);
    return redirect(reply, '/admin/login');
  }
}
