import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignTotalsRegistry } from '../campaigns/campaign-totals.registry.js';
import { Clock } from '../common/clock.js';
import { BadInputError, ConflictError, GoneError } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { PledgesService } from '../supporters/pledges.service.js';
import { SupporterActivityRegistry } from '../supporters/supporter-activity.registry.js';
import { SupportersService } from '../supporters/supporters.service.js';
import type { SignLetterDto } from './dto/sign-letter.dto.js';
import type { LetterActionStatus } from './letter-action.entity.js';
import { LetterActionsService } from './letter-actions.service.js';
import { incrementSignatureCounter, SIGNING_LOCK_SHARED, signatureCount } from './signature-counter.js';

export class SignatureClosedError extends ConflictError {
  constructor(status: LetterActionStatus) {
    super(`This letter is ${status} and does not take signatures`, 'letter_not_open');
  }
}

export class SignatureDeadlinePassedError extends GoneError {
  constructor() {
    super('The deadline to sign this letter has passed', 'letter_deadline_passed');
  }
}

export interface SignResult {
  status: 'created' | 'existing';
  signatureCount: number;
}

export interface StaffSignatureView {
  id: string;
  seq: string;
  supporterId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  personalNote: string | null;
  showPublicly: boolean;
  locale: string;
  createdAt: Date;
}

@Injectable()
export class SignaturesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly actions: LetterActionsService,
    private readonly supporters: SupportersService,
    private readonly pledges: PledgesService,
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly totals: CampaignTotalsRegistry,
    private readonly activity: SupporterActivityRegistry,
  ) {}

  onModuleInit(): void {
    this.totals.register({ key: 'signatures', compute: (id) => this.totalsFor(id) });
    this.activity.register({ key: 'signatures', activity: (c, s) => this.forSupporter(c, s) });
  }

  /**
   * The public signature: one per (letter, supporter) — the constraint decides, so concurrent repeats
   * still make one row. In one transaction: the supporter upsert, the signature, the counter shard and
   * the `sign` pledge's fulfilment.
   */
  async sign(slug: string, actionSlug: string, dto: SignLetterDto): Promise<SignResult> {
    const { campaign, action } = await this.actions.findForSigning(slug, actionSlug);
    if (action.status !== 'open') throw new SignatureClosedError(action.status);
    if (action.deadline && this.clock.now().getTime() >= action.deadline.getTime()) {
      throw new SignatureDeadlinePassedError();
    }
    if (dto.personalNote && !action.allowPersonalNote) {
      throw BadInputError.field(
        'personalNote',
        'personal_note_not_allowed',
        'This letter takes no personal note',
      );
    }
    return this.tx.run(async (m) => {
      await m.query(SIGNING_LOCK_SHARED, [action.id]);
      const { supporterId } = await this.supporters.upsert(m, dto, campaign.id, `signature:${action.id}`);
      const inserted = (await m.query(
        `INSERT INTO signatures (action_id, supporter_id, personal_note, show_publicly, locale, source, created_at)
         VALUES ($1, $2, NULLIF($3, ''), $4, $5, 'web', $6)
         ON CONFLICT ON CONSTRAINT signatures_action_id_supporter_id_key DO NOTHING
         RETURNING id`,
        [
          action.id,
          supporterId,
          dto.personalNote ?? null,
          dto.showPublicly ?? false,
          dto.locale ?? campaign.defaultLocale,
          this.clock.now(),
        ],
      )) as { id: string }[];
      if (inserted.length) {
        await incrementSignatureCounter(m, action.id);
        await this.pledges.fulfil(m, campaign.id, supporterId, 'sign', `signature:${inserted[0].id}`);
      }
      return {
        status: inserted.length ? 'created' : 'existing',
        signatureCount: await signatureCount(m, action.id),
      };
    });
  }

  /** Staff list of a letter's signatures, oldest first (the order they are delivered in). */
  async list(
    actor: AuthUser,
    actionId: string,
    q: { limit: number; offset: number },
  ): Promise<Page<StaffSignatureView>> {
    await this.actions.loadWithAccess(actor, actionId, 'coordinate');
    const items = (await this.dataSource.query(
      `SELECT g.id, g.seq::text AS seq, g.supporter_id AS "supporterId", s.email, s.first_name AS "firstName",
              s.last_name AS "lastName", s.city, s.region, s.country, g.personal_note AS "personalNote",
              g.show_publicly AS "showPublicly", g.locale, g.created_at AS "createdAt"
         FROM signatures g JOIN supporters s ON s.id = g.supporter_id
        WHERE g.action_id = $1 ORDER BY g.seq LIMIT $2 OFFSET $3`,
      [actionId, q.limit, q.offset],
    )) as StaffSignatureView[];
    return { items, total: await signatureCount(this.dataSource.manager, actionId) };
  }

  /** Campaign totals: counts only, for open and closed letters. */
  async totalsFor(campaignId: string) {
    const rows = (await this.dataSource.query(
      `SELECT a.slug, coalesce(sum(c.count), 0)::int AS count, a.signature_goal AS goal
         FROM letter_actions a LEFT JOIN letter_action_counters c ON c.action_id = a.id
        WHERE a.campaign_id = $1 AND a.status IN ('open', 'closed')
        GROUP BY a.id ORDER BY a.created_at, a.id`,
      [campaignId],
    )) as { slug: string; count: number; goal: number | null }[];
    return { total: rows.reduce((n, r) => n + r.count, 0), byAction: rows };
  }

  private async forSupporter(campaignId: string, supporterId: string): Promise<unknown[]> {
    return (await this.dataSource.query(
      `SELECT g.id, a.id AS "actionId", a.slug AS "actionSlug", a.title AS "actionTitle",
              g.personal_note AS "personalNote", g.show_publicly AS "showPublicly", g.created_at AS "signedAt"
         FROM signatures g JOIN letter_actions a ON a.id = g.action_id
        WHERE a.campaign_id = $1 AND g.supporter_id = $2 ORDER BY g.seq`,
      [campaignId, supporterId],
    )) as unknown[];
  }
}
