import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { query } from '../database/sql.js';
import { Clock } from '../common/clock.js';
import { BadInputError, ConflictError, NotFoundError } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import type { MailAttachment } from '../mail/mail.transport.js';
import { isMailLocale, type MailLocale } from '../mail/templates/data.js';
import { isTemplateName, type TemplateName } from '../mail/templates/templates.js';
import type { ReminderStatus } from './reminder.entity.js';
import { scheduleRemindersSql } from './reminders.sql.js';

export interface ScheduleReminderInput {
  /** What it is: `event-reminder-24h`, `deadline`, `digest`… */
  kind: string;
  template: TemplateName;
  /** What it is about (`event`, `rsvp`, `letter-action`…); also recorded on the message. */
  subjectType: string;
  subjectId: string;
  campaignId?: string | null;
  /** The recipient, for supporters (consent, erasure, time zone and address are read at send time). */
  supporterId?: string | null;
  /** The recipient, for staff mail (digests); give one of supporterId / recipientEmail. */
  recipientEmail?: string | null;
  locale: MailLocale;
  /**
   * The template's data. `startsAtIso` (an event's start) is read by the worker: quiet hours never hold
   * mail past it, and `startsInMinutes` is recomputed from it at send time. `timeZone` is used for quiet
   * hours of mail without a supporter.
   */
  data: Record<string, unknown>;
  dueAt: Date;
  /** Unique per (kind, subject, recipient, offset), e.g. `event:<id>:rsvp:<id>:1440`. */
  dedupeKey: string;
  /** Asked for by the recipient (confirmations, data requests): sent even when unsubscribed, no quiet hours. */
  transactional?: boolean;
  /** Immediate mail: a dueAt in the past sends at once instead of being skipped. */
  sendNowIfPast?: boolean;
}

/** What a send hook sees of a claimed reminder. */
export interface ReminderToSend {
  id: string;
  kind: string;
  subjectType: string;
  subjectId: string;
  campaignId: string | null;
  supporterId: string | null;
  locale: string;
  data: Record<string, unknown>;
}

/** A send hook's answer: not wanted any more, or what to add at send time. */
export type ReminderHookAnswer =
  { skip: string } | { data: Record<string, unknown>; attachments?: MailAttachment[] } | null;

/**
 * Run by the worker just before a reminder of its kind is sent (after the recipient checks, before
 * quiet hours): answer `{ skip: reason }` when it is no longer wanted (the supporter signed meanwhile),
 * or `{ data }` to add fields computed at send time (a signed link never stored in the table, counts,
 * the event as it is now) and `attachments` built at send time (an .ics file, a signatures CSV). A
 * `data.usefulUntilIso` in the past (a letter's deadline) ends the reminder `expired`, unsent, as an
 * event reminder after the event's start does.
 */
export type ReminderSendHook = (r: ReminderToSend) => Promise<ReminderHookAnswer>;

/** How a reminder ended, told to its kind's outcome listener (a delivery records its mail status). */
export interface ReminderOutcome {
  status: 'sent' | 'failed' | 'skipped' | 'expired';
  /** The `messages` row of the last attempt, when one was made. */
  messageId: string | null;
}
export type ReminderOutcomeListener = (r: ReminderToSend, outcome: ReminderOutcome) => Promise<void>;

export interface ReminderView {
  id: string;
  kind: string;
  template: string;
  subjectType: string;
  subjectId: string;
  campaignId: string | null;
  supporterId: string | null;
  locale: string;
  dueAt: Date;
  status: ReminderStatus;
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  dedupeKey: string;
  transactional: boolean;
  createdAt: Date;
  sentAt: Date | null;
}

export interface ListRemindersQuery {
  campaignId?: string;
  subjectType?: string;
  subjectId?: string;
  status?: ReminderStatus;
  limit: number;
  offset: number;
}

export const REMINDER_COLUMNS = `r.id, r.kind, r.template, r.subject_type AS "subjectType", r.subject_id AS "subjectId",
  r.campaign_id AS "campaignId", r.supporter_id AS "supporterId", r.locale, r.due_at AS "dueAt", r.status,
  r.attempts, r.last_error AS "lastError", r.message_id AS "messageId", r.dedupe_key AS "dedupeKey",
  r.transactional, r.created_at AS "createdAt", r.sent_at AS "sentAt"`;

/**
 * Schedules, moves and cancels reminders — always with the caller's transaction manager, so a reminder
 * is created, moved or cancelled together with the event or RSVP that caused it. The ReminderWorker
 * sends them.
 */
@Injectable()
export class RemindersService {
  private readonly logger = new Logger('Reminders');
  private readonly sendHooks = new Map<string, ReminderSendHook>();
  private readonly outcomeListeners = new Map<string, ReminderOutcomeListener>();
  private readonly staffCausedKinds = new Set<string>();
  private immediateSender: ((ids: string[]) => Promise<void>) | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Registers the send hook of one reminder `kind` (one per kind; features register theirs at init). */
  onSend(kind: string, hook: ReminderSendHook): void {
    if (this.sendHooks.has(kind)) throw new Error(`A send hook for reminder kind ${kind} already exists`);
    this.sendHooks.set(kind, hook);
  }

