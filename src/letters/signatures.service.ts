import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { query } from '../database/sql.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignTotalsRegistry } from '../campaigns/campaign-totals.registry.js';
import { Clock } from '../common/clock.js';
import { HotQueries } from '../database/hot-queries.js';
import { ConflictError, NotFoundError } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { SupporterActivityRegistry } from '../supporters/supporter-activity.registry.js';
import { SupporterUpdatesService } from '../supporters/supporter-updates.service.js';
import { attributionValues, supporterValues } from '../supporters/supporters.sql.js';
import type { PublicSignerView } from './dto/public-signer.dto.js';
import type { SignLetterDto } from './dto/sign-letter.dto.js';
import { LetterActionsService } from './letter-actions.service.js';
import { SIGN } from './letters.sql.js';
import { publicNameStatus } from './public-name.js';
import { assertSignable } from './signable.js';
import { signatureCount } from './signature-counter.js';

/** The letters' part of the campaign totals: signatures of open and closed letters, counts only. */
export interface SignatureTotals {
  total: number;
  byAction: { slug: string; count: number; goal: number | null }[];
}

declare module '../campaigns/campaign-totals.registry.js' {
  interface CampaignTotals {
    signatures: SignatureTotals;
  }
}

/** The public answer: the same for a first signature, a repeat and a known or unknown email. */
export interface SignResult {
  status: 'received';
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
    private readonly hot: HotQueries,
    private readonly actions: LetterActionsService,
    private readonly clock: Clock,
    private readonly totals: CampaignTotalsRegistry,
    private readonly activity: SupporterActivityRegistry,
    private readonly updates: SupporterUpdatesService,
    private readonly reminders: RemindersService,
  ) {}

  onModuleInit(): void {
    this.totals.register({ key: 'signatures', compute: (id) => this.totalsFor(id) });
    this.activity.register({
      key: 'signatures',
      activity: (c, s) => this.forSupporter(c, s),
      attributionSql: `SELECT g.supporter_id, g.source, g.referrer_id, g.created_at
                         FROM signatures g JOIN letter_actions a ON a.id = g.action_id WHERE a.campaign_id = $1`,
    });
  }

  /**
   * The public signature: one per (letter, supporter) — the constraint decides, so concurrent repeats
   * still make one row. In one transaction: the supporter upsert, the signature, the counter shard and
   * the `sign` pledge's fulfilment.
   */
  async sign(slug: string, actionSlug: string, dto: SignLetterDto): Promise<SignResult> {
    // Twice at most: a letter that reopened between the statement and the lookup is signed again.
    for (let attempt = 0; ; attempt++) {
      const [row] = await this.hot.run(SIGN, {
        ...supporterValues(dto, this.clock.now()),
        campaignSlug: slug,
        letterSlug: actionSlug,
        note: dto.personalNote ?? null,
        showPublicly: dto.showPublicly ?? false,
        locale: dto.locale ?? null,
        ...attributionValues(dto),
        publicStatus: publicNameStatus(dto.firstName, dto.city),
      });
      if (row.accepted) {
        if (row.supporterId) this.updates.propose(row.supporterId, row.changes, `signature:${actionSlug}`);
        if (row.thanksId) void this.reminders.sendNow([row.thanksId]);
        return { status: 'received', signatureCount: row.signatureCount };
      }
      // Refused, nothing written: the lookup says why (404, 409, 410, 400).
      assertSignable(await this.actions.findForSigning(slug, actionSlug), dto, this.clock.now());
      if (attempt > 0) throw new ConflictError('This letter changed while signing; try again', 'retry');
    }
  }

  /** Staff list of a letter's signatures, oldest first (the order they are delivered in). */
  async list(
    actor: AuthUser,
    actionId: string,
    q: { limit: number; offset: number },
  ): Promise<Page<StaffSignatureView>> {
    await this.actions.loadWithAccess(actor, actionId, 'coordinate');
    const items = await query<StaffSignatureView>(
      this.dataSource,
      `SELECT g.id, g.seq::text AS seq, g.supporter_id AS "supporterId", s.email, s.first_name AS "firstName",
              s.last_name AS "lastName", s.city, s.region, s.country, g.personal_note AS "personalNote",
              g.show_publicly AS "showPublicly", g.locale, g.created_at AS "createdAt"
         FROM signatures g JOIN supporters s ON s.id = g.supporter_id
        WHERE g.action_id = $1 ORDER BY g.seq LIMIT $2 OFFSET $3`,
      [actionId, q.limit, q.offset],
    );
    return { items, total: await signatureCount(this.dataSource.manager, actionId) };
  }

  /**
   * The signers who asked to be shown on the public page (organizers moderate them): held-back names
   * first, then newest first.
   */
  async publicSigners(
    actor: AuthUser,
    actionId: string,
    q: { limit: number; offset: number },
  ): Promise<Page<PublicSignerView>> {
    await this.actions.loadWithAccess(actor, actionId, 'manage');
    const where = `g.action_id = $1 AND g.show_publicly AND g.public_name IS NOT NULL`;
    const [{ total }] = await query<{ total: number }>(
      this.dataSource,
      `SELECT count(*)::int AS total FROM signatures g WHERE ${where}`,
      [actionId],
    );
    const items = await query<PublicSignerView>(
      this.dataSource,
      `SELECT g.id, g.public_name AS name, g.public_city AS city, g.public_status AS status, g.created_at AS "createdAt"
         FROM signatures g WHERE ${where}
        ORDER BY (g.public_status = 'held') DESC, g.seq DESC LIMIT $2 OFFSET $3`,
      [actionId, q.limit, q.offset],
    );
    return { items, total };
  }

  /** Shows (approves) or hides one public signer; organizers of the letter's campaign. */
  async setPublicStatus(
    actor: AuthUser,
    signatureId: string,
    status: 'shown' | 'hidden',
  ): Promise<PublicSignerView> {
    const [found] = await query<{ actionId: string }>(
      this.dataSource,
      `SELECT action_id AS "actionId" FROM signatures WHERE id = $1`,
      [signatureId],
    );
    if (!found) throw new NotFoundError('Signature');
    await this.actions.loadWithAccess(actor, found.actionId, 'manage', true);
    const [row] = (await this.dataSource.query(
      `UPDATE signatures g SET public_status = $2 WHERE g.id = $1
       RETURNING g.id, g.public_name AS name, g.public_city AS city, g.public_status AS status, g.created_at AS "createdAt"`,
      [signatureId, status],
    )) as [PublicSignerView[], number];
    return row[0];
  }

  /** Campaign totals: counts only, for open and closed letters. */
  async totalsFor(campaignId: string): Promise<SignatureTotals> {
    const rows = await query<{ slug: string; count: number; goal: number | null }>(
      this.dataSource,
      `SELECT a.slug, coalesce(sum(c.count), 0)::int AS count, a.signature_goal AS goal
         FROM letter_actions a LEFT JOIN letter_action_counters c ON c.action_id = a.id
        WHERE a.campaign_id = $1 AND a.status IN ('open', 'closed')
        GROUP BY a.id ORDER BY a.created_at, a.id`,
      [campaignId],
    );
    return { total: rows.reduce((n, r) => n + r.count, 0), byAction: rows };
  }

  private async forSupporter(campaignId: string, supporterId: string): Promise<unknown[]> {
    return await query<unknown>(
      this.dataSource,
      `SELECT g.id, a.id AS "actionId", a.slug AS "actionSlug", a.title AS "actionTitle",
              g.personal_note AS "personalNote", g.show_publicly AS "showPublicly", g.created_at AS "signedAt"
         FROM signatures g JOIN letter_actions a ON a.id = g.action_id
        WHERE a.campaign_id = $1 AND g.supporter_id = $2 ORDER BY g.seq`,
      [campaignId, supporterId],
    );
  }
}
