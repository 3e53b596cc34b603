import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { isDatabaseUnavailable } from '../common/database-unavailable.js';
import { AppConfig } from '../config/config.js';
import { HotQueries } from '../database/hot-queries.js';
import { PeriodicJobs } from '../scheduling/periodic-jobs.js';
import { errorText, MailSendError, MailService, type PreparedMail } from '../mail/mail.service.js';
import { PrivacyService } from '../supporters/privacy.service.js';
import { CLAIM_DUE, CLAIM_IDS, FINISH, type ClaimedRow } from './reminders.sql.js';
import { Finisher, FINISH_GROUP, finishColumns, type Finished, type Outcome } from './reminder-outcomes.js';
import { backoffMs, quietUntil } from './reminder-timing.js';
import { RemindersService } from './reminders.service.js';

/**
 * How long a `messages` row may stay `queued` before it is taken for the record of a mail whose
 * instance stopped (see MailService.reconcileQueued): far longer than any send, whose outcome is
 * recorded within a fraction of a second.
 */
export const ABANDONED_AFTER_MS = 5 * 60_000;
/** Most reminders one tick claims. */
const CLAIM_LIMIT = 100;
/** Reminders of one claim sent at the same time. */
const SEND_CONCURRENCY = 8;

export interface TickResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  expired: number;
  deferred: number;
}

/**
 * Sends due reminders. Every instance may run one; they share the work through the claim statement
 * (`FOR UPDATE SKIP LOCKED`): a row is claimed by exactly one instance at a time.
 *
 * Delivery guarantee — at-least-once at the SMTP boundary, duplicates limited to a crash window:
 * a reminder is marked `sending` with a short lease (`locked_until = now + REMINDER_LEASE_SECONDS`)
 * before the mail leaves, and `sent` once the SMTP server accepted it, with the others of its group
 * (Finisher: FINISH_GROUP outcomes, or FINISH_WAIT_MS after the first). While a claim is being worked,
 * a heartbeat renews its lease every third of it, so a slow claim keeps its rows and a dead instance's
 * rows are free again one lease after its last heartbeat; the next tick of any instance takes them.
 * If the instance dies (or loses the database) between the server's acceptance and that update,
 * another instance sends it again — the one case where a recipient can get a reminder twice. Nothing
 * is lost: a claim that never completes is always taken again, and a reminder that would arrive too
 * late to help (an event reminder after the start) ends `expired` instead of being sent late. Every
 * update after the claim is guarded by `locked_by`, so an instance whose lease ran out while it was
 * stuck cannot overwrite the outcome of the instance that took over.
 *
 * The database work of a claim is a few statements, not a few per mail (PostgreSQL is what
 * every instance shares, so its cost per mail is what limits scaling out): the claim, one insert of
 * the messages of each chunk of FINISH_GROUP rows, and per group of outcomes one update of the
 * messages sent and one of the reminders.
 */
