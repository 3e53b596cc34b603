import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, DEFAULT_ADMIN_EMAIL } from '../config/config.js';
import { generatePassword, hashPassword } from './password.js';

const BOOTSTRAP_LOCK = 0x61646d6e; // 'admn'

/**
 * First start with no staff account: create the admin from ADMIN_EMAIL/ADMIN_PASSWORD, or
 * `admin@localhost` with a random password printed once to the console (never to the log).
 * An advisory lock keeps two instances starting together from both creating one.
 */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * A fresh install: the first admin is the only staff account and there is no campaign yet. Answers
   * that admin's email (the home page then says how to log in), or null.
   */
  /** Set when this process created the first admin: whether its password was generated (and printed). */
  createdNow: { generatedPassword: boolean } | null = null;

  /** The first admin account's email (the oldest admin), for what `npm start` prints. */
  async firstAdminEmail(): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `SELECT email::text AS email FROM users WHERE role = 'admin' ORDER BY created_at, id LIMIT 1`,
    )) as { email: string }[];
    return rows[0]?.email ?? null;
  }

  async freshInstall(): Promise<{ adminEmail: string | null } | null> {
    const rows = (await this.dataSource.query(
      `SELECT min(u.email::text) AS "adminEmail" FROM users u
        WHERE NOT EXISTS (SELECT 1 FROM campaigns) HAVING count(*) = 1 AND bool_and(u.role = 'admin')`,
    )) as { adminEmail: string }[];
    if (!rows[0]) return null;
    // The home page is public: it names the account only when it is the documented default, never an
    // address someone chose (the person who set ADMIN_EMAIL knows it; a stranger must not learn it).
    return { adminEmail: rows[0].adminEmail === DEFAULT_ADMIN_EMAIL ? rows[0].adminEmail : null };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const [{ n }] = (await m.query('SELECT count(*)::int AS n FROM users')) as { n: number }[];
      if (n > 0) return;
      const password = this.config.adminPassword ?? generatePassword();
      await m.query(
        `INSERT INTO users (email, name, password_hash, role) VALUES ($1, 'Admin', $2, 'admin')`,
        [this.config.adminEmail, await hashPassword(password)],
      );
      this.logger.log('created the first admin account');
      this.createdNow = { generatedPassword: !this.config.adminPassword };
      if (!this.config.adminPassword) {
        console.log(
          `\n  First admin account created. Sign in with:\n    email:    ${this.config.adminEmail}\n    password: ${password}\n  This password is shown once. Change it with: npm run cli -- user:reset-password --email ${this.config.adminEmail}\n`,
        );
      }
    });
  }
}
