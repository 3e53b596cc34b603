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
 * 5 failures for one email from one IP, or 20 from one IP for any emails, within 15 minutes → 429 for
 * that IP until the window passes (even with the right password, so guessing cannot continue). Counted
 * per email *and* IP: a stranger's failures never lock the account's owner out from her own address.
 */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL_AND_IP = 5;
export const MAX_FAILURES_PER_IP = 20;

/** What a staff token carries: the account, and when it was issued and expires (seconds). */
interface TokenClaims {
  sub: string;
  iat?: unknown;
  exp?: unknown;
}

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
    if (failures.byEmailAndIp >= MAX_FAILURES_PER_EMAIL_AND_IP || failures.byIp >= MAX_FAILURES_PER_IP) {
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
    // Issued at the account's session cut-off at the earliest: a login right after a logout (within
    // the same second) is not refused by that logout's cut-off.
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const cutOff = user.sessionsValidAfter ? Math.ceil(user.sessionsValidAfter.getTime() / 1000) : now;
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, iat: Math.max(now, cutOff) },
      { secret: this.secrets.keyFor('staff-token'), expiresIn: this.config.authTokenTtlSeconds },
    );
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.authTokenTtlSeconds,
      user: userView(user),
    };
  }

  /**
   * The active staff member a token belongs to, or null: bad signature, expired, without an expiry or
   * issue time, issued before the account's session cut-off (logout, password reset), disabled, deleted.
   * Called on every request (bearer guard and console cookie alike).
   */
  async userForToken(token: string): Promise<AuthUser | null> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, {
        secret: this.secrets.keyFor('staff-token'),
        algorithms: ['HS256'],
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
    } catch {
      return null;
    }
    const { sub, iat, exp } = claims;
    if (typeof sub !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return null;
    const user = await this.users.findActive(sub);
    if (!user) return null;
    if (user.sessionsValidAfter && iat * 1000 < user.sessionsValidAfter.getTime()) return null;
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }

  /** Logout: ends every session of the account at once (its tokens and console cookies). */
  async logout(user: AuthUser, ip: string | null): Promise<void> {
    await this.users.endSessions(user.id);
    await this.audit.record({
      action: 'auth.logout',
      actorUserId: user.id,
      subjectType: 'user',
      subjectId: user.id,
      ip,
    });
  }
}
