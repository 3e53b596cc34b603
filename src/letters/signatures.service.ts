import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignTotalsRegistry } from '../campaigns/campaign-totals.registry.js';
import { acceptingTargetSql } from '../campaigns/campaigns.service.js';
import { Clock } from '../common/clock.js';
import { HotQueries } from '../database/hot-queries.js';
import { BadInputError, ConflictError, GoneError, NotFoundError } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { fulfilPledgeSql } from '../supporters/pledges.service.js';
import { SupporterActivityRegistry } from '../supporters/supporter-activity.registry.js';
import { SupporterUpdatesService } from '../supporters/supporter-updates.service.js';
import {
  contactParam,
  referrerSql,
  sourceOf,
  supporterParams,
  upsertSupporterCtes,
  type ProposedChanges,
} from '../supporters/supporters.service.js';
import { publicNameStatus } from './public-name.js';
import type { SignLetterDto } from './dto/sign-letter.dto.js';
import type { PublicSignerView } from './dto/public-signer.dto.js';
import type { LetterActionStatus } from './letter-action.entity.js';
import { LetterActionsService, type SigningLetter } from './letter-actions.service.js';
import { incrementCounterSql, signatureCount, signingLockSql } from './signature-counter.js';

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

/**
 * {@link assertSignable}'s rule as SQL over the letter `x` at `now` for the submitted `note`: true while
 * it takes that signature. The two are tested as a pair (test/twins.e2e-spec.ts).
 */
export function signableSql(x: string, now: string, note: string): string {
  return `${x}.status = 'open' AND (${x}.deadline IS NULL OR ${x}.deadline > ${now})
                  AND (NULLIF(${note}, '') IS NULL OR ${x}.allow_personal_note)`;
}

/** Why a letter takes no signature at `now` (throws); {@link signableSql} is the same rule in SQL. */
export function assertSignable(
  action: Pick<SigningLetter, 'status' | 'deadline' | 'allowPersonalNote'>,
  dto: Pick<SignLetterDto, 'personalNote'>,
  now: Date,
): void {
  if (action.status !== 'open') throw new SignatureClosedError(action.status);
  if (action.deadline && now.getTime() >= action.deadline.getTime()) {
    throw new SignatureDeadlinePassedError();
  }
  if (dto.personalNote && !action.allowPersonalNote) {
    throw BadInputError.field(
      'personalNote',
      'personal_note_not_allowed',
      'This letter takes no personal note',
    );
  }
}

/**
 * The public sign, in one statement and one round trip ($1–$11 the supporter's fields and the time, then
 * campaign slug, letter slug, note, public, locale, then phone ($17), source, share code and the public
 * name's starting status (publicNameStatus)): `a` finds the letter by its slugs only while it
 * takes signatures (campaign active, letter open, before its deadline, a note only where allowed);
 * then, only when it did — so a refused signature writes nothing — take the shared signing lock, upsert
 * the supporter (the one upsert path, as CTEs), insert the signature, bump a counter shard and fulfil
 * the `sign` pledge when the signature is new, and answer the count. What the page shows for a public
 * signer (`public_name`, `public_city`) is what this signature submitted, never the stored record. The count read sees the
 * statement's snapshot, so the new signature is added to it explicitly. `accepted` is false when `a`
 * found nothing; the caller then asks why.
 */
const SIGN_SQL = `
  WITH a AS (${acceptingTargetSql(
    {
      table: 'letter_actions',
      columns: 'c.default_locale',
      accepting: signableSql('x', '$11', '$14'),
    },
    '$12',
    '$13',
  )}),
  lock AS (${signingLockSql('SELECT id FROM a', 'shared')}),
  ${upsertSupporterCtes({
    campaign: '(SELECT campaign_id FROM a)',
    source: "'signature:' || (SELECT id FROM a)",
    when: 'EXISTS (SELECT 1 FROM a)',
    contact: '$17::jsonb',
  })},
  g AS (
    INSERT INTO signatures (action_id, supporter_id, personal_note, show_publicly, public_name, public_city, locale,
                            source, referrer_id, public_status, created_at)
    SELECT a.id, s.id, NULLIF($14, ''), $15, CASE WHEN $15 THEN NULLIF($2::text, '') END,
           CASE WHEN $15 THEN NULLIF($4::text, '') END, coalesce($16, a.default_locale), $18,
           ${referrerSql('a.campaign_id', 's.id', '$19')}, $20, $11 FROM a, s, lock
    ON CONFLICT ON CONSTRAINT signatures_action_id_supporter_id_key DO NOTHING
    RETURNING id
  ),
  shard AS (${incrementCounterSql('(SELECT id FROM a)', 'g')}),
  pledge AS (${fulfilPledgeSql({
    campaign: '(SELECT campaign_id FROM a)',
    supporter: '(SELECT id FROM s)',
    kind: "'sign'",
    at: '$11',
    by: "'signature:' || (SELECT id FROM g)",
    when: 'EXISTS (SELECT 1 FROM g)',
  })})
  SELECT EXISTS (SELECT 1 FROM a) AS accepted, (SELECT count(*) FROM g)::int AS created,
         (SELECT id FROM s) AS "supporterId", (SELECT changes FROM s) AS changes,
         ((SELECT coalesce(sum(count), 0) FROM letter_action_counters WHERE action_id = (SELECT id FROM a))
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
    private readonly updates: SupporterUpdatesService,
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
      const [row] = await this.hot.query<{
        accepted: boolean;
        created: number;
        signatureCount: number;
        supporterId: string | null;
        changes: ProposedChanges | null;
      }>('letters.sign', SIGN_SQL, [
        ...supporterParams(dto, this.clock.now()),
        slug,
        actionSlug,
        dto.personalNote ?? null,
        dto.showPublicly ?? false,
        dto.locale ?? null,
        contactParam(dto),
        sourceOf(dto),
        dto.ref ?? null,
        publicNameStatus(dto.firstName, dto.city),
      ]);
      if (row.accepted) {
        if (row.supporterId) this.updates.propose(row.supporterId, row.changes, `signature:${actionSlug}`);
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
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM signatures g WHERE ${where}`,
      [actionId],
    )) as { total: number }[];
    const items = (await this.dataSource.query(
      `SELECT g.id, g.public_name AS name, g.public_city AS city, g.public_status AS status, g.created_at AS "createdAt"
         FROM signatures g WHERE ${where}
        ORDER BY (g.public_status = 'held') DESC, g.seq DESC LIMIT $2 OFFSET $3`,
      [actionId, q.limit, q.offset],
    )) as PublicSignerView[];
    return { items, total };
  }

  /** Shows (approves) or hides one public signer; organizers of the letter's campaign. */
  async setPublicStatus(
    actor: AuthUser,
    signatureId: string,
    status: 'shown' | 'hidden',
  ): Promise<PublicSignerView> {
    const [found] = (await this.dataSource.query(
      `SELECT action_id AS "actionId" FROM signatures WHERE id = $1`,
      [signatureId],
    )) as { actionId: string }[];
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