  /**
   * Transactional mail to a supporter is taken as caused by a public form (a confirmation, a data
   * link) and is held to MAIL_MAX_PER_ADDRESS_PER_HOUR, so the forms cannot be used to flood someone's
   * mailbox. Kinds that staff cause instead (an event changed or cancelled) say so here at init.
   */
  notCausedByPublicForms(...kinds: string[]): void {
    for (const kind of kinds) this.staffCausedKinds.add(kind);
  }

  /** Whether a reminder is mail a public form caused (see {@link notCausedByPublicForms}). */
  causedByPublicForm(r: { kind: string; transactional: boolean; supporterId: string | null }): boolean {
    return r.transactional && r.supporterId !== null && !this.staffCausedKinds.has(r.kind);
  }

  /** Registers what to do when a reminder of `kind` ends sent, failed or skipped (one per kind). */
  onOutcome(kind: string, listener: ReminderOutcomeListener): void {
    if (this.outcomeListeners.has(kind))
      throw new Error(`An outcome listener for reminder kind ${kind} already exists`);
    this.outcomeListeners.set(kind, listener);
  }

  /** The worker's call: the kind's hook answer, or null when the kind has none. */
  async beforeSend(r: ReminderToSend): Promise<ReminderHookAnswer> {
    const hook = this.sendHooks.get(r.kind);
    return hook ? hook(r) : null;
  }

  /** The worker's call once a reminder ended; a listener's failure is logged, never undoes the send. */
  async ended(r: ReminderToSend, outcome: ReminderOutcome): Promise<void> {
    const listener = this.outcomeListeners.get(r.kind);
    if (!listener) return;
    await listener(r, outcome).catch((e: unknown) =>
      this.logger.warn(`outcome of reminder ${r.id} (${r.kind}) not recorded: ${(e as Error).name}`),
    );
  }

  /** The worker registers how to send queued rows at once (see {@link sendNow}). */
  setImmediateSender(send: (ids: string[]) => Promise<void>): void {
    this.immediateSender = send;
  }

  /**
   * Immediate mail queued by a transaction that has committed (a confirmation, a notice, a data link, a
   * delivery): this instance claims and sends exactly those rows now, through the worker's claim, so
   * nothing waits for the next tick and nothing is sent twice. Whatever cannot be sent now is left to
   * the tick (of any instance). Never throws.
   */
  async sendNow(ids: string[]): Promise<void> {
    if (ids.length === 0 || !this.immediateSender) return;
    await this.immediateSender(ids);
  }

  /**
   * An erased supporter gets nothing more, not even what was already scheduled. Called in the erasure
   * transaction, after the personal columns (the data a mail is rendered from, the address) were
   * erased as supporters/personal-data.ts classifies them.
   */
  async forgetSupporter(m: EntityManager, supporterId: string): Promise<void> {
    await m.query(
      `UPDATE reminders SET
              status = CASE WHEN status IN ('pending', 'failed', 'sending') THEN 'skipped'::reminder_status ELSE status END,
              last_error = CASE WHEN status IN ('pending', 'failed', 'sending') THEN 'supporter erased' ELSE last_error END
        WHERE supporter_id = $1`,
      [supporterId],
    );
  }

  /**
   * Creates the reminder, or — when its dedupe key exists and is still pending or cancelled — moves it
   * to the new time and data. A sent, sending, failed or skipped one is left alone (never sent twice).
   * A dueAt already past is recorded as `skipped` (an RSVP after the 24 h mark gets no late 24 h
   * reminder) unless `sendNowIfPast`.
   */
  async schedule(
    manager: EntityManager | undefined,
    r: ScheduleReminderInput,
  ): Promise<{ id: string; status: ReminderStatus }> {
    check(r);
    const now = this.clock.now();
    const status: ReminderStatus =
      r.dueAt.getTime() <= now.getTime() && !r.sendNowIfPast ? 'skipped' : 'pending';
    const m = manager ?? this.dataSource.manager;
    const rows = await query<{ id: string; status: ReminderStatus }>(
      m,
      `${scheduleRemindersSql('VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)')} RETURNING id, status`,
      [
        r.kind,
        r.template,
        r.subjectType,
        r.subjectId,
        r.campaignId ?? null,
        r.supporterId ?? null,
        r.recipientEmail?.trim().toLowerCase() || null,
        r.locale,
        JSON.stringify(r.data ?? {}),
        r.dueAt,
        status,
        r.dedupeKey,
        r.transactional ?? false,
        now,
      ],
    );
    if (rows[0]) return rows[0];
    const existing = await query<{ id: string; status: ReminderStatus }>(
      m,
      `SELECT id, status FROM reminders WHERE dedupe_key = $1`,
      [r.dedupeKey],
    );
    return existing[0];
  }

