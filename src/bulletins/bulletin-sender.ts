import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { isDatabaseUnavailable } from '../common/database-unavailable.js';
import type { Locale } from '../common/localized-text.js';
import { AppConfig } from '../config/config.js';
import { HotQueries } from '../database/hot-queries.js';
import { errorText, MailSendError, MailService, type PreparedMail } from '../mail/mail.service.js';
import { Finisher, type Finished, type Outcome } from '../reminders/reminder-outcomes.js';
import { backoffMs } from '../reminders/reminder-timing.js';
import { PeriodicJobs } from '../scheduling/periodic-jobs.js';
import { PrivacyService } from '../supporters/privacy.service.js';
import { bulletinArchiveUrl } from './bulletin-links.js';
import { compileBulletin, pickBulletinLocale, type BulletinTemplate } from './bulletin-render.js';
import { BulletinsService } from './bulletins.service.js';
import {
  BATCH_SIZE,
  CLAIM_SQL,
  CLAIMED_SQL,
  EXPAND_CLAIM_SQL,
  FINISH_SQL,
  THROTTLE_SQL,
  type ClaimedDelivery,
} from './bulletin-claim.js';
import { claimAllowance, type RecentClaims, type ThrottleSettings } from './bulletin-throttle.js';

/**
 * Most deliveries one claim takes (the throttle may allow fewer): one batch of the snapshot, so a
 * claim usually turns a whole batch into claimed rows and leaves none `pending` to be claimed again.
 */
const CLAIM_LIMIT = BATCH_SIZE;
/** Mails of one claim handed to the transport at the same time. */
const SEND_CONCURRENCY = 8;
/** Claims worked at the same time by one instance's drain. */
const DRAIN_LANES = 2;

/** A bulletin mail as its `messages` row records it (BulletinSender.finish). */
interface LoggedMail {
  id: string;
  to: string;
  supporterId: string | undefined;
  locale: string;
  subject: string;
  bulletinId: string | undefined;
}

function loggedMail(m: PreparedMail): LoggedMail {
  return {
    id: m.id,
    to: m.to,
    supporterId: m.input.supporterId,
    locale: m.input.locale,
    subject: m.rendered.subject,
    bulletinId: m.input.related?.id,
  };
}

export interface SendTickResult {
  started: number;
  claimed: number;
  sent: number;
  failed: number;
  bounced: number;
  skipped: number;
  retried: number;
}

/**
 * Sends bulletins: starts scheduled ones at their time (BulletinsService.start, once across instances)
 * and works through their delivery rows, on every instance, with the reminders' queue discipline.
 *
 * Exactly once per recipient, except one window: a delivery row is claimed (`sending`, a lease of
 * REMINDER_LEASE_SECONDS renewed every third of it while the claim is worked, `locked_by` this
 * instance) with `FOR UPDATE SKIP LOCKED`, so no two instances hold it; it is marked `sent` with
 * its group of outcomes (at most 25, or 250 ms after the first). An instance that dies after the SMTP
 * server accepted a mail and before its group was recorded leaves the row `sending`; one lease later
 * another instance sends it again — the only way a recipient gets a bulletin twice. Nothing is lost:
 * a claim that never finishes is always taken again. Outcomes are written only while this instance
 * still holds the row (`locked_by`), so a stalled instance cannot overwrite a later one's.
 *
 * Throttle, across instances: each claim runs under one advisory lock and takes at most what
 * BULLETIN_RATE_PER_SECOND and BULLETIN_MAX_PER_HOUR still allow, counting the rows claimed in the
 * last second and the last hour (the claims log, `bulletin_claims`) — so two instances together never
 * exceed the rate.
 * Pausing a bulletin stops its rows from being claimed at the next claim; mails already claimed go.
 */
