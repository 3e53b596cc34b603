import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { BadInputError, NotFoundError } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import type { CreateTargetDto, ListTargetsQueryDto, UpdateTargetDto } from './dto/target.dto.js';
import { Target } from './target.entity.js';

/** The target library, shared by all campaigns. Who may call is decided by the controller's roles. */
@Injectable()
export class TargetsService {
  constructor(@InjectRepository(Target) private readonly targets: Repository<Target>) {}

  async create(dto: CreateTargetDto): Promise<Target> {
    const t = this.targets.create({
      name: dto.name,
      title: dto.title ?? null,
      organization: dto.organization ?? null,
      kind: dto.kind ?? 'government',
      country: dto.country || null,
      email: dto.email?.toLowerCase() ?? null,
      postalAddress: dto.postalAddress ?? null,
      locale: dto.locale ?? 'en',
    });
    return this.targets.save(t);
  }

  async list(q: ListTargetsQueryDto): Promise<Page<Target>> {
    const qb = this.targets.createQueryBuilder('t');
    if (q.kind) qb.andWhere('t.kind = :kind', { kind: q.kind });
    if (q.country) qb.andWhere('t.country = :country', { country: q.country });
    if (q.q) {
      qb.andWhere(`(t.name ILIKE :q OR t.organization ILIKE :q)`, {
        q: `%${q.q.replace(/[%_\\]/g, '\\$&')}%`,
      });
    }
    const [items, total] = await qb
      .orderBy('t.name', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .take(q.limit)
      .skip(q.offset)
      .getManyAndCount();
    return { items, total };
  }

  async update(id: string, dto: UpdateTargetDto): Promise<Target> {
    const t = await this.targets.findOneBy({ id });
    if (!t) throw new NotFoundError('Target');
    if (dto.name !== undefined) t.name = dto.name;
    if (dto.title !== undefined) t.title = dto.title;
    if (dto.organization !== undefined) t.organization = dto.organization;
    if (dto.kind !== undefined) t.kind = dto.kind;
    if (dto.country !== undefined) t.country = dto.country || null;
    if (dto.email !== undefined) t.email = dto.email?.toLowerCase() ?? null;
    if (dto.postalAddress !== undefined) t.postalAddress = dto.postalAddress;
    if (dto.locale !== undefined) t.locale = dto.locale;
    return this.targets.save(t);
  }

  /** The targets behind `ids`, in that order; 400 naming `targetIds` when one does not exist. */
  async byIds(ids: string[]): Promise<Target[]> {
    const found = await this.targets.findBy({ id: In(ids) });
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
