import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import type { Campaign } from '../campaigns/campaign.entity.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { BadInputError, ConflictError, NotFoundError } from '../common/errors.js';
import { cleanLocalizedText, localize, pickLocale, type Locale } from '../common/localized-text.js';
import type { Page } from '../common/pagination.js';
import { slugify } from '../common/slug.js';
import { TransactionService } from '../database/transaction.service.js';
import { LetterDeadlineReminders } from './deadline-reminders.js';
import type {
  CreateLetterActionDto,
  ListLetterActionsQueryDto,
  UpdateLetterActionDto,
} from './dto/letter-action.dto.js';
import { LetterAction, type LetterActionStatus } from './letter-action.entity.js';
import { targetsIn } from './target.entity.js';
import { mergeFieldProblems, renderLetter } from './merge-fields.js';
import { signatureCount, signatureCounts } from './signature-counter.js';
import type { Target } from './target.entity.js';
import { TargetsService } from './targets.service.js';

export interface LetterActionView extends LetterAction {
  targets: Target[];
  signatureCount: number;
}

export interface PublicLetterView {
  campaign: { slug: string; title: string };
  slug: string;
  lang: Locale;
  status: LetterActionStatus;
  title: string;
  subject: string;
  /** Target fields filled with the list of targets, supporter fields with generic words. */
  body: string;
  allowPersonalNote: boolean;
  deadline: Date | null;
  /** Name, title and organization only — never an email or address. */
  targets: { name: string; title: string | null; organization: string | null }[];
  signatureCount: number;
  signatureGoal: number | null;
  /** Only signers who ticked showPublicly, newest first: first name and city, nothing else. */
  recentSigners: { firstName: string; city: string | null }[];
}

const RECENT_SIGNERS = 10;

/** A letter as the public sign sees it (see {@link LetterActionsService.findForSigning}). */
export interface SigningLetter {
  id: string;
  campaignId: string;
  defaultLocale: Locale;
  status: LetterActionStatus;
  deadline: Date | null;
  allowPersonalNote: boolean;
}

@Injectable()
export class LetterActionsService {
  constructor(
    @InjectRepository(LetterAction) private readonly actions: Repository<LetterAction>,
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly targetsService: TargetsService,
    private readonly tx: TransactionService,
    private readonly deadlineReminders: LetterDeadlineReminders,
  ) {}

  async create(actor: AuthUser, campaignId: string, dto: CreateLetterActionDto): Promise<LetterActionView> {
    const campaign = await this.campaigns.loadWritable(actor, campaignId, 'manage');
    const texts = this.texts(dto);
    await this.targetsService.byIds(dto.targetIds, campaign.organizationId);
    const title = texts.title!;
    const id = await this.tx.run(async (m) => {
      const slug =
        dto.slug ?? (await this.freeSlug(m, campaignId, slugify(title.en ?? title.es ?? '') || 'letter'));
      const rows = (await m
        .createQueryBuilder()
        .insert()
        .into(LetterAction)
        .values({
          campaignId,
          slug,
          title,
          subject: texts.subject!,
          body: texts.body!,
          allowPersonalNote: dto.allowPersonalNote ?? true,
          deadline: dto.deadline ? new Date(dto.deadline) : null,
          signatureGoal: dto.signatureGoal ?? null,
          status: 'draft',
          createdBy: actor.id,
        })
        .orIgnore()
        .returning('id')
        .execute()) as { raw: { id: string }[] };
      if (!rows.raw.length) throw new ConflictError(`The slug "${slug}" is already taken`, 'slug_taken');
      await this.setTargets(m, rows.raw[0].id, dto.targetIds);
      return rows.raw[0].id;
    });
    return this.view(await this.actions.findOneByOrFail({ id }));
  }

