import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';

export interface AuditEntry {
  actorUserId?: string | null;
  /** `auth.login`, `auth.login_failed`, `export.csv`, `supporter.erased`, … */
  action: string;
  subjectType?: string;
  subjectId?: string;
  campaignId?: string | null;
  /** The organization the entry concerns, when it concerns one. */
  organizationId?: string | null;
  ip?: string | null;
  /** Never a supporter's email or name: ids and counts only. */
  details?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  at: Date;
  actorUserId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  campaignId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  actorUserId?: string;
  campaignId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Who exported or erased what, when; every login and failed login. Append-only. */
@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_log (actor_user_id, action, subject_type, subject_id, campaign_id, ip, details, at, organization_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.actorUserId ?? null,
        entry.action,
        entry.subjectType ?? null,
        entry.subjectId ?? null,
        entry.campaignId ?? null,
        entry.ip ?? null,
        JSON.stringify(entry.details ?? {}),
        this.clock.now(),
        entry.organizationId ?? null,
      ],
    );
  }

  /**
   * Failed logins since `since`: for one email from one IP (together, so failures from elsewhere never
   * count against a login from here), and from one IP for any email.
   */
  async countLoginFailures(
    email: string,
    ip: string | null,
    since: Date,
  ): Promise<{ byEmailAndIp: number; byIp: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT
         (SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed' AND subject_id = $1
             AND ip IS NOT DISTINCT FROM $2::inet AND at > $3)::int AS "byEmailAndIp",
         (SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed' AND ip = $2::inet AND at > $3)::int AS "byIp"`,
      [email, ip, since],
    )) as { byEmailAndIp: number; byIp: number }[];
    return row;
  }

  async list(q: AuditQuery): Promise<{ items: AuditRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.action) add(q.action.endsWith('.') ? `action LIKE ? || '%'` : 'action = ?', q.action);
    if (q.actorUserId) add('actor_user_id = ?', q.actorUserId);
    if (q.campaignId) add('campaign_id = ?', q.campaignId);
    if (q.from) add('at >= ?', q.from);
    if (q.to) add('at < ?', q.to);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM audit_log ${whereSql}`,
      params,
    )) as { total: number }[];
    const items = (await this.dataSource.query(
      `SELECT id::text, at, actor_user_id AS "actorUserId", action, subject_type AS "subjectType",
              subject_id AS "subjectId", campaign_id AS "campaignId", host(ip) AS ip, details
         FROM audit_log ${whereSql}
        ORDER BY at DESC, id DESC
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    )) as AuditRow[];
    return { items, total };
  }
}
