import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config.js';

/**
 * The key that signs staff tokens and supporter links. APP_SECRET when set; otherwise one generated on
 * first start and kept in the `settings` table, so every instance on the database shares it and links
 * keep working across restarts.
 */
@Injectable()
export class SecretService implements OnModuleInit {
  private secret: string;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.appSecret) {
      this.secret = this.config.appSecret;
      return;
    }
    await this.dataSource.query(
      `INSERT INTO settings (key, value) VALUES ('app_secret', $1) ON CONFLICT (key) DO NOTHING`,
      [randomBytes(48).toString('base64url')],
    );
    const [row] = (await this.dataSource.query(`SELECT value FROM settings WHERE key = 'app_secret'`)) as {
      value: string;
    }[];
    this.secret = row.value;
  }

  /** A key for one purpose, so a token made for one use never validates for another. */
  keyFor(purpose: string): string {
    if (!this.secret) throw new Error('SecretService used before initialisation');
    return `${purpose}:${this.secret}`;
  }
}
