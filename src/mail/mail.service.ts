import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { HotQueries } from '../database/hot-queries.js';
import { BadInputError } from '../common/errors.js';
import { MailTransport, type MailAttachment } from './mail.transport.js';
import { isHttpUrl, isMailLocale, type MailLocale } from './templates/data.js';
import { renderTemplate, TemplateDataError, type TemplateName } from './templates/templates.js';

export interface SendMailInput {
  /** One address (never a list). */
  to: string;
  template: TemplateName;
  locale: MailLocale;
  /** The template's fields, already formatted (see TemplateDataMap in templates/templates.ts). */
  data: Record<string, unknown>;
  supporterId?: string;
  userId?: string;
  /** What the mail is about, e.g. `{ type: 'event', id }`. */
  related?: { type: string; id: string };
  attachments?: MailAttachment[];
  /** Shown in the footer of the text and HTML parts and sent as `List-Unsubscribe`. */
  unsubscribeUrl?: string;
  /**
   * A provider failure is recorded (status `failed`) and then thrown as MailSendError instead of
   * being returned, for callers that retry (the reminder worker).
   */
  throwOnFailure?: boolean;
}

export interface SendMailResult {
  /** The `messages` row. */
  messageId: string;
  status: 'sent' | 'failed';
}

/** The provider refused or could not be reached; the `messages` row already says `failed`. */
export class MailSendError extends Error {
  constructor(
    /** The `messages` row. */
    readonly messageId: string,
    /** SMTP reply code when the server answered (550, 451…). */
    readonly responseCode: number | undefined,
    options: { cause: unknown },
  ) {
    super(`Sending message ${messageId} failed: ${errorText(options.cause)}`, options);
    this.name = 'MailSendError';
  }

  /** A 5xx answer: trying the same mail again will not help. */
  get permanent(): boolean {
    return this.responseCode !== undefined && this.responseCode >= 500 && this.responseCode < 600;
  }
}

/**
 * A single plain address: no display name, no list, nothing that could add a header or a recipient.
 * A dotless domain is allowed (the default first admin is admin@localhost).
 */
const SINGLE_ADDRESS = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+$/;
const MAX_ERROR_LENGTH = 2000;

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/**
 * The one way Puente sends email: records the message, renders the template in the recipient's
 * language, sends it, and records the outcome. Logs carry message ids only, never addresses or names.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(
    private readonly hot: HotQueries,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
  ) {}

  /**
   * An erased supporter's messages keep their template and status (the record of what was sent) but
   * lose the address, and the provider's error text, which can quote it ("550 <ana@…> rejected").
   * Called in the erasure transaction.
   */
  async forgetSupporter(m: EntityManager, supporterId: string): Promise<void> {
    await m.query(
      `UPDATE messages SET recipient_email = 'erased@invalid', error = NULL WHERE supporter_id = $1`,
      [supporterId],
    );
  }

  async send(input: SendMailInput): Promise<SendMailResult> {
    const to = typeof input.to === 'string' ? input.to.trim() : '';
    if (!SINGLE_ADDRESS.test(to) || to.length > 320)
      throw BadInputError.field('email', 'isEmail', 'The recipient must be one valid email address');
    if (!isMailLocale(input.locale))
      throw BadInputError.field('locale', 'isIn', 'The locale must be en or es');
    if (input.unsubscribeUrl !== undefined && !isHttpUrl(input.unsubscribeUrl))
      throw new TemplateDataError(input.template, 'unsubscribeUrl', 'must be an absolute http(s) URL');

    // Rendering first: a template with bad data is a bug, and stops here before anything is recorded.
    const rendered = renderTemplate(input.template, input.data, input.locale, {
      unsubscribeUrl: input.unsubscribeUrl,
    });

    const id = randomUUID();
    // Prepared statements: every reminder and confirmation passes here, so this is a hot path too.
    await this.hot.query(
      'mail.record',
      `INSERT INTO messages (id, recipient_email, supporter_id, user_id, template, locale, subject, status,
                             related_type, related_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9, $10)`,
      [
        id,
        to,
        input.supporterId ?? null,
        input.userId ?? null,
        input.template,
        input.locale,
        rendered.subject,
        input.related?.type ?? null,
        input.related?.id ?? null,
        this.clock.now(),
      ],
    );

    let providerMessageId: string;
    try {
      providerMessageId = await this.transport.send({
        to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        attachments: input.attachments,
        unsubscribeUrl: input.unsubscribeUrl,
      });
    } catch (e) {
      const responseCode = (e as { responseCode?: unknown }).responseCode;
      const code = typeof responseCode === 'number' ? responseCode : undefined;
      await this.hot.query('mail.failed', `UPDATE messages SET status = 'failed', error = $2 WHERE id = $1`, [
        id,
        errorText(e),
      ]);
      // The provider's text can quote the address: log the message id and codes only.
      this.logger.warn(
        `message ${id} (${input.template}) failed: ${(e as { code?: string }).code ?? 'error'} ${code ?? ''}`.trim(),
      );
      if (input.throwOnFailure) throw new MailSendError(id, code, { cause: e });
      return { messageId: id, status: 'failed' };
    }

    try {
      await this.hot.query(
        'mail.sent',
        `UPDATE messages SET status = 'sent', provider_message_id = $2, sent_at = $3 WHERE id = $1`,
        [id, providerMessageId, this.clock.now()],
      );
    } catch (e) {
      // The mail is out: report it sent (a retry would send it twice); the row stays `queued`.
      this.logger.error(`message ${id} was sent but could not be marked sent: ${(e as Error).message}`);
    }
    return { messageId: id, status: 'sent' };
  }
}
