import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { BadInputError, ForbiddenError, NotFoundError } from '../common/errors.js';
import { cleanLocalizedText } from '../common/localized-text.js';
import type { Page } from '../common/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import type { CreateTargetDto, ListTargetsQueryDto, UpdateTargetDto } from './dto/target.dto.js';
import { Target } from './target.entity.js';

/**
 * Targets have an owner: the instance's starter library (`organizationId` null) that every organization
 * may write to and only admins edit, or one organization, whose organizers edit its own. Every change is
 * in the audit log with the email before and after, because a target's email is where signer lists go.
 */
@Injectable()
export class TargetsService {
  constructor(
    @InjectRepository(Target) private readonly targets: Repository<Target>,
    private readonly access: CampaignAccessService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
  ) {}

  /** Adds a target to the starter library (admins; the controller checks the role). */
  async createLibrary(actor: AuthUser, dto: CreateTargetDto): Promise<Target> {
    return this.insert(actor, null, dto);
  }

  /** Adds one of the organization's own targets (its organizers). */
  async createOwn(actor: AuthUser, organizationId: string, dto: CreateTargetDto): Promise<Target> {
    await this.access.assertOrganization(actor, organizationId, 'manage');
    return this.insert(actor, organizationId, dto);
  }

  private async insert(
    actor: AuthUser,
    organizationId: string | null,
    dto: CreateTargetDto,
  ): Promise<Target> {
    return this.tx.run(async (m) => {
      const t = await m.save(
        m.create(Target, {
          organizationId,
          name: cleanLocalizedText(dto.name),
          title: dto.title ? cleanLocalizedText(dto.title) : null,
          organization: dto.organization ?? null,
          kind: dto.kind ?? 'government',
          country: dto.country || null,
          email: dto.email?.toLowerCase() ?? null,
          postalAddress: dto.postalAddress ?? null,
          locale: dto.locale ?? 'en',
        }),
      );
      await this.audit.record(
        {
          actorUserId: actor.id,
          action: 'target.created',
          subjectType: 'target',
          subjectId: t.id,
          organizationId,
          details: { library: organizationId === null, email: { before: null, after: t.email } },
        },
        m,
      );
      return t;
    });
  }

  /** The starter library, by name; filter by kind, country or text. */
  async listLibrary(q: ListTargetsQueryDto): Promise<Page<Target>> {
    return this.list(q, null, false);
  }

  /** An organization's own targets (and, with `library`, the starter library too), for its members. */
  async listOwn(actor: AuthUser, organizationId: string, q: ListTargetsQueryDto): Promise<Page<Target>> {
    await this.access.assertOrganization(actor, organizationId, 'read');
    return this.list(q, organizationId, q.library ?? false);
  }

  private async list(q: ListTargetsQueryDto, organizationId: string | null, withLibrary: boolean) {
    const qb = this.targets.createQueryBuilder('t');
    if (organizationId === null) qb.andWhere('t.organization_id IS NULL');
    else if (withLibrary)
      qb.andWhere('(t.organization_id = :org OR t.organization_id IS NULL)', { org: organizationId });
    else qb.andWhere('t.organization_id = :org', { org: organizationId });
    if (q.kind) qb.andWhere('t.kind = :kind', { kind: q.kind });
    if (q.country) qb.andWhere('t.country = :country', { country: q.country });
    if (q.q) {
      qb.andWhere(`(t.name->>'en' ILIKE :q OR t.name->>'es' ILIKE :q OR t.organization ILIKE :q)`, {
        q: `%${q.q.replace(/[%_\\]/g, '\\$&')}%`,
      });
    }
    const [items, total] = await qb
      .orderBy('t.organization_id IS NULL', 'ASC')
      .addOrderBy(`lower(coalesce(t.name->>'en', t.name->>'es'))`, 'ASC')
      .addOrderBy('t.id', 'ASC')
      .take(q.limit)
      .skip(q.offset)
      .getManyAndCount();
    return { items, total };
  }

  /**
   * Edits a target ('' clears an optional field): a library target by admins only, an organization's
   * own target by its organizers (404 for anyone else). Audited with the email before and after.
   */
  async update(actor: AuthUser, id: string, dto: UpdateTargetDto): Promise<Target> {
    return this.tx.run(async (m) => {
      const t = await m.findOne(Target, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!t) throw new NotFoundError('Target');
      await this.assertEditable(actor, t);
      const before = t.email;
      if (dto.name !== undefined) t.name = cleanLocalizedText(dto.name);
      if (dto.title !== undefined) t.title = dto.title ? cleanLocalizedText(dto.title) : null;
      if (dto.organization !== undefined) t.organization = dto.organization;
      if (dto.kind !== undefined) t.kind = dto.kind;
      if (dto.country !== undefined) t.country = dto.country || null;
      if (dto.email !== undefined) t.email = dto.email?.toLowerCase() ?? null;
      if (dto.postalAddress !== undefined) t.postalAddress = dto.postalAddress;
      if (dto.locale !== undefined) t.locale = dto.locale;
      const saved = await m.save(t);
      await this.audit.record(
        {
          actorUserId: actor.id,
          action: 'target.updated',
          subjectType: 'target',
          subjectId: id,
          organizationId: t.organizationId,
          details: {
            library: t.organizationId === null,
            fields: Object.keys(dto),
            email: { before, after: saved.email },
          },
        },
        m,
      );
      return saved;
    });
  }

  /** The one rule for editing a target: the library by admins (403 otherwise), an own target by its organizers. */
  async assertEditable(actor: AuthUser, t: Pick<Target, 'organizationId'>): Promise<void> {
    if (t.organizationId === null) {
      if (actor.role !== 'admin') {
        throw new ForbiddenError('Only admins edit the starter library; add your own target instead');
      }
      return;
    }
    try {
      await this.access.assertOrganization(actor, t.organizationId, 'manage');
    } catch (e) {
      // Another organization's target answers like one that does not exist.
      if (e instanceof NotFoundError) throw new NotFoundError('Target');
      throw e;
    }
  }

  /**
   * The targets behind `ids`, in that order, that a letter of `organizationId` may use (the starter
   * library and the organization's own); 400 naming `targetIds` otherwise.
   */
  async byIds(ids: string[], organizationId: string): Promise<Target[]> {
    const found = (await this.targets.findBy({ id: In(ids) })).filter(
      (t) => t.organizationId === null || t.organizationId === organizationId,
    );
    const missing = ids.filter((id) => !found.some((t) => t.id === id));
    if (missing.length) {
      throw BadInputError.field('targetIds', 'unknown_target', `Unknown target(s): ${missing.join(', ')}`);
    }
    return ids.map((id) => found.find((t) => t.id === id)!);
  }

  async byId(id: string): Promise<Target> {
    const t = await this.targets.findOneBy({ id });
    if (!t) throw new NotFoundError('Target');
    return t;
  }
}
