import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { Clock } from '../common/clock.js';
import { BadInputError, ConflictError, NotFoundError } from '../common/errors.js';
import type { LocalizedText } from '../common/localized-text.js';
import { AppConfig } from '../config/config.js';
import { TransactionService } from '../database/transaction.service.js';
import { audienceConditionSql } from './audience-filter.js';
import { BATCH_SIZE } from './bulletin-claim.js';
import { AudiencesService } from './audiences.service.js';
import { bulletinFieldProblems } from './bulletin-render.js';
import { etaSeconds } from './bulletin-throttle.js';
import type {
  BulletinDto,
  BulletinStatsDto,
  BulletinStatus,
  CreateBulletinDto,
  UpdateBulletinDto,
} from './dto/bulletin.dto.js';

export const BULLETIN_COLUMNS = `b.id, b.organization_id AS "organizationId", b.audience_id AS "audienceId", b.subject, b.body,
  b.status, b.scheduled_at AS "scheduledAt", to_char(b.local_date, 'YYYY-MM-DD') AS "localDate",
  to_char(b.local_time, 'HH24:MI') AS "localTime", b.started_at AS "startedAt", b.finished_at AS "finishedAt",
  b.audience_count AS "audienceCount", b.created_at AS "createdAt"`;

/** The zone ahead of every other (UTC+14): "09:00 in each recipient's zone" starts there. */
const EARLIEST_ZONE = 'Etc/GMT-14';

/**
 * Bulletins: written, tested, sent (now, at a time, or at a local time in each recipient's zone),
 * paused, resumed, cancelled; their stats. Sending starts with {@link start}: one statement writes the
 * snapshot of recipients (one delivery row per bulletin × supporter, the primary key), so the count
 * shown when it starts is the number that will be sent; BulletinSender works through them.
 */
