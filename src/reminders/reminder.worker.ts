import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/config.js';
import { HotQueries } from '../database/hot-queries.js';
import { MailSendError, MailService } from '../mail/mail.service.js';
import type { MailLocale } from '../mail/templates/data.js';
import type { TemplateName } from '../mail/templates/templates.js';
import { PrivacyService } from '../supporters/privacy.service.js';
import { mayReceiveCampaignEmailSql } from '../supporters/supporters.service.js';
import { backoffMs, quietUntil } from './reminder-timing.js';
import { RemindersService } from './reminders.service.js';

/** How long a claim holds before another instance may take the reminder again. */
export const CLAIM_LOCK_MS = 5 * 60_000;
/** Most reminders one tick claims. */
const CLAIM_LIMIT = 100;
/** Reminders of one claim sent at the same time. */
const SEND_CONCURRENCY = 8;
const MAX_ERROR_LENGTH = 2000;

interface ClaimedRow {
  id: string;
  kind: string;
  template: TemplateName;
  subjectType: string;
  subjectId: string;
  campaignId: string | null;
  supporterId: string | null;
  recipientEmail: string | null;
  locale: MailLocale;
  data: Record<string, unknown>;
  attempts: number;
  transactional: boolean;
  /** The supporter's address, zone and state at claim time (null without a supporter). */
  supporterEmail: string | null;
  supporterZone: string | null;
  erased: boolean | null;
  consent: boolean;
}

export interface TickResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  deferred: number;
}

type Outcome = 'sent' | 'retried' | 'failed' | 'skipped' | 'deferred' | 'lost';

/**
 * Sends due reminders. Every instance may run one; they share the work through the claim statement
 * (`FOR UPDATE SKIP LOCKED`): a row is claimed by exactly one instance at a time.
 *
 * Delivery guarantee — at-least-once at the SMTP boundary, duplicates limited to a crash window:
 * a reminder is marked `sending` with `locked_until = now + 5 min` before the mail leaves, and `sent`
 * right after the SMTP server accepts it. If the instance dies (or loses the database) between the
 * server's acceptance and that update, the claim expires and another instance sends it again — the one
 * case where a recipient can get a reminder twice. Nothing is lost: a claim that never completes is
 * always taken again. Every update after the claim is guarded by `locked_by`, so an instance whose claim
 * expired while it was stuck cannot overwrite the outcome of the instance that took over.
 */