@Injectable()
export class BulletinSender implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Bulletins');
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopped = false;
  /** Rendered bulletins by `id:locale` (a bulletin does not change once it started sending). */
  private readonly templates = new Map<string, BulletinTemplate & { webUrl: string }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly hot: HotQueries,
    private readonly mail: MailService,
    private readonly privacy: PrivacyService,
    private readonly bulletins: BulletinsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly jobs: PeriodicJobs,
  ) {}

  onModuleInit(): void {
    // A periodic job (jobs.ts): every BULLETIN_TICK_SECONDS, off with REMINDERS_ENABLED=false like the
    // reminder queue; PeriodicJobs keeps runs from overlapping and awaits the one in flight at shutdown.
    this.jobs.handle('bulletins.send', () => this.drain());
  }

  beforeApplicationShutdown(): void {
    // A drain in progress stops after its current claim (PeriodicJobs awaits it).
    this.stopped = true;
  }

  /**
   * Ticks while claims find work (a backlog the throttle still allows), in DRAIN_LANES lanes:
   * while one claim's mails go out, another lane claims and prepares the next, so the transport does
   * not wait on the database between claims. Claims stay serialized by the throttle's lock.
   */
  private async drain(): Promise<void> {
    const lane = async () => {
      let last = await this.tick();
      while (!this.stopped && last.claimed > 0) last = await this.tick();
    };
    await Promise.all(Array.from({ length: DRAIN_LANES }, lane));
  }

  /** One tick: starts due scheduled bulletins, claims what the throttle allows, sends it. Public for tests. */
  async tick(): Promise<SendTickResult> {
    const now = this.clock.now();
    const result: SendTickResult = {
      started: 0,
      claimed: 0,
      sent: 0,
      failed: 0,
      bounced: 0,
      skipped: 0,
      retried: 0,
    };
    const due = (await this.dataSource.query(
      `SELECT id FROM bulletins WHERE status = 'scheduled' AND scheduled_at <= $1 ORDER BY scheduled_at`,
      [now],
    )) as { id: string }[];
    for (const b of due) if ((await this.bulletins.start(b.id, now)) !== null) result.started++;

    const rows = await this.claim(now);
    result.claimed = rows.length;
    if (rows.length) await this.send(rows, result);
    await this.finishBulletins(now);
    return result;
  }

  /**
   * The throttle's allowance and the claim, in one transaction under the throttle's advisory lock:
   * first rows that are due again (retries, claims whose instance died), then, for what the allowance
   * still leaves, recipients straight from the snapshot's due batches (EXPAND_CLAIM_SQL).
   */
  private async claim(now: Date): Promise<ClaimedDelivery[]> {
    return this.dataSource.transaction(async (m) => {
      const [t] = (await m.query(THROTTLE_SQL, [now, this.config.bulletinMaxPerHour > 0])) as RecentClaims[];
      const limit = claimAllowance(this.throttle(), t, CLAIM_LIMIT);
      if (limit === 0) return [];
      // The lease runs from now that the throttle's lock is held, not from the tick's start: a claim that
      // waited its turn behind the other instances' claims still holds its rows a whole lease.
      const lease = new Date(this.clock.now().getTime() + this.config.reminderLeaseSeconds * 1000);
      let rows = (await m.query(CLAIM_SQL, [now, lease, this.instanceId, limit])) as ClaimedDelivery[];
      const short = limit - rows.length;
      if (short > 0) {
        const fresh = (await m.query(EXPAND_CLAIM_SQL, [
          now,
          lease,
          this.instanceId,
          short,
          Math.ceil(short / BATCH_SIZE),
        ])) as ClaimedDelivery[];
        if (fresh.length) rows = rows.concat(fresh);
      }
      if (rows.length) await m.query(CLAIMED_SQL, [now, rows.length]);
      return rows;
    });
  }

  private throttle(): ThrottleSettings {
    return { ratePerSecond: this.config.bulletinRatePerSecond, maxPerHour: this.config.bulletinMaxPerHour };
  }

  /**
   * Sends a claim's mails, SEND_CONCURRENCY at a time, each prepared just before it goes (so a claim
   * never holds more than that many rendered mails), and records the outcomes in groups (Finisher).
   */
  private async send(rows: ClaimedDelivery[], result: SendTickResult): Promise<void> {
    const key = (r: { bulletinId: string; supporterId: string }) => `${r.bulletinId}:${r.supporterId}`;
    const bounced = new Set<string>();
    // What the mail log needs of each mail handed over, kept until its outcome is recorded: not the
    // rendered mail, whose text becomes garbage as soon as it went (young, never promoted).
    const mails = new Map<string, LoggedMail>();
    const finisher = new Finisher(
      (done) => this.finish(done, mails, bounced, result),
      (e, group) => this.logger.error(`${group.length} outcomes not recorded: ${(e as Error).name}`),
    );
    const heartbeat = this.renewWhileWorking(rows);
    try {
      let next = 0;
      const lane = async () => {
        while (next < rows.length) {
          const row = rows[next++];
          if (!row.eligible || !row.email) {
            finisher.add(key(row), {
              status: 'skipped',
              error: 'no longer eligible (unsubscribed, bounced or erased)',
            });
            continue;
          }
          let mail: PreparedMail;
          try {
            mail = await this.prepare(row);
          } catch (e) {
            // The database went away between the claim and reading the bulletin: nothing is decided for
            // this row (it is no failed mail); its lease runs out and it is claimed again.
            if (isDatabaseUnavailable(e)) continue;
            finisher.add(key(row), { status: 'failed', error: errorText(e), messageId: null });
            continue;
          }
          const outcome = await this.deliver(row, mail);
          mails.set(key(row), loggedMail(mail));
          if ('bounced' in outcome) bounced.add(key(row));
          finisher.add(key(row), outcome);
        }
      };
      await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, rows.length) }, lane));
    } finally {
      await finisher.close();
      await heartbeat.stop();
    }
  }

  private async prepare(row: ClaimedDelivery): Promise<PreparedMail> {
    const t = await this.template(row.bulletinId, row.locale);
    return this.mail.prepare({
      to: row.email!,
      template: 'bulletin',
      locale: t.locale,
      data: {
        subject: t.subject(row.firstName),
        html: t.html(row.firstName),
        text: t.text(row.firstName),
        webUrl: t.webUrl,
      },
      supporterId: row.supporterId,
      related: { type: 'bulletin', id: row.bulletinId },
      unsubscribeUrl: this.privacy.unsubscribeUrl(row.supporterId),
      sender: { name: row.senderName, replyTo: row.replyTo },
      throwOnFailure: true,
    });
  }

  private async template(bulletinId: string, wanted: Locale): Promise<BulletinTemplate & { webUrl: string }> {
    const cached = this.templates.get(`${bulletinId}:${wanted}`);
    if (cached) return cached;
    const [b] = (await this.dataSource.query(
      `SELECT b.subject, b.body, o.slug FROM bulletins b JOIN organizations o ON o.id = b.organization_id WHERE b.id = $1`,
      [bulletinId],
    )) as { subject: Record<Locale, string>; body: Record<Locale, string>; slug: string }[];
    const locale = pickBulletinLocale(b.body, wanted);
    const t = {
      ...compileBulletin(
        b.subject[locale] ?? b.subject[locale === 'en' ? 'es' : 'en'] ?? '',
        b.body[locale] ?? '',
        locale,
      ),
      webUrl: bulletinArchiveUrl(this.config.publicBaseUrl, b.slug, bulletinId, locale),
    };
    if (this.templates.size > 100) this.templates.clear();
    this.templates.set(`${bulletinId}:${wanted}`, t);
    return t;
  }

  private async deliver(
    row: ClaimedDelivery,
    mail: PreparedMail,
  ): Promise<Outcome | { status: 'failed'; error: string; messageId: string | null; bounced: true }> {
    try {
      // Not logged before it goes (`logged: false`): its delivery row is the record in flight, and
      // finish() writes its `messages` row with the outcome.
      const sent = (await this.mail.deliver(mail, { logged: false }))!;
      // ← the crash window: the mail is out, the row says `sending` until its group is recorded.
      return { status: 'sent', sent };
    } catch (e) {
      const error = errorText(e);
      if (!(e instanceof MailSendError)) return { status: 'failed', error, messageId: mail.id };
      if (e.permanent) return { status: 'failed', error, messageId: e.messageId, bounced: true };
      if (row.attempts >= this.config.reminderMaxAttempts)
        return { status: 'failed', error, messageId: e.messageId };
      const dueAt = new Date(this.clock.now().getTime() + backoffMs(row.attempts));
      return { status: 'retried', error, messageId: e.messageId, dueAt };
    }
  }

  /**
   * Records a group of outcomes in one statement (FINISH_SQL): the delivery rows, the bounced
   * addresses, and the `messages` rows of the mails that were handed to the provider.
   */
  private async finish(
    done: Finished[],
    mails: Map<string, LoggedMail>,
    bounced: Set<string>,
    result: SendTickResult,
  ): Promise<void> {
    const status = (d: Finished) =>
      bounced.has(d.id) ? 'bounced' : d.outcome.status === 'retried' ? 'pending' : d.outcome.status;
    const split = done.map((d) => d.id.split(':'));
    const messageId = (d: Finished) =>
      d.outcome.status === 'sent'
        ? d.outcome.sent.messageId
        : 'messageId' in d.outcome
          ? d.outcome.messageId
          : null;
    const out = done.flatMap((d) => {
      const mail = mails.get(d.id);
      mails.delete(d.id);
      return mail ? [{ d, mail }] : [];
    });
    // Planned on every call (name null): bulletin_deliveries grows from nothing while this runs.
    const changed = await this.hot.query<{ supporterId: string; status: string }>(null, FINISH_SQL, [
      split.map((s) => s[0]),
      split.map((s) => s[1]),
      done.map(status),
      done.map((d) => (d.outcome.status === 'retried' ? d.outcome.dueAt : null)),
      done.map((d) => ('error' in d.outcome ? d.outcome.error : null)),
      done.map(messageId),
      this.instanceId,
      this.clock.now(),
      out.map(({ mail }) => mail.id),
      out.map(({ mail }) => mail.to),
      out.map(({ mail }) => mail.supporterId),
      out.map(({ mail }) => mail.locale),
      out.map(({ mail }) => mail.subject),
      out.map(({ d }) => (d.outcome.status === 'sent' ? 'sent' : 'failed')),
      out.map(({ d }) => (d.outcome.status === 'sent' ? d.outcome.sent.providerMessageId : null)),
      out.map(({ d }) => ('error' in d.outcome ? d.outcome.error : null)),
      out.map(({ mail }) => mail.bulletinId),
      out.map(({ d }) => (d.outcome.status === 'sent' ? d.outcome.sent.sentAt : null)),
    ]);
    for (const c of changed) {
      if (c.status === 'bounced') result.bounced++;
      else if (c.status === 'pending') result.retried++;
      else if (c.status === 'sent' || c.status === 'failed' || c.status === 'skipped') result[c.status]++;
    }
  }

  /** Renews the lease of the rows this instance still holds, every third of it, until stopped. */
  private renewWhileWorking(rows: ClaimedDelivery[]): { stop(): Promise<void> } {
    let beat: Promise<unknown> = Promise.resolve();
    const timer = setInterval(
      () => {
        beat = this.hot
          .query(
            null,
            // SKIP LOCKED: rows whose outcome is being recorded right now (FINISH_SQL holds them) are
            // left alone. Locking the claim's rows in another order than the finish does could deadlock
            // the two, and a finish that PostgreSQL picked to abort left its mails to be sent again.
            `UPDATE bulletin_deliveries d SET locked_until = $4
               FROM (SELECT x.bulletin_id, x.supporter_id
                       FROM bulletin_deliveries x
                       JOIN unnest($1::uuid[], $2::uuid[]) AS r(bulletin_id, supporter_id)
                         ON x.bulletin_id = r.bulletin_id AND x.supporter_id = r.supporter_id
                      WHERE x.status = 'sending' AND x.locked_by = $3
                        FOR UPDATE OF x SKIP LOCKED) r
              WHERE d.bulletin_id = r.bulletin_id AND d.supporter_id = r.supporter_id`,
            [
              rows.map((r) => r.bulletinId),
              rows.map((r) => r.supporterId),
              this.instanceId,
              new Date(this.clock.now().getTime() + this.config.reminderLeaseSeconds * 1000),
            ],
          )
          .catch((e: unknown) => this.logger.warn(`lease not renewed: ${(e as Error).name}`));
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

  /** A sending bulletin with no row left to send, and no batch left to expand, is sent. */
  private async finishBulletins(now: Date): Promise<void> {
    await this.hot.query(
      'bulletins.finished',
      `UPDATE bulletins b SET status = 'sent', finished_at = $1, updated_at = $1
        WHERE b.status = 'sending'
          AND NOT EXISTS (SELECT 1 FROM bulletin_batches x WHERE x.bulletin_id = b.id)
          AND NOT EXISTS (
          SELECT 1 FROM bulletin_deliveries d WHERE d.bulletin_id = b.id AND d.status IN ('pending', 'sending'))`,
      [now],
    );
  }
}