  /**
   * Moves the pending reminders whose dedupe key starts with `prefix` (an event moved): `next` gets each
   * one and answers its new due time (and optionally new data). One whose new time is already past is
   * skipped. Returns how many were moved or skipped.
   */
  async reschedule(
    manager: EntityManager | undefined,
    dedupeKeyPrefix: string,
    next: (r: {
      dueAt: Date;
      data: Record<string, unknown>;
      dedupeKey: string;
    }) => Date | { dueAt: Date; data?: Record<string, unknown> },
  ): Promise<number> {
    checkPrefix(dedupeKeyPrefix);
    const m = manager ?? this.dataSource.manager;
    const now = this.clock.now();
    const rows = await query<{ id: string; dueAt: Date; data: Record<string, unknown>; dedupeKey: string }>(
      m,
      `SELECT id, due_at AS "dueAt", data, dedupe_key AS "dedupeKey" FROM reminders
        WHERE status = 'pending' AND left(dedupe_key, length($1)) = $1 ORDER BY id FOR UPDATE`,
      [dedupeKeyPrefix],
    );
    for (const row of rows) {
      const answer = next(row);
      const dueAt = answer instanceof Date ? answer : answer.dueAt;
      const data = answer instanceof Date ? row.data : (answer.data ?? row.data);
      await m.query(
        `UPDATE reminders SET due_at = $2, data = $3, status = $4 WHERE id = $1 AND status = 'pending'`,
        [row.id, dueAt, JSON.stringify(data), dueAt.getTime() <= now.getTime() ? 'skipped' : 'pending'],
      );
    }
    return rows.length;
  }

  /** Cancels the pending reminders whose dedupe key starts with `prefix` (RSVP or event cancelled). */
  async cancel(manager: EntityManager | undefined, dedupeKeyPrefix: string): Promise<number> {
    checkPrefix(dedupeKeyPrefix);
    const rows = (await (manager ?? this.dataSource.manager).query(
      `UPDATE reminders SET status = 'cancelled', locked_until = NULL, locked_by = NULL
        WHERE status = 'pending' AND left(dedupe_key, length($1)) = $1 RETURNING id`,
      [dedupeKeyPrefix],
    )) as [{ id: string }[], number]; // TypeORM answers UPDATE … RETURNING as [rows, count]
    return rows[1];
  }

  async list(q: ListRemindersQuery): Promise<Page<ReminderView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.campaignId) add('r.campaign_id = ?', q.campaignId);
    if (q.subjectType) add('r.subject_type = ?', q.subjectType);
    if (q.subjectId) add('r.subject_id = ?', q.subjectId);
    if (q.status) add('r.status = ?', q.status);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [items, count] = await Promise.all([
      this.dataSource.query(
        `SELECT ${REMINDER_COLUMNS} FROM reminders r ${filter} ORDER BY r.due_at, r.id
          LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, q.limit, q.offset],
      ) as Promise<ReminderView[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM reminders r ${filter}`, params) as Promise<
        { n: number }[]
      >,
    ]);
    return { items, total: count[0].n };
  }

  async find(id: string): Promise<ReminderView> {
    const rows = await query<ReminderView>(
      this.dataSource,
      `SELECT ${REMINDER_COLUMNS} FROM reminders r WHERE r.id = $1`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError('Reminder');
    return rows[0];
  }

  /** A failed reminder back to pending, due now, with its attempts reset. */
  async resend(id: string): Promise<ReminderView> {
    const rows = (await this.dataSource.query(
      `UPDATE reminders SET status = 'pending', attempts = 0, due_at = $2, locked_until = NULL, locked_by = NULL
        WHERE id = $1 AND status = 'failed' RETURNING id`,
      [id, this.clock.now()],
    )) as [{ id: string }[], number];
    if (rows[0].length === 0) {
      const r = await this.find(id);
      throw new ConflictError(`Only a failed reminder can be resent (this one is ${r.status})`, 'not_failed');
    }
    return this.find(id);
  }
}

function check(r: ScheduleReminderInput): void {
  if (!isTemplateName(r.template))
    throw BadInputError.field('template', 'isIn', 'The template must be a known template name');
  if (!isMailLocale(r.locale)) throw BadInputError.field('locale', 'isIn', 'The locale must be en or es');
  if (!r.supporterId && !r.recipientEmail)
    throw BadInputError.field(
      'supporterId',
      'isDefined',
      'A reminder needs a supporter or a recipient email',
    );
  if (!(r.dueAt instanceof Date) || Number.isNaN(r.dueAt.getTime()))
    throw BadInputError.field('dueAt', 'isDate', 'dueAt must be a valid date');
  if (typeof r.dedupeKey !== 'string' || r.dedupeKey.length === 0 || r.dedupeKey.length > 500)
    throw BadInputError.field('dedupeKey', 'length', 'The dedupe key must be 1 to 500 characters');
}

function checkPrefix(prefix: string): void {
  // An empty prefix would match every reminder.
  if (typeof prefix !== 'string' || prefix.length === 0)
    throw BadInputError.field('dedupeKeyPrefix', 'isNotEmpty', 'The dedupe key prefix must not be empty');
}
