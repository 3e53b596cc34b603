import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
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

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

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
    if (change.disabled !== undefined) u.disabledAt = change.disabled ? (u.disabledAt ?? new Date()) : null;
    return userView(await this.users.save(u));
  }

  async setPassword(email: string, password: string): Promise<void> {
    const result = await this.users.update(
      { email: email.trim().toLowerCase() },
      { passwordHash: await hashPassword(password) },
    );
    if (!result.affected) throw new NotFoundError('User');
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
