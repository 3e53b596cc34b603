import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../common/errors.js';
import { IS_PUBLIC } from '../common/public.decorator.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { ROLES } from './roles.decorator.js';
import type { UserRole } from './user.entity.js';

/**
 * Deny by default: every route needs a valid staff token unless marked @Public(). The account is
 * loaded on every request, so a disabled account or a changed role takes effect at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    const user = token ? await this.auth.userForToken(token) : null;
    if (!user) throw new UnauthorizedError(token ? 'Invalid or expired token' : 'Authentication required');
    request.user = user;
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && user.role !== 'admin' && !roles.includes(user.role)) throw new ForbiddenError();
    return true;
  }
}
