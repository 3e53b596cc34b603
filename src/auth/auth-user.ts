import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { UserRole } from './user.entity.js';

/** The staff member making the request, loaded fresh from the database by the AuthGuard. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser => ctx.switchToHttp().getRequest<{ user: AuthUser }>().user,
);