@Injectable()
export class BulletinsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: CampaignAccessService,
    private readonly audiences: AudiencesService,
    private readonly tx: TransactionService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async create(user: AuthUser, organizationId: string, dto: CreateBulletinDto): Promise<BulletinDto> {
    await this.access.assertOrganization(user, organizationId, 'supporters');
    this.checkTexts(dto);
    if (dto.audienceId) await this.assertAudienceOf(dto.audienceId, organizationId);
    const schedule = await this.schedule(organizationId, dto.scheduledAt ?? null, dto.localTime ?? null);
    const [row] = (await this.dataSource.query(
      `INSERT INTO bulletins (organization_id, audience_id, subject, body, scheduled_at, local_date, local_time,
                              created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
      [
        organizationId,
        dto.audienceId ?? null,
        JSON.stringify(dto.subject),
        JSON.stringify(dto.body),
        schedule.scheduledAt,
        schedule.localDate,
        schedule.localTime,
        user.id,
        this.clock.now(),
      ],
    )) as { id: string }[];
    return this.get(user, row.id);
  }

  async list(user: AuthUser, organizationId: string): Promise<BulletinDto[]> {
    await this.access.assertOrganization(user, organizationId, 'supporters');
    return (await this.dataSource.query(
      `SELECT ${BULLETIN_COLUMNS} FROM bulletins b WHERE b.organization_id = $1 ORDER BY b.created_at DESC`,
      [organizationId],
    )) as BulletinDto[];
  }

  /** One bulletin with its stats; 404 for staff of another organization. */
  async get(user: AuthUser, id: string): Promise<BulletinDto> {
    const b = await this.byId(id);
    await this.access.assertOrganization(user, b.organizationId, 'supporters');
    return { ...b, stats: await this.stats(b) };
  }

  /** Only a draft or a scheduled bulletin changes (what went out stays what the archive shows). */
  async update(user: AuthUser, id: string, dto: UpdateBulletinDto): Promise<BulletinDto> {
    const b = await this.get(user, id);
    if (b.status !== 'draft' && b.status !== 'scheduled')
      throw new ConflictError('A bulletin that started sending cannot be changed', 'bulletin_not_editable');
    this.checkTexts(dto);
    if (dto.audienceId) await this.assertAudienceOf(dto.audienceId, b.organizationId);
    const reschedule = dto.scheduledAt !== undefined || dto.localTime !== undefined;
    const schedule = reschedule
      ? await this.schedule(
          b.organizationId,
          dto.scheduledAt !== undefined ? dto.scheduledAt : (b.scheduledAt?.toISOString() ?? null),
          dto.localTime !== undefined ? dto.localTime : b.localTime,
          b.localDate,
        )
      : null;
    await this.dataSource.query(
      `UPDATE bulletins SET subject = $2, body = $3, audience_id = $4,
              scheduled_at = CASE WHEN $5 THEN $6::timestamptz ELSE scheduled_at END,
              local_date = CASE WHEN $5 THEN $7::date ELSE local_date END,
              local_time = CASE WHEN $5 THEN $8::time ELSE local_time END,
              status = CASE WHEN status = 'scheduled' AND $5 AND $6::timestamptz IS NULL THEN 'draft' ELSE status END,
              updated_at = $9
        WHERE id = $1 AND status IN ('draft', 'scheduled')`,
      [
        id,
        JSON.stringify(dto.subject ?? b.subject),
        JSON.stringify(dto.body ?? b.body),
        dto.audienceId ?? b.audienceId,
        reschedule,
        schedule?.scheduledAt ?? null,
        schedule?.localDate ?? null,
        schedule?.localTime ?? null,
        this.clock.now(),
      ],
    );
    return this.get(user, id);
  }

  /**
   * Sends it: at its scheduled time when that is still ahead (status `scheduled`; the sender starts
   * it then), else now — the snapshot is taken in this call, and the answer carries its count.
   */
  async send(user: AuthUser, id: string): Promise<BulletinDto> {
    const b = await this.get(user, id);
    if (b.status !== 'draft')
      throw new ConflictError(`A bulletin that is ${b.status} cannot be sent again`, 'bulletin_not_draft');
    if (!b.audienceId)
      throw BadInputError.field('audienceId', 'isDefined', 'Choose an audience before sending');
    const now = this.clock.now();
    if (b.scheduledAt && b.scheduledAt.getTime() > now.getTime()) {
      await this.dataSource.query(
        `UPDATE bulletins SET status = 'scheduled', updated_at = $2 WHERE id = $1 AND status = 'draft'`,
        [id, now],
      );
    } else {
      await this.start(id, now);
    }
    return this.get(user, id);
  }

  /**
   * Starts sending a draft or scheduled bulletin, exactly once however many instances try: the status
   * moves first (guarded), then ONE statement writes the snapshot of its audience (eligible supporters
   * of the organization, each with the time their mail is due), and its size is recorded. Answers the
   * number of recipients, or null when the bulletin was not waiting to start.
   */
  async start(id: string, now: Date, outer?: EntityManager): Promise<number | null> {
    return this.tx.run(async (m) => {
      const started = (await m.query(
        `UPDATE bulletins SET status = 'sending', started_at = $2, updated_at = $2
          WHERE id = $1 AND status IN ('draft', 'scheduled') AND audience_id IS NOT NULL
          RETURNING organization_id AS "organizationId", audience_id AS "audienceId"`,
        [id, now],
      )) as [{ organizationId: string; audienceId: string }[], number];
      const row = started[0][0];
      if (!row) return null;
      const audience = await this.audiences.byId(row.audienceId);
      const params: unknown[] = [id, row.organizationId, now];
      const condition = audienceConditionSql(audience.filter, params);
      // At a local time: each row is due at that time in her zone (an unknown zone name: the
      // organization's). Otherwise every row is due now, and the zones are not read at all.
      const [{ local }] = (await m.query(
        `SELECT local_time IS NOT NULL AS local FROM bulletins WHERE id = $1`,
        [id],
      )) as { local: boolean }[];
      const due = local
        ? `greatest($3::timestamptz, (b.local_date + b.local_time) AT TIME ZONE coalesce(z.name, o.timezone))`
        : '$3::timestamptz';
      // The recipients go into batches of BATCH_SIZE by due time (one row each, not one per
      // recipient: writing 100,000 delivery rows with their keys took ten times the read); the sender
      // turns due batches into delivery rows as it needs them (BulletinSender, EXPAND_SQL). Numbered
      // without sorting when all are due at once; never by slicing one big array (each slice copied
      // it whole: three times the time on a connection's first run).
      const [{ count }] = (await m.query(
        `WITH ${local ? 'zones AS MATERIALIZED (SELECT name FROM pg_timezone_names),' : ''}
         recipients AS (
           SELECT s.id, ${due} AS due_at
             FROM bulletins b
             JOIN organizations o ON o.id = b.organization_id
             JOIN supporters s ON s.organization_id = b.organization_id
             ${local ? 'LEFT JOIN zones z ON z.name = s.timezone' : ''}
            WHERE b.id = $1 AND s.organization_id = $2 AND ${condition}),
         numbered AS (
           SELECT id, due_at, (row_number() OVER (${local ? 'PARTITION BY due_at' : ''}) - 1) / ${BATCH_SIZE} AS part
             FROM recipients),
         batches AS (
           INSERT INTO bulletin_batches (bulletin_id, batch, due_at, supporter_ids)
           SELECT $1, row_number() OVER (ORDER BY due_at, part), due_at, array_agg(id)
             FROM numbered GROUP BY due_at, part
           RETURNING cardinality(supporter_ids) AS n)
         SELECT coalesce(sum(n), 0)::int AS count FROM batches`,
        params,
      )) as { count: number }[];
      await m.query(`UPDATE bulletins SET audience_count = $2 WHERE id = $1`, [id, count]);
      if (count === 0)
        await m.query(`UPDATE bulletins SET status = 'sent', finished_at = $2 WHERE id = $1`, [id, now]);
      return count;
    }, outer);
  }

  async pause(user: AuthUser, id: string): Promise<BulletinDto> {
    return this.move(user, id, ['sending'], 'paused');
  }

  async resume(user: AuthUser, id: string): Promise<BulletinDto> {
    return this.move(user, id, ['paused'], 'sending');
  }

  /** Stops it for good: nothing more is sent (mails already handed to a lane finish). */
  async cancel(user: AuthUser, id: string): Promise<BulletinDto> {
    const b = await this.get(user, id);
    const now = this.clock.now();
    await this.tx.run(async (m) => {
      const moved = (await m.query(
        `UPDATE bulletins SET status = 'cancelled', finished_at = $2, updated_at = $2
          WHERE id = $1 AND status IN ('draft', 'scheduled', 'sending', 'paused') RETURNING id`,
        [id, now],
      )) as [unknown[], number];
      if (moved[1] === 0)
        throw new ConflictError(
          `A bulletin that is ${b.status} cannot be cancelled`,
          'bulletin_not_cancellable',
        );
      await m.query(
        `UPDATE bulletin_deliveries SET status = 'cancelled', locked_until = NULL
          WHERE bulletin_id = $1 AND (status = 'pending' OR (status = 'sending' AND locked_until < $2))`,
        [id, now],
      );
      // Recipients still in a batch were never going to anyone: they go (the audience count stays).
      await m.query(`DELETE FROM bulletin_batches WHERE bulletin_id = $1`, [id]);
    });
    return this.get(user, id);
  }

  private async move(user: AuthUser, id: string, from: BulletinStatus[], to: BulletinStatus) {
    const b = await this.get(user, id);
    const moved = (await this.dataSource.query(
      `UPDATE bulletins SET status = $3, updated_at = $4 WHERE id = $1 AND status = ANY($2::bulletin_status[])`,
      [id, from, to, this.clock.now()],
    )) as [unknown[], number];
    if (moved[1] === 0)
      throw new ConflictError(
        `A bulletin that is ${b.status} cannot be ${to === 'paused' ? 'paused' : 'resumed'}`,
        'bulletin_wrong_status',
      );
    return this.get(user, id);
  }

  /**
   * Audience, sent, failed, bounced, skipped, remaining, unsubscribed from it, time left. The audience
   * is the snapshot's count (recipients of a cancelled bulletin that were still waiting in a batch are
   * dropped, not counted again); the rest counts the delivery rows, and the recipients still in a
   * batch as remaining (by the batches' sizes, without unnesting them).
   */
  async stats(b: Pick<BulletinDto, 'id' | 'status'>): Promise<BulletinStatsDto> {
    const [row] = (await this.dataSource.query(
      `WITH counted AS (
         SELECT count(*) AS total,
                count(*) FILTER (WHERE d.status = 'sent') AS sent,
                count(*) FILTER (WHERE d.status = 'failed') AS failed,
                count(*) FILTER (WHERE d.status = 'bounced') AS bounced,
                count(*) FILTER (WHERE d.status = 'skipped') AS skipped,
                count(*) FILTER (WHERE d.status IN ('pending', 'sending')) AS open,
                count(*) FILTER (WHERE d.status = 'sent' AND s.unsubscribed_at >= d.sent_at AND NOT EXISTS (
                  SELECT 1 FROM bulletin_deliveries later
                   WHERE later.supporter_id = d.supporter_id AND later.status = 'sent'
                     AND later.sent_at > d.sent_at AND later.sent_at <= s.unsubscribed_at)) AS unsubscribed
           FROM bulletin_deliveries d LEFT JOIN supporters s ON s.id = d.supporter_id AND d.status = 'sent'
          WHERE d.bulletin_id = $1),
       waiting AS (SELECT coalesce(sum(cardinality(supporter_ids)), 0) AS n FROM bulletin_batches WHERE bulletin_id = $1)
       SELECT coalesce((SELECT audience_count FROM bulletins WHERE id = $1), r.total + w.n)::int AS audience,
              r.sent::int, r.failed::int, r.bounced::int, r.skipped::int,
              (r.open + w.n)::int AS remaining, r.unsubscribed::int
         FROM counted r, waiting w`,
      [b.id],
    )) as Omit<BulletinStatsDto, 'etaSeconds'>[];
    return {
      ...row,
      etaSeconds: etaSeconds(row.remaining, b.status, {
        ratePerSecond: this.config.bulletinRatePerSecond,
        maxPerHour: this.config.bulletinMaxPerHour,
      }),
    };
  }

  /** No access check: for callers that checked (or public archive reads, which filter by status). */
  async byId(id: string): Promise<BulletinDto> {
    const [b] = (await this.dataSource.query(`SELECT ${BULLETIN_COLUMNS} FROM bulletins b WHERE b.id = $1`, [
      id,
    ])) as BulletinDto[];
    if (!b) throw new NotFoundError('Bulletin');
    return b;
  }

  private checkTexts(dto: { subject?: LocalizedText; body?: LocalizedText }): void {
    const details = [
      ...bulletinFieldProblems('subject', dto.subject),
      ...bulletinFieldProblems('body', dto.body),
    ];
    if (details.length) throw new BadInputError('Unknown merge field', details);
  }

  private async assertAudienceOf(audienceId: string, organizationId: string): Promise<void> {
    const a = await this.audiences.byId(audienceId).catch(() => null);
    if (!a || a.organizationId !== organizationId)
      throw BadInputError.field('audienceId', 'exists', 'No such audience in this organization');
  }

  /**
   * When sending starts. A time alone: that instant. With `localTime`: the date of `scheduledAt` in the
   * organization's zone (today when not given) at that time in each recipient's zone; the snapshot is
   * taken when the earliest zone reaches it, and each recipient's row is due at their own.
   */
  private async schedule(
    organizationId: string,
    scheduledAt: string | null,
    localTime: string | null,
    keepDate: string | null = null,
  ): Promise<{ scheduledAt: Date | null; localDate: string | null; localTime: string | null }> {
    if (!localTime)
      return { scheduledAt: scheduledAt ? new Date(scheduledAt) : null, localDate: null, localTime: null };
    const [row] = (await this.dataSource.query(
      `SELECT to_char(coalesce($4::date, ($2::timestamptz AT TIME ZONE o.timezone)::date), 'YYYY-MM-DD') AS day,
              (coalesce($4::date, ($2::timestamptz AT TIME ZONE o.timezone)::date) + $3::time) AT TIME ZONE '${EARLIEST_ZONE}' AS at
         FROM organizations o WHERE o.id = $1`,
      [organizationId, scheduledAt ?? this.clock.now(), localTime, scheduledAt ? null : keepDate],
    )) as { day: string; at: Date }[];
    return { scheduledAt: row.at, localDate: row.day, localTime };
  }
}