@Injectable()
export class ReminderWorker
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Reminders');
  /** Identifies this instance's claims (`locked_by`). */
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** Jobs run at the start of every tick (the daily digest scheduler), before claiming. */
  private readonly tickJobs: { name: string; run: (now: Date) => Promise<void> }[] = [];
  /** Immediate sends waiting for the batch being sent (see sendNow). */
  private readonly immediate: { ids: string[]; done: () => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly privacy: PrivacyService,
    private readonly hot: HotQueries,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly reminders: RemindersService,
  ) {}

  onModuleInit(): void {
    // Features queue immediate mail through RemindersService.sendNow; this instance sends it.
    this.reminders.setImmediateSender((ids) => this.sendNow(ids));
  }

  onApplicationBootstrap(): void {
    if (!this.config.remindersEnabled) return;
    this.timer = setInterval(() => {
      if (this.running) return; // the previous tick is still sending
      this.running = this.drain()
        .catch((e: unknown) => this.logger.error(`tick failed: ${(e as Error).message}`))
        .finally(() => (this.running = null));
    }, this.config.reminderTickSeconds * 1000);
    this.timer.unref();
    this.logger.log(`worker ${this.instanceId} started (every ${this.config.reminderTickSeconds}s)`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Let the sends in flight finish and be marked, rather than leave claims to expire.
    await this.running;
    await this.flushing;
  }

  /**
   * One periodic tick, then more at once while each claim came back full (a backlog), rather than one
   * claim per interval. Stops when the worker is stopped.
   */
  private async drain(): Promise<void> {
    let last = await this.tick(CLAIM_LIMIT);
    while (this.timer && last.claimed === CLAIM_LIMIT) last = await this.tick(CLAIM_LIMIT);
  }

  /** A job run at the start of every periodic tick; it must be idempotent (several instances tick). */
  onTick(name: string, run: (now: Date) => Promise<void>): void {
    this.tickJobs.push({ name, run });
  }

  /**
   * Claims and sends exactly these rows now (RemindersService.sendNow), through the same claim as the
   * tick; resolves once they were processed. Calls that arrive while a batch is being sent are claimed
   * together in the next one, so a burst (a viral RSVP page) costs one claim per batch, not per mail.
   * Works even when the periodic worker is off on this instance (REMINDERS_ENABLED=false); whatever it
   * cannot send the tick sends later. Never throws.
   */
  sendNow(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return new Promise((done) => {
      this.immediate.push({ ids, done });
      this.flushing ??= this.flushImmediate();
    });
  }

  private async flushImmediate(): Promise<void> {
    try {
      while (this.immediate.length) {
        let count = 0;
        let take = 0;
        while (
          take < this.immediate.length &&
          (take === 0 || count + this.immediate[take].ids.length <= CLAIM_LIMIT)
        )
          count += this.immediate[take++].ids.length;
        const batch = this.immediate.splice(0, take);
        const ids = batch.flatMap((b) => b.ids);
        await this.tick(ids.length, ids).catch((e: unknown) =>
          this.logger.warn(`immediate send failed, left to the tick: ${(e as Error).name}`),
        );
        for (const b of batch) b.done();
      }
    } finally {
      this.flushing = null;
    }
  }

  /**
   * Claims up to `limit` due reminders (and expired claims) and sends them — only those of `only` when
   * given. Public for tests.
   */
  async tick(limit = CLAIM_LIMIT, only?: string[]): Promise<TickResult> {
    const now = this.clock.now();
    if (!only) {
      for (const job of this.tickJobs)
        await job
          .run(now)
          .catch((e: unknown) => this.logger.warn(`${job.name} failed: ${(e as Error).name}`));
    }
    const rows = await this.hot.query<ClaimedRow>(
      'reminders.claim',
      `WITH claimed AS (
       UPDATE reminders SET status = 'sending', locked_until = $2, locked_by = $3, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM reminders
           WHERE ((status = 'pending' AND due_at <= $1) OR (status = 'sending' AND locked_until < $1))
             AND ($5::uuid[] IS NULL OR id = ANY($5::uuid[]))
           ORDER BY due_at LIMIT $4
           FOR UPDATE SKIP LOCKED)
        RETURNING id, kind, template, subject_type AS "subjectType", subject_id AS "subjectId",
                  campaign_id AS "campaignId", supporter_id AS "supporterId", recipient_email AS "recipientEmail",
                  locale, data, attempts, transactional, due_at)
       -- The recipient's state comes with the claim: consent, erasure and zone are read at send time.
       SELECT c.*, s.email AS "supporterEmail", s.timezone AS "supporterZone", s.erased_at IS NOT NULL AS erased,
              ${mayReceiveCampaignEmailSql('s')} AS consent
         FROM claimed c LEFT JOIN supporters s ON s.id = c."supporterId" ORDER BY c.due_at`,
      [now, new Date(now.getTime() + CLAIM_LOCK_MS), this.instanceId, limit, only ?? null],
    );

    const result: TickResult = {
      claimed: rows.length,
      sent: 0,
      retried: 0,
      failed: 0,
      skipped: 0,
      deferred: 0,
    };
    let next = 0;
    const lane = async () => {
      while (next < rows.length) {
        const row = rows[next++];
        const outcome = await this.process(row).catch((e: unknown) => {
          this.logger.error(`reminder ${row.id}: ${(e as Error).message}`);
          return 'lost' as const; // the claim expires and the row is taken again
        });
        if (outcome !== 'lost') result[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, rows.length) }, lane));
    return result;
  }

  private async process(row: ClaimedRow): Promise<Outcome> {
    const now = this.clock.now();
    let to = row.recipientEmail;
    let zone = typeof row.data.timeZone === 'string' ? row.data.timeZone : null;
    if (row.supporterId) {
      if (row.erased || !row.supporterEmail) return this.finish(row, 'skipped', 'supporter erased');
      if (!row.transactional && !row.consent)
        return this.finish(row, 'skipped', 'no consent to campaign email (unsubscribed)');
      to = row.supporterEmail;
      zone = row.supporterZone ?? zone;
    }
    if (!to) return this.finish(row, 'skipped', 'no recipient');

    // The feature's last word: no longer wanted (signed meanwhile), or fields computed now (signed links).
    const hooked = await this.reminders.beforeSend(row);
    if (hooked && 'skip' in hooked) return this.finish(row, 'skipped', hooked.skip);
    const extra = hooked?.data ?? {};
    const attachments = hooked?.attachments;

    const startsAt = typeof row.data.startsAtIso === 'string' ? new Date(row.data.startsAtIso) : null;
    const startsAtMs = startsAt && !Number.isNaN(startsAt.getTime()) ? startsAt.getTime() : null;
    // Quiet hours: mail the recipient asked for goes at once; campaign mail waits for the morning,
    // unless the event starts before then (a reminder after the start would be useless).
    const until = row.transactional ? null : quietUntil(now, zone, this.config.quietHours);
    if (until && (startsAtMs === null || startsAtMs >= until.getTime())) {
      // Not an attempt: give it back.
      await this.dataSource.query(
        `UPDATE reminders SET status = 'pending', due_at = $3, attempts = attempts - 1, locked_until = NULL,
                locked_by = NULL WHERE id = $1 AND locked_by = $2 AND status = 'sending'`,
        [row.id, this.instanceId, until],
      );
      return 'deferred';
    }

    const data = { ...row.data, ...extra };
    if (startsAtMs !== null && 'startsInMinutes' in data)
      data.startsInMinutes = Math.max(0, Math.round((startsAtMs - now.getTime()) / 60_000));

    let messageId: string;
    try {
      ({ messageId } = await this.mail.send({
        to,
        template: row.template,
        locale: row.locale,
        data,
        supporterId: row.supporterId ?? undefined,
        related: { type: row.subjectType, id: row.subjectId },
        attachments,
        unsubscribeUrl:
          row.transactional || !row.supporterId ? undefined : this.privacy.unsubscribeUrl(row.supporterId),
        throwOnFailure: true,
      }));
    } catch (e) {
      const error = errorText(e);
      if (!(e instanceof MailSendError)) {
        // Bad data or a bad address: trying again will not help.
        return this.finish(row, 'failed', error);
      }
      if (row.attempts >= this.config.reminderMaxAttempts)
        return this.finish(row, 'failed', error, e.messageId);
      await this.dataSource.query(
        `UPDATE reminders SET status = 'pending', due_at = $3, last_error = $4, message_id = $5,
                locked_until = NULL, locked_by = NULL WHERE id = $1 AND locked_by = $2 AND status = 'sending'`,
        [row.id, this.instanceId, new Date(now.getTime() + backoffMs(row.attempts)), error, e.messageId],
      );
      return 'retried';
    }
    // ← the crash window: the mail is out, the row still says `sending`.
    return this.finish(row, 'sent', null, messageId);
  }

  private async finish(
    row: ClaimedRow,
    status: 'sent' | 'failed' | 'skipped',
    error: string | null,
    messageId: string | null = null,
  ): Promise<'sent' | 'failed' | 'skipped'> {
    const updated = await this.hot.query<{ messageId: string | null }>(
      'reminders.finish',
      `UPDATE reminders SET status = $3::reminder_status, last_error = CASE WHEN $3::reminder_status = 'sent' THEN NULL ELSE coalesce($4, last_error) END,
              message_id = coalesce($5, message_id), sent_at = $6, locked_until = NULL, locked_by = NULL
        WHERE id = $1 AND locked_by = $2 AND status = 'sending' RETURNING message_id AS "messageId"`,
      [row.id, this.instanceId, status, error, messageId, status === 'sent' ? this.clock.now() : null],
    );
    // Told only by the instance whose claim this still was.
    if (updated[0]) await this.reminders.ended(row, { status, messageId: updated[0].messageId });
    return status;
  }
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
