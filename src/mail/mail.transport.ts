import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type SendMailOptions, type Transporter } from 'nodemailer';
import { AppConfig } from '../config/config.js';

export interface MailAttachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
}

/** A rendered message, ready to go. */
export interface OutgoingMail {
  /**
   * The `messages` row: names the outbox file, so the mail of an erased supporter is found by its
   * row (removeFromOutbox), never by reading files.
   */
  id?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
  /**
   * Sets `List-Unsubscribe: <url>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058):
   * mail providers offer their own unsubscribe button, which POSTs to the URL.
   */
  unsubscribeUrl?: string;
  /** The sender's display name (the organization's); the address stays MAIL_FROM's, so SPF/DKIM hold. */
  fromName?: string;
  /** Where replies go (the organization's reply-to). */
  replyTo?: string;
}

/** The address part of MAIL_FROM (`Puente <no-reply@example.org>` → `no-reply@example.org`). */
export function mailFromAddress(mailFrom: string): string {
  return /<([^>]+)>/.exec(mailFrom)?.[1]?.trim() ?? mailFrom.trim();
}

/**
 * Hands messages to the world: over SMTP when `SMTP_URL` is set, otherwise as `.eml` files in
 * `OUTBOX_DIR` (open them with any mail client), so a fresh install never loses a message. Knows
 * nothing of templates or the `messages` table (MailService does that).
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  readonly mode: 'smtp' | 'outbox';
  private readonly transporter: Transporter;
  private readonly logger = new Logger(MailTransport.name);

  constructor(private readonly config: AppConfig) {
    const defaults = { from: config.mailFrom };
    if (config.smtpUrl) {
      this.mode = 'smtp';
      // Pooled: up to 5 SMTP connections kept open and reused, instead of a connect + greeting + auth
      // per message. Short timeouts so a hung server fails a send (and the reminder worker retries)
      // instead of holding it for minutes. Settings in the URL's query string win over these.
      this.transporter = createTransport(
        {
          url: config.smtpUrl,
          pool: true,
          maxConnections: 5,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 60_000,
        },
        defaults,
      );
    } else {
      this.mode = 'outbox';
      this.transporter = createTransport(
        { streamTransport: true, buffer: true, newline: 'windows' },
        defaults,
      );
      this.logger.log(`SMTP_URL is not set: outgoing mail is written to ${config.outboxDir}`);
    }
  }

  /** Sends one message; resolves to the provider's message id (the Message-ID, without its brackets). */
  async send(mail: OutgoingMail): Promise<string> {
    const options: SendMailOptions = {
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: mail.attachments?.map((a) => ({
        filename: a.filename,
        content: a.content,
        contentType: a.contentType,
      })),
    };
    if (mail.fromName) options.from = { name: mail.fromName, address: mailFromAddress(this.config.mailFrom) };
    if (mail.replyTo) options.replyTo = mail.replyTo;
    if (mail.unsubscribeUrl) {
      options.list = { unsubscribe: mail.unsubscribeUrl };
      options.headers = { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
    }
    const info = (await this.transporter.sendMail(options)) as { messageId: string; message?: unknown };
    const messageId = info.messageId.replace(/^<|>$/g, '');
    if (this.mode === 'outbox') await this.writeToOutbox(mail.id ?? messageId, info.message as Buffer);
    return messageId;
  }

  /**
   * `<ISO time>-<messages row id>.eml` (the Message-ID when no row is given), written whole then
   * renamed, so a reader never sees half a file.
   */
  private async writeToOutbox(messageId: string, raw: Buffer): Promise<void> {
    const dir = this.config.outboxDir;
    // ':' is not allowed in Windows file names (a copied outbox must still open there).
    const time = new Date().toISOString().replace(/:/g, '-');
    const name = `${time}-${messageId.replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`;
    const tmp = join(dir, `.${name}.tmp`);
    try {
      await writeFile(tmp, raw, { mode: 0o600 });
    } catch (e) {
      // The folder is made on the first message (and again should someone remove it), not per message.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(dir, { recursive: true });
      await writeFile(tmp, raw, { mode: 0o600 });
    }
    await rename(tmp, join(dir, name));
  }

  /**
   * Deletes the outbox files of these `messages` rows (also a half-written `.tmp`); files of other
   * rows and files that are not Puente's are left alone. Nothing to do over SMTP.
   */
  async removeFromOutbox(messageIds: string[]): Promise<void> {
    const dir = this.config.outboxDir;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const ids = new Set(messageIds);
    const ofRow = /-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.eml(?:\.tmp)?$/;
    for (const name of names) {
      const id = ofRow.exec(name)?.[1];
      if (id && ids.has(id)) await rm(join(dir, name), { force: true });
    }
  }

  onModuleDestroy(): void {
    this.transporter.close();
  }
}
