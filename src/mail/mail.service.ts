import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
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
  /** The organization the mail is from: its display name (with MAIL_FROM's address) and reply-to. */
  sender?: { name: string | null; replyTo: string | null };
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

/** A checked and rendered message with its `messages` id, not recorded yet (MailService.prepare). */
export interface PreparedMail {
  id: string;
  /** The recipient, trimmed. */
  to: string;
  input: SendMailInput;
  rendered: ReturnType<typeof renderTemplate>;
}

/** A message the provider accepted, to be recorded as sent (MailService.markSent). */
export interface SentMail {
  /** The `messages` row. */
  messageId: string;
  providerMessageId: string;
  sentAt: Date;
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

/** An error as recorded (`messages.error`, `reminders.last_error`): its message, at most 2,000 characters. */
export function errorText(e: unknown): string {
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
   * Deletes the outbox `.eml` files of these `messages` rows (an erased supporter's mail). The columns
   * of the rows themselves are erased from the registry in supporters/personal-data.ts.
   */
  async removeOutboxFiles(messageIds: string[]): Promise<void> {
    await this.transport.removeFromOutbox(messageIds);
  }

  /**
   * One message: validated, rendered, recorded (`queued`), handed to the provider, recorded as sent
   * or failed. The reminder worker does the same steps for a whole claim at once (prepare each,
   * {@link record} them in one statement, {@link deliver} each, {@link markSent} them in groups).
   */
  async send(input: SendMailInput): Promise<SendMailResult> {
    const mail = this.prepare(input);
    await this.record([mail]);
    const sent = await this.deliver(mail);
    if (sent) await this.markSent([sent]);
    return { messageId: mail.id, status: sent ? 'sent' : 'failed' };
  }

  /**
   * Checks and renders a message in the recipient's language; nothing is recorded yet. Throws
   * BadInputError for a recipient that is not one plain address, TemplateDataError for bad data.
   */
  prepare(input: SendMailInput): PreparedMail {
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
    return { id: randomUUID(), to, input, rendered };
  }

  /** Records prepared messages as `queued`, all in one statement (a prepared statement: a hot path). */
  async record(mails: PreparedMail[]): Promise<void> {
    if (mails.length === 0) return;
    const column = <T>(f: (m: PreparedMail) => T) => mails.map(f);
    await this.hot.query(
      'mail.record',
      `INSERT INTO messages (id, recipient_email, supporter_id, user_id, template, locale, subject,
                             related_type, related_id, created_at)
       SELECT id, email, supporter, usr, template, locale, subject, related_type, related_id, $10::timestamptz
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::uuid[])
              AS m(id, email, supporter, usr, template, locale, subject, related_type, related_id)`,
      [
        column((m) => m.id),
        column((m) => m.to),
        column((m) => m.input.supporterId ?? null),
        column((m) => m.input.userId ?? null),
        column((m) => m.input.template),
        column((m) => m.input.locale),
        column((m) => m.rendered.subject),
        column((m) => m.input.related?.type ?? null),
        column((m) => m.input.related?.id ?? null),
        this.clock.now(),
      ],
    );
  }

  /**
   * Hands a recorded message to the provider. Accepted: resolves to what {@link markSent} needs (the
   * row still says `queued` until then). Refused or unreachable: the row is marked `failed` with the
   * error, then MailSendError is thrown when `throwOnFailure`, else null is returned.
   * `logged: false` is for a caller that writes the `messages` row itself with the outcome (the
   * bulletin sender, whose delivery rows record mail in flight): no row is touched here.
   */
  async deliver(mail: PreparedMail, opts: { logged?: boolean } = {}): Promise<SentMail | null> {
    const { input, rendered } = mail;
    try {
      const providerMessageId = await this.transport.send({
        id: mail.id,
        to: mail.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        attachments: input.attachments,
        unsubscribeUrl: input.unsubscribeUrl,
        fromName: input.sender?.name ?? undefined,
        replyTo: input.sender?.replyTo ?? undefined,
      });
      return { messageId: mail.id, providerMessageId, sentAt: this.clock.now() };
    } catch (e) {
      const responseCode = (e as { responseCode?: unknown }).responseCode;
      const code = typeof responseCode === 'number' ? responseCode : undefined;
      if (opts.logged !== false)
        await this.hot.query(
          'mail.failed',
          `UPDATE messages SET status = 'failed', error = $2 WHERE id = $1`,
          [mail.id, errorText(e)],
        );
      // The provider's text can quote the address: log the message id and codes only.
      this.logger.warn(
        `message ${mail.id} (${input.template}) failed: ${(e as { code?: string }).code ?? 'error'} ${code ?? ''}`.trim(),
      );
      if (input.throwOnFailure) throw new MailSendError(mail.id, code, { cause: e });
      return null;
    }
  }

  /**
   * Marks `abandoned` the messages still `queued` that were recorded before `before`: their instance
   * stopped between recording the mail and recording its outcome, so whether it left is unknown (their
   * reminder is taken again by another instance, which records a message of its own). Answers how many.
   * Walks messages_queued_created_at_idx (queued rows only): cheap on every tick.
   */
  async reconcileQueued(before: Date): Promise<number> {
    const rows = await this.hot.query<{ id: string }>(
      'mail.reconcile',
      `UPDATE messages SET status = 'abandoned',
              error = 'the sending instance stopped before recording the outcome; it may or may not have been sent'
        WHERE status = 'queued' AND created_at < $1 RETURNING id`,
      [before],
    );
    return rows.length;
  }

  /** Records delivered messages as sent, in one statement. Never throws: the mails are out. */
  async markSent(sent: SentMail[]): Promise<void> {
    if (sent.length === 0) return;
    try {
      await this.hot.query(
        'mail.sent',
        `UPDATE messages m SET status = 'sent', provider_message_id = s.provider_id, sent_at = s.sent_at
           FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS s(id, provider_id, sent_at)
          WHERE m.id = s.id`,
        [sent.map((s) => s.messageId), sent.map((s) => s.providerMessageId), sent.map((s) => s.sentAt)],
      );
    } catch (e) {
      // A retry would send them twice: they stay `queued` in the record, and are reported sent.
      this.logger.error(
        `messages ${sent.map((s) => s.messageId).join(', ')} were sent but could not be marked sent: ${(e as Error).message}`,
      );
    }
  }
}