@Injectable()
export class ReminderWorker implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Reminders');
  /** Identifies this instance's claims (`locked_by`). */
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopped = false;
  private running: Promise<unknown> | null = null;
  /** Immediate sends waiting for the batch being sent (see sendNow). */
  private readonly immediate: { ids: string[]; done: () => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly mail: MailService,
    private readonly privacy: PrivacyService,
    private readonly hot: HotQueries,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly reminders: RemindersService,
    private readonly jobs: PeriodicJobs,
  ) {}

  onModuleInit(): void {
    // Features queue immediate mail through RemindersService.sendNow; this instance sends it.
    this.reminders.setImmediateSender((ids) => this.sendNow(ids));
    // The periodic tick (every REMINDER_TICK_SECONDS; off with REMINDERS_ENABLED=false), see jobs.ts.
    this.jobs.handle('reminders.send', () => {
      this.running = this.drain()
        .catch((e: unknown) =>
          // A database that is away is an outage, not a bug: a warning, and the next tick tries again.
          isDatabaseUnavailable(e)
            ? this.logger.warn(`tick failed, database unavailable: ${(e as Error).message}`)
            : this.logger.error(`tick failed: ${(e as Error).message}`),
        )
        .finally(() => (this.running = null));
      return this.running;
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async stop(): Promise<void> {
    this.stopped = true;
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
    while (!this.stopped && last.claimed === CLAIM_LIMIT) last = await this.tick(CLAIM_LIMIT);
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
    // Mail recorded by an instance that stopped before recording the outcome: reconciled every tick.
    if (!only) await this.reconcileAbandoned(now);
    const params = { now, leaseEnd: this.leaseEnd(now), instanceId: this.instanceId, limit };
    const rows = only
      ? await this.hot.run(CLAIM_IDS, { ...params, ids: only })
      : await this.hot.run(CLAIM_DUE, params);
    if (rows.length === 0)
      return { claimed: 0, sent: 0, retried: 0, failed: 0, skipped: 0, expired: 0, deferred: 0 };

    const result: TickResult = {
      claimed: rows.length,
      sent: 0,
      retried: 0,
      failed: 0,
      skipped: 0,
      expired: 0,
      deferred: 0,
    };
    const finisher = new Finisher(
      (done) => this.finish(rows, done, result),
      (e, group) => this.logger.error(`${group.length} outcomes not recorded: ${(e as Error).message}`),
    );
    // The claim is worked through in chunks of FINISH_GROUP rows: a chunk is prepared (each row's
    // fate: skipped, deferred, or a rendered mail) and its mails recorded in one statement while the
    // lanes still send the previous chunk, so a row is prepared shortly before it is sent and at most
    // two chunks of mail (attachments included) are held at once.
    const chunks = Array.from({ length: Math.ceil(rows.length / FINISH_GROUP) }, (_, i) =>
      rows.slice(i * FINISH_GROUP, (i + 1) * FINISH_GROUP),
    );
    const queue: { row: ClaimedRow; mail: PreparedMail }[] = [];
    let next = 0;
    let producing: Promise<void> | null = null;
    const take = async () => {
      for (;;) {
        if (queue.length <= SEND_CONCURRENCY && next < chunks.length)
          producing ??= this.prepareChunk(chunks[next++], finisher)
            .then((ready) => void queue.push(...ready))
            .finally(() => (producing = null));
        const item = queue.shift();
        if (item || !producing) return item;
        await producing;
      }
    };
    const lane = async () => {
      for (let item = await take(); item; item = await take())
        finisher.add(item.row.id, await this.deliver(item.row, item.mail));
    };
    const heartbeat = this.renewWhileWorking(rows.map((r) => r.id));
    try {
      await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, rows.length) }, lane));
    } finally {
      await finisher.close();
      await heartbeat.stop();
    }
    return result;
  }

  private async reconcileAbandoned(now: Date): Promise<void> {
    try {
      const n = await this.mail.reconcileQueued(new Date(now.getTime() - ABANDONED_AFTER_MS));
      if (n) this.logger.warn(`${n} messages left queued by a stopped instance marked abandoned`);
    } catch (e) {
      this.logger.warn(`reconcile queued messages failed: ${(e as Error).name}`);
    }
  }

  private leaseEnd(now: Date): Date {
    return new Date(now.getTime() + this.config.reminderLeaseSeconds * 1000);
  }

  /**
   * The heartbeat of a claim: every third of the lease, pushes the lease of the claim's rows this
   * instance still holds (`sending`, `locked_by` = this instance) one lease ahead. A failed renewal is
   * logged and tried again at the next beat; rows whose lease runs out meanwhile may be taken by
   * another instance (at worst sent twice, never lost).
   */
  private renewWhileWorking(ids: string[]): { stop(): Promise<void> } {
    let beat: Promise<unknown> = Promise.resolve();
    const timer = setInterval(
      () => {
        beat = this.hot
          .query(
            'reminders.renew',
            // SKIP LOCKED: rows whose outcome is being recorded right now are left alone, so the renewal
            // and the finish (locking overlapping rows in other orders) can never deadlock.
            `UPDATE reminders SET locked_until = $3
              WHERE id IN (SELECT id FROM reminders
                            WHERE id = ANY($1::uuid[]) AND status = 'sending' AND locked_by = $2
                              FOR UPDATE SKIP LOCKED)`,
            [ids, this.instanceId, this.leaseEnd(this.clock.now())],
          )
          .catch((e: unknown) => this.logger.warn(`lease not renewed: ${(e as Error).message}`));
      },
      (this.config.reminderLeaseSeconds * 1000) / 3,
    );
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await beat;
      },
    };
  }

  /**
   * Prepares a chunk of claimed rows (outcomes that need no mail go to `finisher`) and records its
   * mails in one statement; answers the mails to send. Should the database refuse the insert, nothing
   * of the chunk is sent: its claims expire and are taken again.
   */
  private async prepareChunk(
    chunk: ClaimedRow[],
    finisher: Finisher,
  ): Promise<{ row: ClaimedRow; mail: PreparedMail }[]> {
    const prepared = await inLanes(chunk, (row) =>
      this.prepare(row).catch((e: unknown): null => {
        this.logger.error(`reminder ${row.id}: ${(e as Error).message}`);
        return null; // lost: the claim expires and the row is taken again
      }),
    );
    const toSend: { row: ClaimedRow; mail: PreparedMail }[] = [];
    chunk.forEach((row, i) => {
      const ready = prepared[i];
      if (!ready) return;
      if ('status' in ready) finisher.add(row.id, ready);
      else toSend.push({ row, mail: ready });
    });
    try {
      const allowed = await this.withinAddressCap(toSend, finisher);
      await this.mail.record(allowed.map((s) => s.mail));
      return allowed;
    } catch (e) {
      this.logger.error(`${toSend.length} messages not recorded: ${(e as Error).message}`);
      return [];
    }
  }

  /**
   * MAIL_MAX_PER_ADDRESS_PER_HOUR: mail a public form caused (RemindersService.causedByPublicForm) to an
   * address that already got that many messages in the last hour — any messages, counted from the
   * `messages` table, plus those of this chunk — ends `skipped` instead of being sent, so nobody can
   * use the public forms to flood someone's mailbox. One statement per chunk, only when the chunk holds
   * such mail. Instances counting at the same moment may each let one more through.
   */
  private async withinAddressCap(
    toSend: { row: ClaimedRow; mail: PreparedMail }[],
    finisher: Finisher,
  ): Promise<{ row: ClaimedRow; mail: PreparedMail }[]> {
    const max = this.config.mailMaxPerAddressPerHour;
    const capped = (row: ClaimedRow) => this.reminders.causedByPublicForm(row);
    if (max === 0 || !toSend.some((s) => capped(s.row))) return toSend;
    const key = (s: { mail: PreparedMail }) => s.mail.to.toLowerCase();
    const since = new Date(this.clock.now().getTime() - 3600_000);
    const recent = await this.hot.query<{ email: string; n: number }>(
      'mail.recent-per-address',
      `SELECT lower(recipient_email::text) AS email, count(*)::int AS n FROM messages
        WHERE recipient_email = ANY($1::citext[]) AND created_at > $2 GROUP BY 1`,
      [[...new Set(toSend.map(key))], since],
    );
    const counts = new Map(recent.map((r) => [r.email, r.n]));
    return toSend.filter((s) => {
      const n = counts.get(key(s)) ?? 0;
      if (capped(s.row) && n >= max) {
        finisher.add(s.row.id, {
          status: 'skipped',
          error: `address cap: ${max} mails in the last hour (MAIL_MAX_PER_ADDRESS_PER_HOUR)`,
        });
        return false;
      }
      counts.set(key(s), n + 1);
      return true;
    });
  }

  /**
   * A claimed row's fate before anything is sent: skipped (erased, unsubscribed, no longer wanted),
   * deferred (quiet hours), failed (bad data), or the checked and rendered mail to send.
   */
  private async prepare(row: ClaimedRow): Promise<Outcome | PreparedMail> {
    const now = this.clock.now();
    let to = row.recipientEmail;
    let zone = typeof row.data.timeZone === 'string' ? row.data.timeZone : null;
    if (row.supporterId) {
      if (row.erased || !row.supporterEmail) return { status: 'skipped', error: 'supporter erased' };
      if (!row.transactional && !row.consent)
        return { status: 'skipped', error: 'no consent to campaign email (unsubscribed)' };
      to = row.supporterEmail;
      zone = row.supporterZone ?? zone;
    }
    if (!to) return { status: 'skipped', error: 'no recipient' };

    // The feature's last word: no longer wanted (signed meanwhile), or fields computed now (signed links).
    const hooked = await this.reminders.beforeSend(row);
    if (hooked && 'skip' in hooked) return { status: 'skipped', error: hooked.skip };
    const extra = hooked?.data ?? {};
    // What a hook says the reminder is good for until (a letter's deadline): past it, `expired` too.
    const usefulUntil = typeof extra.usefulUntilIso === 'string' ? Date.parse(extra.usefulUntilIso) : NaN;
    if (!row.transactional && now.getTime() >= usefulUntil)
      return { status: 'expired', error: 'its deadline had already passed' };

    const startsAt = typeof row.data.startsAtIso === 'string' ? new Date(row.data.startsAtIso) : null;
    const startsAtMs = startsAt && !Number.isNaN(startsAt.getTime()) ? startsAt.getTime() : null;
    // A reminder of something that has already begun cannot help any more (a crashed instance, a long
    // outage): it ends `expired` rather than arrive late. Transactional notices (a change, a
    // cancellation) still go: they report what happened.
    if (!row.transactional && startsAtMs !== null && now.getTime() >= startsAtMs)
      return { status: 'expired', error: 'the event had already started' };
    // Quiet hours: mail the recipient asked for goes at once; campaign mail waits for the morning,
    // unless the event starts before then (a reminder after the start would be useless).
    const until = row.transactional ? null : quietUntil(now, zone, this.config.quietHours);
    if (until && (startsAtMs === null || startsAtMs >= until.getTime()))
      return { status: 'deferred', dueAt: until };

    const data = { ...row.data, ...extra };
    if (startsAtMs !== null && 'startsInMinutes' in data)
      data.startsInMinutes = Math.max(0, Math.round((startsAtMs - now.getTime()) / 60_000));
    try {
      return this.mail.prepare({
        to,
        template: row.template,
        locale: row.locale,
        data,
        supporterId: row.supporterId ?? undefined,
        related: { type: row.subjectType, id: row.subjectId },
        attachments: hooked?.attachments,
        unsubscribeUrl:
          row.transactional || !row.supporterId ? undefined : this.privacy.unsubscribeUrl(row.supporterId),
        sender: { name: row.senderName, replyTo: row.replyTo },
        throwOnFailure: true,
      });
    } catch (e) {
      // Bad data or a bad address: trying again will not help.
      return { status: 'failed', error: errorText(e), messageId: null };
    }
  }

  /** Hands one recorded mail to the provider; a refusal is retried with backoff until attempts run out. */
  private async deliver(row: ClaimedRow, mail: PreparedMail): Promise<Outcome> {
    try {
      // (throwOnFailure: a refusal throws, so an answer is always a sent mail.)
      const sent = (await this.mail.deliver(mail))!;
      // ← the crash window: the mail is out, the row says `sending` until its group is recorded.
      return { status: 'sent', sent };
    } catch (e) {
      const error = errorText(e);
      if (!(e instanceof MailSendError)) return { status: 'failed', error, messageId: mail.id };
      if (row.attempts >= this.config.reminderMaxAttempts)
        return { status: 'failed', error, messageId: e.messageId };
      const dueAt = new Date(this.clock.now().getTime() + backoffMs(row.attempts));
      return { status: 'retried', error, messageId: e.messageId, dueAt };
    }
  }

  /**
   * Records a group of outcomes: the sent messages first (MailService), then the reminders, in one
   * statement each; then tells the kinds' listeners how their reminders ended.
   */
  private async finish(rows: ClaimedRow[], done: Finished[], result: TickResult): Promise<void> {
    await this.mail.markSent(done.flatMap((d) => (d.outcome.status === 'sent' ? [d.outcome.sent] : [])));
    const changed = await this.hot.run(FINISH, {
      ...finishColumns(done),
      instanceId: this.instanceId,
      now: this.clock.now(),
    });
    for (const d of done) result[d.outcome.status]++;
    // Told only by the instance whose claim this still was.
    const byId = new Map(rows.map((r) => [r.id, r]));
    const outcomes = new Map(done.map((d) => [d.id, d.outcome]));
    await Promise.all(
      changed.map((c) => {
        const status = outcomes.get(c.id)!.status;
        if (status === 'sent' || status === 'failed' || status === 'skipped' || status === 'expired')
          return this.reminders.ended(byId.get(c.id)!, { status, messageId: c.messageId });
        return undefined;
      }),
    );
  }
}

/** `work` on every item, SEND_CONCURRENCY at a time; the answers in the items' order. */
async function inLanes<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, items.length) }, lane));
  return out;
}
