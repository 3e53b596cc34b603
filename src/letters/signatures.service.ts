import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignTotalsRegistry } from '../campaigns/campaign-totals.registry.js';
import { Clock } from '../common/clock.js';
import { HotQueries } from '../database/hot-queries.js';
import { BadInputError, ConflictError, GoneError } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { fulfilPledgeSql } from '../supporters/pledges.service.js';
import { SupporterActivityRegistry } from '../supporters/supporter-activity.registry.js';
import { UPSERT_SUPPORTER_CTES, upsertParams } from '../supporters/supporters.service.js';
import type { SignLetterDto } from './dto/sign-letter.dto.js';
import type { LetterActionStatus } from './letter-action.entity.js';
import { LetterActionsService } from './letter-actions.service.js';
import { incrementCounterSql, SIGNING_LOCK_SHARED, signatureCount } from './signature-counter.js';

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

/** The public sign, in one statement ($1–$13 are the supporter upsert's; then action, note, public, locale). */
const SIGN_SQL = `
  WITH lock AS (${SIGNING_LOCK_SHARED.replace('$1::text', '$14::uuid::text')}),
  ${UPSERT_SUPPORTER_CTES},
  g AS (
    INSERT INTO signatures (action_id, supporter_id, personal_note, show_publicly, locale, source, created_at)
    SELECT $14::uuid, s.id, NULLIF($15, ''), $16, $17, 'web', $11 FROM s, lock
    ON CONFLICT ON CONSTRAINT signatures_action_id_supporter_id_key DO NOTHING
    RETURNING id
  ),
  shard AS (${incrementCounterSql('$14::uuid', 'g')}),
  pledge AS (${fulfilPledgeSql({
    campaign: '$13',
    supporter: '(SELECT id FROM s)',
    kind: "'sign'",
    at: '$11',
    by: "'signature:' || (SELECT id FROM g)",
    when: 'EXISTS (SELECT 1 FROM g)',
  })})
  SELECT (SELECT count(*) FROM g)::int AS created,
         ((SELECT coalesce(sum(count), 0) FROM letter_action_counters WHERE action_id = $14::uuid)
           + (SELECT count(*) FROM g))::int AS "signatureCount"`;

@Injectable()
export class SignaturesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hot: HotQueries,
    private readonly actions: LetterActionsService,
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
    const action = await this.actions.findForSigning(slug, actionSlug);
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
    // One statement, so one round trip and its own short transaction: take the shared signing lock, upsert
    // the supporter (the one upsert path, as CTEs), insert the signature, bump a counter shard and fulfil
    // the `sign` pledge only when the signature is new, and answer the count. The count read sees the
    // statement's snapshot, so the new signature is added to it explicitly.
    const [row] = await this.hot.query<{ created: number; signatureCount: number }>(
      'letters.sign',
      SIGN_SQL,
      [
        ...upsertParams(dto, action.campaignId, `signature:${action.id}`, this.clock.now()),
        action.id,
        dto.personalNote ?? null,
        dto.showPublicly ?? false,
        dto.locale ?? action.defaultLocale,
      ],
    );
    return { status: row.created ? 'created' : 'existing', signatureCount: row.signatureCount };
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
