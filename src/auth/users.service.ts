import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ConflictError, NotFoundError } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { hashPassword } from './password.js';
import { User, userView, type UserRole, type UserView } from './user.entity.js';

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: UserRole;
}

/**
 * The cut-off for "end every session now" (`now` is a parameter): the next full second after now, and
 * at least a second after a cut-off already set. Token `iat` is in whole seconds; a token from before
 * the call has `iat <= now` < the cut-off, and a login after it is issued at the cut-off at the earliest
 * (AuthService.login), so it is never refused by the logout that preceded it, even within the second.
 * Such a login's `iat` is the earlier cut-off itself, so a second logout (or a password reset) within
 * the same second must move the cut-off past it — hence "+ 1 second" on the old one too.
 */
const cutOffSql = (
  now: string,
) => `greatest(coalesce(sessions_valid_after + interval '1 second', '-infinity'),
  to_timestamp(floor(extract(epoch FROM ${now}::timestamptz)) + 1))`;

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly clock: Clock,
  ) {}

  async create(input: NewUser): Promise<UserView> {
    const passwordHash = await hashPassword(input.password);
    const rows = (await this.users.query(
      `INSERT INTO users (email, name, password_hash, role) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT users_email_key DO NOTHING RETURNING id`,
      [input.email.trim().toLowerCase(), input.name.trim(), passwordHash, input.role],
    )) as { id: string }[];
    if (!rows.length)
      throw new ConflictError('A staff account with this email already exists', 'email_taken');
    return userView(await this.users.findOneByOrFail({ id: rows[0].id }));
  }

  async list(limit: number, offset: number): Promise<Page<UserView>> {
    const [items, total] = await this.users.findAndCount({
      order: { email: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items: items.map(userView), total };
  }

  async get(id: string): Promise<UserView> {
    const u = await this.users.findOneBy({ id });
    if (!u) throw new NotFoundError('User');
    return userView(u);
  }

  async update(
    id: string,
    change: { name?: string; role?: UserRole; disabled?: boolean },
  ): Promise<UserView> {
    const u = await this.users.findOneBy({ id });
    if (!u) throw new NotFoundError('User');
    if (change.name !== undefined) u.name = change.name.trim();
    if (change.role !== undefined) u.role = change.role;
    if (change.disabled !== undefined)
      u.disabledAt = change.disabled ? (u.disabledAt ?? this.clock.now()) : null;
    const saved = await this.users.save(u);
    // Enabling the account again must not bring back the sessions it had before.
    if (change.disabled) await this.endSessions(id);
    return userView(saved);
  }

  /**
   * Sets a new password and ends every session of the account (the CLI's `user:reset-password`, and
   * any other path that changes a password, goes through here).
   */
  async setPassword(email: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const rows = (await this.users.query(
      `UPDATE users SET password_hash = $2, sessions_valid_after = ${cutOffSql('$3')}, updated_at = $3
        WHERE email = $1 RETURNING id`,
      [email.trim().toLowerCase(), passwordHash, this.clock.now()],
    )) as [{ id: string }[], number];
    if (!rows[0].length) throw new NotFoundError('User');
  }

  /** Ends every session of the account at once (logout): tokens issued until now stop working. */
  async endSessions(id: string): Promise<void> {
    await this.users.query(`UPDATE users SET sessions_valid_after = ${cutOffSql('$2')} WHERE id = $1`, [
      id,
      this.clock.now(),
    ]);
  }

  /** For login only: includes the password hash. */
  findForLogin(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: email.trim().toLowerCase() })
      .getOne();
  }

  /** Active account by id, for the guard; null when missing or disabled. */
  findActive(id: string): Promise<User | null> {
    return this.users.createQueryBuilder('u').where('u.id = :id AND u.disabled_at IS NULL', { id }).getOne();
  }

  count(): Promise<number> {
    return this.users.count();
  }
}
