import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { AuthService } from '../auth/auth.service.js';
import { UnauthorizedError } from '../common/errors.js';
import { secureCookies } from './web-context.js';

export const SESSION_COOKIE = 'puente_session';

type CookieReq = FastifyRequest & { cookies?: Record<string, string | undefined> };
type CookieRep = FastifyReply & {
  setCookie: (name: string, value: string, opts: Record<string, unknown>) => FastifyReply;
  clearCookie: (name: string, opts: Record<string, unknown>) => FastifyReply;
};

/**
 * The console's session: the staff JWT from AuthService.login in an HTTP-only, SameSite=Lax cookie
 * scoped to /admin, Secure when PUBLIC_BASE_URL is https. Every request re-reads the account and its
 * session cut-off (userForToken), like the bearer guard.
 */
@Injectable()
export class AdminSession {
  constructor(private readonly auth: AuthService) {}

  async user(req: FastifyRequest): Promise<AuthUser | null> {
    const token = (req as CookieReq).cookies?.[SESSION_COOKIE];
    return token ? this.auth.userForToken(token) : null;
  }

  /** The logged-in staff member, or UnauthorizedError (the page filter redirects to the login form). */
  async require(req: FastifyRequest): Promise<AuthUser> {
    const u = await this.user(req);
    if (!u) throw new UnauthorizedError();
    return u;
  }

  start(req: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number): void {
    (reply as CookieRep).setCookie(SESSION_COOKIE, token, {
      path: '/admin',
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies(req),
      maxAge: maxAgeSeconds,
    });
  }

  end(req: FastifyRequest, reply: FastifyReply): void {
    (reply as CookieRep).clearCookie(SESSION_COOKIE, { path: '/admin', secure: secureCookies(req) });
  }
}
