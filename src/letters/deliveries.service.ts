import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { query } from '../database/sql.js';
import { DataSource, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { Clock } from '../common/clock.js';
import { BadInputError, ConflictError } from '../common/errors.js';
import { localize, type LocalizedText } from '../common/localized-text.js';
import type { Page } from '../common/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { Delivery, type DeliveryMethod } from './delivery.entity.js';
import type { CreateDeliveryDto } from './dto/delivery.dto.js';
import { LetterActionsService } from './letter-actions.service.js';
import { targetIn } from './target.entity.js';
import { renderForTarget } from './merge-fields.js';
import { PacketsService } from './packets.service.js';
import { SIGNING_LOCK_EXCLUSIVE } from './letters.sql.js';

/** The target's email is not the one the coordinator expected: nothing is sent. */
export class TargetEmailChangedError extends ConflictError {
  constructor() {
    super(
      'This target’s email address is not the one you expected; check it, then send again',
      'target_email_changed',
      [
        {
          field: 'expectedEmail',
          code: 'target_email_changed',
          message: 'does not match the target’s email',
        },
      ],
    );
  }
}

/**
 * The delivery log is the proof: who delivered which signatures of a letter to which target, how, when.
 * A delivery covers the signatures with seq in (fromSeq, upToSeq]: all of them, or with `onlyNew` only
 * those after the highest seq an earlier (not failed) delivery to that target covered. An email
 * delivery queues the letter in the same transaction (mail status `queued`) and sends it right after
 * the commit, with those signatures as a CSV attachment built at send time; a failed send is retried
 * by the worker, and the delivery's mail status follows the outcome (`sent` or `failed`).
 */
@Injectable()
export class DeliveriesService implements OnModuleInit {
  constructor(
    @InjectRepository(Delivery) private readonly deliveries: Repository<Delivery>,
    private readonly dataSource: DataSource,
    private readonly actions: LetterActionsService,
    private readonly packets: PacketsService,
    private readonly reminders: RemindersService,
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.reminders.onSend('letter-delivery', async (r) => {
      const [d] = await query<{
        actionId: string;
        fromSeq: string | null;
        upToSeq: string | null;
        slug: string;
      }>(
        this.dataSource,
        `SELECT d.action_id AS "actionId", d.from_seq::text AS "fromSeq", d.up_to_seq::text AS "upToSeq", a.slug
           FROM deliveries d JOIN letter_actions a ON a.id = d.action_id WHERE d.id = $1`,
        [r.subjectId],
      );
      if (!d) return { skip: 'the delivery no longer exists' };
      const csv = await this.packets.csvBuffer(d);
      return {
        data: {},
        attachments: [
          { filename: `signatures-${d.slug}.csv`, content: csv, contentType: 'text/csv; charset=utf-8' },
        ],
      };
    });
    this.reminders.onOutcome('letter-delivery', async (r, outcome) => {
      await this.dataSource.query(
        `UPDATE deliveries SET mail_status = $2, message_id = coalesce($3, message_id) WHERE id = $1`,
        [r.subjectId, outcome.status === 'sent' ? 'sent' : 'failed', outcome.messageId],
      );
    });
  }

  async create(actor: AuthUser, actionId: string, dto: CreateDeliveryDto): Promise<Delivery> {
    const { action, campaign } = await this.actions.loadWithAccess(actor, actionId, 'coordinate', true);
    const target = (await this.actions.targetsOf(actionId)).find((t) => t.id === dto.targetId);
    if (!target) {
      throw BadInputError.field('targetId', 'not_a_target', 'This target is not one of the letter’s targets');
    }
    if (dto.method === 'email' && !target.email) {
      throw BadInputError.field(
        'targetId',
        'target_has_no_email',
        'This target has no email address; add one first',
      );
    }

    // How the letter is signed: the organization's sender name and reply-to (the mail's From name and
    // Reply-To come from the same organization when it is sent, see reminder-claim.ts).
    const sender = dto.method === 'email' ? await this.organizations.senderForCampaign(campaign.id) : null;

    const { delivery, queued } = await this.tx.run(async (m) => {
      // One delivery at a time per (letter, target), so two deltas never cover the same signatures.
      await m.query(
        `SELECT 1 FROM letter_action_targets WHERE action_id = $1 AND target_id = $2 FOR UPDATE`,
        [actionId, target.id],
      );
      if (dto.method === 'email') {
        // The address as it is now, held until the commit: a target edited meanwhile never receives
        // a list the coordinator meant for the address they saw.
        const [now] = await query<{ email: string | null }>(
          m,
          `SELECT email::text FROM targets WHERE id = $1 FOR SHARE`,
          [target.id],
        );
        if (!now?.email || now.email.toLowerCase() !== dto.expectedEmail) {
          throw new TargetEmailChangedError();
        }
        target.email = now.email;
      }
      // Wait for signatures in flight, so none commits later below upToSeq (see signature-counter.ts).
      await m.query(SIGNING_LOCK_EXCLUSIVE, [actionId]);
      let fromSeq: string | null = null;
      if (dto.onlyNew) {
        const [prev] = await query<{ seq: string | null }>(
          m,
          `SELECT max(up_to_seq)::text AS seq FROM deliveries
            WHERE action_id = $1 AND target_id = $2 AND mail_status IS DISTINCT FROM 'failed'`,
          [actionId, target.id],
        );
        fromSeq = prev.seq;
      }
      const [covered] = await query<{ n: number; upTo: string | null }>(
        m,
        `SELECT count(*)::int AS n, max(seq)::text AS "upTo" FROM signatures
          WHERE action_id = $1 AND ($2::bigint IS NULL OR seq > $2::bigint)`,
        [actionId, fromSeq],
      );
      if (covered.n === 0) {
        throw new ConflictError(
          dto.onlyNew
            ? 'No new signatures since the previous delivery to this target'
            : 'This letter has no signatures yet',
          'no_signatures_to_deliver',
        );
      }
      const saved = await m.save(
        m.create(Delivery, {
          actionId,
          targetId: target.id,
          method: dto.method,
          onlyNew: dto.onlyNew ?? false,
          signatureCount: covered.n,
          fromSeq,
          upToSeq: covered.upTo,
          note: dto.note || null,
          sentTo: dto.method === 'email' ? target.email : null,
          messageId: null,
          mailStatus: dto.method === 'email' ? 'queued' : null,
          deliveredBy: actor.id,
          deliveredAt: this.clock.now(),
        }),
      );
      if (dto.method !== 'email') return { delivery: saved, queued: [] };
      // Queued with the delivery: the mail never holds the locks above, and is never lost if we crash.
      const l = target.locale;
      const { id } = await this.reminders.schedule(m, {
        kind: 'letter-delivery',
        template: 'letter-delivery',
        subjectType: 'letter_delivery',
        subjectId: saved.id,
        campaignId: campaign.id,
        recipientEmail: target.email,
        locale: l,
        data: {
          letterSubject: renderForTarget(localize(action.subject, l), targetIn(target, l), l),
          letterBody: renderForTarget(localize(action.body, l), targetIn(target, l), l),
          signatureCount: saved.signatureCount,
          campaignTitle: localize(campaign.title, l),
          ...(sender ? { organizationName: sender.senderName ?? sender.name } : {}),
          ...(sender?.replyTo ? { replyTo: sender.replyTo } : {}),
        },
        dueAt: this.clock.now(),
        sendNowIfPast: true,
        transactional: true,
        dedupeKey: `delivery:${saved.id}`,
      });
      return { delivery: saved, queued: [id] };
    });

    if (queued.length) {
      await this.reminders.sendNow(queued);
      // The outcome listener recorded `sent` or `failed` (or it is still `queued`, for the worker).
      const [now] = await query<Pick<Delivery, 'mailStatus' | 'messageId'>>(
        this.dataSource,
        `SELECT mail_status AS "mailStatus", message_id AS "messageId" FROM deliveries WHERE id = $1`,
        [delivery.id],
      );
      Object.assign(delivery, now);
    }

    await this.audit.record({
      actorUserId: actor.id,
      action: 'letters.delivered',
      subjectType: 'letter_action',
      subjectId: actionId,
      campaignId: campaign.id,
      details: {
        deliveryId: delivery.id,
        targetId: target.id,
        method: dto.method,
        signatureCount: delivery.signatureCount,
      },
    });
    return delivery;
  }

  async list(
    actor: AuthUser,
    actionId: string,
    q: { targetId?: string; limit: number; offset: number },
  ): Promise<Page<Delivery>> {
    await this.actions.loadWithAccess(actor, actionId, 'coordinate');
    const [items, total] = await this.deliveries.findAndCount({
      where: { actionId, ...(q.targetId ? { targetId: q.targetId } : {}) },
      order: { deliveredAt: 'DESC', id: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    return { items, total };
  }

  /**
   * The delivery log as the console shows it: each delivery with the name of the staff member who
   * made it and the target's name (newest first). Coordinators and up, like {@link list}.
   */
  async log(actor: AuthUser, actionId: string, limit = 200): Promise<DeliveryLogEntry[]> {
    await this.actions.loadWithAccess(actor, actionId, 'coordinate');
    return (await this.deliveries.query(
      `SELECT d.id, d.target_id AS "targetId", t.name AS "targetName", d.method, d.only_new AS "onlyNew",
              d.signature_count AS "signatureCount", d.note, d.sent_to AS "sentTo", d.mail_status AS "mailStatus",
              d.delivered_at AS "deliveredAt", u.name AS "deliveredByName"
         FROM deliveries d JOIN targets t ON t.id = d.target_id LEFT JOIN users u ON u.id = d.delivered_by
        WHERE d.action_id = $1 ORDER BY d.delivered_at DESC, d.id LIMIT $2`,
      [actionId, limit],
    )) as DeliveryLogEntry[];
  }
}

export interface DeliveryLogEntry {
  id: string;
  targetId: string;
  targetName: LocalizedText;
  method: DeliveryMethod;
  onlyNew: boolean;
  signatureCount: number;
  note: string | null;
  sentTo: string | null;
  mailStatus: 'queued' | 'sent' | 'failed' | null;
  deliveredAt: Date;
  deliveredByName: string | null;
}
