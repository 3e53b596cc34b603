import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { TooManyRequestsError, UnauthorizedError } from '../common/errors.js';
import { SecretService } from '../common/secret.service.js';
import { AppConfig } from '../config/config.js';
import type { AuthUser } from './auth-user.js';
import { DUMMY_HASH_PROMISE, verifyPassword } from './password.js';
import { userView, type UserView } from './user.entity.js';
import { UsersService } from './users.service.js';

/**
 * Login throttling, counted from the audit log so it holds across every app instance:
 * 5 failures for one email, or 20 from one IP, within 15 minutes → 429 until the window passes
 * (even with the right password, so guessing cannot continue).
 */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 20;

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: UserView;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly secrets: SecretService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async login(email: string, password: string, ip: string | null): Promise<LoginResult> {
    const subject = email.trim().toLowerCase();
    const since = new Date(this.clock.now().getTime() - LOGIN_WINDOW_MS);
    const failures = await this.audit.countLoginFailures(subject, ip, since);
    if (failures.byEmail >= MAX_FAILURES_PER_EMAIL || failures.byIp >= MAX_FAILURES_PER_IP) {
      await this.audit.record({
        action: 'auth.login_throttled',
        subjectType: 'email',
        subjectId: subject,
        ip,
      });
      throw new TooManyRequestsError(
        LOGIN_WINDOW_MS / 1000,
        'Too many failed logins; try again in 15 minutes',
      );
    }
    const user = await this.users.findForLogin(subject);
    // Check a hash even for an unknown email, so the answer takes the same time.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !ok || user.disabledAt) {
      await this.audit.record({
        action: 'auth.login_failed',
        subjectType: 'email',
        subjectId: subject,
        actorUserId: user?.id ?? null,
        ip,
      });
      throw new UnauthorizedError('Wrong email or password', 'invalid_credentials');
    }
    await this.audit.record({
      action: 'auth.login',
      actorUserId: user.id,
      subjectType: 'user',
      subjectId: user.id,
      ip,
    });
    const accessToken = await this.jwt.signAsync(
      { sub: user.id },
      { secret: this.secrets.keyFor('staff-token'), expiresIn: this.config.authTokenTtlSeconds },
    );
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.authTokenTtlSeconds,
      user: userView(user),
    };
  }

  /** The active staff member a token belongs to, or null (bad signature, expired, disabled, deleted). */
  async userForToken(token: string): Promise<AuthUser | null> {
    let sub: string;
    try {
      ({ sub } = await this.jwt.verifyAsync<{ sub: string }>(token, {
        secret: this.secrets.keyFor('staff-token'),
      }));
    } catch {
      return null;
    }
    const user = await this.users.findActive(sub);
    return user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
  }
}