  async list(
    actor: AuthUser,
    campaignId: string,
    q: ListLetterActionsQueryDto,
  ): Promise<Page<LetterActionView>> {
    await this.campaigns.load(actor, campaignId, 'read');
    const [items, total] = await this.actions.findAndCount({
      where: { campaignId, ...(q.status ? { status: q.status } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    const counts = await signatureCounts(
      this.dataSource.manager,
      items.map((a) => a.id),
    );
    const views = await Promise.all(items.map((a) => this.view(a, counts.get(a.id) ?? 0)));
    return { items: views, total };
  }

  async get(actor: AuthUser, id: string): Promise<LetterActionView> {
    return this.view((await this.loadWithAccess(actor, id, 'read')).action);
  }

  async update(actor: AuthUser, id: string, dto: UpdateLetterActionDto): Promise<LetterActionView> {
    const { action, campaign } = await this.loadWithAccess(actor, id, 'manage', true);
    const before = { status: action.status, deadline: action.deadline?.getTime() ?? null };
    const texts = this.texts(dto);
    if (dto.targetIds) await this.targetsService.byIds(dto.targetIds, campaign.organizationId);
    if (dto.status && dto.status !== action.status) {
      if (dto.status === 'draft' && (await signatureCount(this.dataSource.manager, id)) > 0) {
        throw new ConflictError('A letter that has signatures cannot go back to draft', 'invalid_transition');
      }
      action.status = dto.status;
    }
    if (texts.title) action.title = texts.title;
    if (texts.subject) action.subject = texts.subject;
    if (texts.body) action.body = texts.body;
    if (dto.allowPersonalNote !== undefined) action.allowPersonalNote = dto.allowPersonalNote;
    if (dto.deadline !== undefined) action.deadline = dto.deadline ? new Date(dto.deadline) : null;
    if (dto.signatureGoal !== undefined) action.signatureGoal = dto.signatureGoal;
    if (dto.slug && dto.slug !== action.slug) {
      if (await this.actions.existsBy({ campaignId: action.campaignId, slug: dto.slug })) {
        throw new ConflictError(`The slug "${dto.slug}" is already taken`, 'slug_taken');
      }
      action.slug = dto.slug;
    }
    await this.tx.run(async (m) => {
      try {
        await m.save(action);
      } catch (e) {
        if ((e as { constraint?: string }).constraint === 'letter_actions_campaign_id_slug_key') {
          throw new ConflictError(`The slug "${action.slug}" is already taken`, 'slug_taken');
        }
        throw e;
      }
      if (dto.targetIds) await this.setTargets(m, id, dto.targetIds);
      // Opened, closed or deadline moved: the deadline reminders follow, in this transaction.
      if (before.status !== action.status || before.deadline !== (action.deadline?.getTime() ?? null))
        await this.deadlineReminders.forAction(m, id);
    });
    return this.view(await this.actions.findOneByOrFail({ id }));
  }

  /** The letter as a supporter reads it. Drafts are 404; open and closed letters are shown. */
  async publicRead(
    slug: string,
    actionSlug: string,
    lang: unknown,
    acceptLanguage?: string,
  ): Promise<PublicLetterView> {
    const campaign = await this.campaigns.findPublic(slug);
    const action = await this.actions.findOneBy({ campaignId: campaign.id, slug: actionSlug });
    if (!action || action.status === 'draft') throw new NotFoundError('Letter');
    const l = pickLocale(lang, acceptLanguage, campaign.defaultLocale);
    const targets = await this.targetsOf(action.id);
    const recent = (await this.dataSource.query(
      `SELECT g.public_name AS "firstName", g.public_city AS city
         FROM signatures g
        WHERE g.action_id = $1 AND g.show_publicly AND g.public_name IS NOT NULL AND g.public_status = 'shown'
        ORDER BY g.seq DESC LIMIT ${RECENT_SIGNERS}`,
      [action.id],
    )) as { firstName: string; city: string | null }[];
    return {
      campaign: { slug: campaign.slug, title: localize(campaign.title, l) },
      slug: action.slug,
      lang: l,
      status: action.status,
      title: localize(action.title, l),
      subject: renderLetter(localize(action.subject, l), targetsIn(targets, l), null, l),
      body: renderLetter(localize(action.body, l), targetsIn(targets, l), null, l),
      allowPersonalNote: action.allowPersonalNote,
      deadline: action.deadline,
      targets: targetsIn(targets, l).map((t) => ({
        name: t.name,
        title: t.title,
        organization: t.organization,
      })),
      signatureCount: await signatureCount(this.dataSource.manager, action.id),
      signatureGoal: action.signatureGoal,
      recentSigners: recent.map((r) => ({ firstName: r.firstName, city: r.city })),
    };
  }

  /**
   * What the public sign needs of its campaign and letter, in one prepared query (404 for an unknown
   * letter or campaign, 409 when the campaign takes no actions); a letter not open is refused by the sign.
   */
  async findForSigning(slug: string, actionSlug: string): Promise<SigningLetter> {
    return this.campaigns.findAcceptingTarget<SigningLetter>(
      {
        table: 'letter_actions',
        label: 'Letter',
        columns: 'x.status, x.deadline, x.allow_personal_note AS "allowPersonalNote"',
      },
      slug,
      actionSlug,
    );
  }

  /** A letter action for a staff route: 404 when it does not exist or the campaign is not theirs. */
  async loadWithAccess(
    actor: AuthUser,
    id: string,
    need: 'read' | 'coordinate' | 'manage',
    writable = false,
  ): Promise<{ action: LetterAction; campaign: Campaign }> {
    const action = await this.actions.findOneBy({ id });
    if (!action) throw new NotFoundError('Letter action');
    const campaign =
      writable && need !== 'read'
        ? await this.campaigns.loadWritable(actor, action.campaignId, need)
        : await this.campaigns.load(actor, action.campaignId, need);
    return { action, campaign };
  }

  async targetsOf(actionId: string): Promise<Target[]> {
    return (await this.dataSource.query(
      `SELECT t.id, t.name, t.title, t.organization, t.kind, t.country, t.email, t.postal_address AS "postalAddress",
              t.locale, t.created_at AS "createdAt", t.updated_at AS "updatedAt"
         FROM letter_action_targets lat JOIN targets t ON t.id = lat.target_id
        WHERE lat.action_id = $1 ORDER BY lat.position, t.name`,
      [actionId],
    )) as Target[];
  }

  private async view(a: LetterAction, count?: number): Promise<LetterActionView> {
    return {
      ...a,
      targets: await this.targetsOf(a.id),
      signatureCount: count ?? (await signatureCount(this.dataSource.manager, a.id)),
    };
  }

  /** Cleans the texts and refuses unknown merge fields (400 naming `body.en`/`subject.es` and the field). */
  private texts(dto: Partial<CreateLetterActionDto>) {
    const details = [...mergeFieldProblems('subject', dto.subject), ...mergeFieldProblems('body', dto.body)];
    if (details.length) {
      throw new BadInputError(
        `Unknown merge field(s) in ${[...new Set(details.map((d) => d.field))].join(', ')}`,
        details,
        'unknown_merge_field',
      );
    }
    return {
      title: dto.title && cleanLocalizedText(dto.title),
      subject: dto.subject && cleanLocalizedText(dto.subject),
      body: dto.body && cleanLocalizedText(dto.body),
    };
  }

  private async setTargets(m: EntityManager, actionId: string, targetIds: string[]): Promise<void> {
    await m.query(`DELETE FROM letter_action_targets WHERE action_id = $1`, [actionId]);
    await m.query(
      `INSERT INTO letter_action_targets (action_id, target_id, position)
       SELECT $1, t.id, t.ord - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, ord)`,
      [actionId, targetIds],
    );
  }

  private async freeSlug(m: EntityManager, campaignId: string, base: string): Promise<string> {
    const rows = (await m.query(
      `SELECT slug FROM letter_actions WHERE campaign_id = $1 AND (slug = $2 OR slug LIKE $2 || '-%')`,
      [campaignId, base],
    )) as { slug: string }[];
    const taken = new Set(rows.map((r) => r.slug));
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
  }
}
