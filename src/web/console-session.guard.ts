import {
  applyDecorators,
  createParamDecorator,
  Injectable,
  UseFilters,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { Public } from '../common/public.decorator.js';
import { AdminSession } from './admin-session.js';
import { WebErrorFilter } from './web-error.filter.js';

type ConsoleRequest = FastifyRequest & { consoleUser?: AuthUser };

/**
 * The console's door: loads the staff member from the session cookie (AdminSession, which re-reads the
 * account and its sessions cut-off on every request) and puts it on the request for @ConsoleUser().
 * Without a valid session it throws UnauthorizedError, which WebErrorFilter answers with a 303 to
 * /admin/login.
 */
@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  constructor(private readonly session: AdminSession) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ConsoleRequest>();
    req.consoleUser = await this.session.require(req);
    return true;
  }
}

/** The logged-in staff member that ConsoleSessionGuard loaded. */
export const ConsoleUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const user = ctx.switchToHttp().getRequest<ConsoleRequest>().consoleUser;
  // A handler outside @ConsolePages() has no session user: fail loudly rather than run without one.
  if (!user) throw new Error('@ConsoleUser() on a route without ConsoleSessionGuard');
  return user;
});

/**
 * A console controller: pages only (no OpenAPI entry, errors as pages), every route behind the session
 * cookie. @Public() only lifts the bearer-token guard, which does not apply to pages; the session guard
 * takes its place for the whole controller, so a new handler cannot forget it. The login form, its POST
 * and logout live in AdminLoginController, the only console routes without this decorator.
 */
export const ConsolePages = () =>
  applyDecorators(
    ApiExcludeController(),
    Public(),
    UseFilters(WebErrorFilter),
    UseGuards(ConsoleSessionGuard),
  );
