import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { ForbiddenError } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import type { ListReminderMessagesQueryDto, ListRemindersQueryDto } from './reminders.dto.js';
import { RemindersService, type ReminderView } from './reminders.service.js';

export interface ReminderMessageView {
  id: string;
  reminderId: string;
  kind: string;
  subjectType: string;
  subjectId: string;
  supporterId: string | null;
  recipientEmail: string;
  template: string;
  locale: string;
  subject: string;
  status: string;
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** What staff see and do with reminders (the API and the console both call this), with access checks. */
@Injectable()
export class ReminderStaffService {
  constructor(
    private readonly reminders: RemindersService,
    private readonly access: CampaignAccessService,
    private readonly dataSource: DataSource,
  ) {}

  /** The reminders of a campaign (filter by event or other subject, and status), by due time. Members. */
  async list(actor: AuthUser, campaignId: string, q: ListRemindersQueryDto): Promise<Page<ReminderView>> {
    await this.access.assert(actor, campaignId, 'supporters');
    return this.reminders.list({ ...q, campaignId });
  }

  /** The messages sent for a campaign's reminders (every attempt, failed ones too), newest first. Members. */
  async messages(
    actor: AuthUser,
    campaignId: string,
    q: ListReminderMessagesQueryDto,
  ): Promise<Page<ReminderMessageView>> {
    await this.access.assert(actor, campaignId, 'supporters');
    // A reminder keeps the id of its latest message; earlier attempts are found by related subject.
    const from = `FROM messages m JOIN reminders r
      ON r.campaign_id = $1 AND (r.message_id = m.id OR (m.related_type = r.subject_type AND m.related_id = r.subject_id
          AND m.template = r.template AND m.supporter_id IS NOT DISTINCT FROM r.supporter_id))
      WHERE ($2::text IS NULL OR r.subject_type = $2) AND ($3::uuid IS NULL OR r.subject_id = $3)`;
    const filter = [campaignId, q.subjectType ?? null, q.subjectId ?? null];
    const [items, count] = await Promise.all([
      this.dataSource.query(
        `SELECT DISTINCT ON (m.created_at, m.id) m.id, r.id AS "reminderId", r.kind, r.subject_type AS "subjectType",
                r.subject_id AS "subjectId", m.supporter_id AS "supporterId", m.recipient_email AS "recipientEmail",
                m.template, m.locale, m.subject, m.status, m.error, m.created_at AS "createdAt", m.sent_at AS "sentAt"
           ${from} ORDER BY m.created_at DESC, m.id DESC LIMIT $4 OFFSET $5`,
        [...filter, q.limit, q.offset],
      ) as Promise<ReminderMessageView[]>,
      this.dataSource.query(`SELECT count(DISTINCT m.id)::int AS n ${from}`, filter) as Promise<
        { n: number }[]
      >,
    ]);
    return { items, total: count[0].n };
  }

  /** A failed reminder back in the queue, due now, attempts reset. Coordinators and organizers. */
  async resend(actor: AuthUser, id: string): Promise<ReminderView> {
    const r = await this.reminders.find(id);
    if (r.campaignId) await this.access.assert(actor, r.campaignId, 'coordinate');
    else if (actor.role !== 'admin')
      throw new ForbiddenError('Only admins can resend mail outside a campaign');
    return this.reminders.resend(id);
  }
}
