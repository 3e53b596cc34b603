import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { CampaignAccessService } from '../../auth/campaign-access.service.js';
import { BadInputError, ConflictError, NotFoundError } from '../../common/errors.js';
import { isUniqueViolation } from '../../database/hot-queries.js';
import { TransactionService } from '../../database/transaction.service.js';
import { PrivacyService } from '../privacy.service.js';
import { supporterFilterSql } from '../supporter-filter.js';
import { SupportersService } from '../supporters.service.js';
import type { BulkTagDto, TagAction } from './tags.dto.js';

export interface TagView {
  id: string;
  name: string;
  /** Supporters (not erased) who carry it. */
  supporters: number;
  createdAt: Date;
}

export interface BulkTagResult {
  tag: { id: string; name: string };
  action: TagAction;
  /** Supporters the request named or its filter matched. */
  matched: number;
  /** Of those, how many gained (or lost) the tag now; the others had it (or did not) already. */
  changed: number;
}

const TAG_NAME_KEY = 'tags_organization_id_name_key';

/**
 * An organization's tags and who carries them. Organizers create, rename and delete tags and put them
 * on (or take them off) one supporter, the checked ones of a list, or every supporter a filter
 * matches; organizers and coordinators read them within their scope (SupportersService). The database
 * keeps a tag on its own organization's supporters only; erasure takes a supporter's tags off.
 */
@Injectable()
export class TagsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: CampaignAccessService,
    private readonly supporters: SupportersService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
    privacy: PrivacyService,
  ) {
    privacy.onErase((m, id) => this.forgetSupporter(m, id));
  }

  async list(actor: AuthUser, organizationId: string): Promise<TagView[]> {
    await this.supporters.organizationScope(actor, organizationId);
    return (await this.dataSource.query(
      `SELECT t.id, t.name, t.created_at AS "createdAt",
              (SELECT count(*)::int FROM supporter_tags st JOIN supporters s ON s.id = st.supporter_id
                WHERE st.tag_id = t.id AND s.erased_at IS NULL) AS supporters
         FROM tags t WHERE t.organization_id = $1 ORDER BY lower(t.name), t.id`,
      [organizationId],
    )) as TagView[];
  }

  async create(actor: AuthUser, organizationId: string, name: string): Promise<TagView> {
    await this.access.assertOrganization(actor, organizationId, 'manage');
    try {
      const [row] = (await this.dataSource.query(
        `INSERT INTO tags (organization_id, name) VALUES ($1, $2)
         RETURNING id, name, created_at AS "createdAt", 0 AS supporters`,
        [organizationId, name.trim()],
      )) as TagView[];
      return row;
    } catch (e) {
      throw this.nameTaken(e);
    }
  }

  async rename(actor: AuthUser, tagId: string, name: string): Promise<TagView> {
    const tag = await this.load(actor, tagId);
    try {
      await this.dataSource.query(`UPDATE tags SET name = $2 WHERE id = $1`, [tagId, name.trim()]);
    } catch (e) {
      throw this.nameTaken(e);
    }
    return (await this.list(actor, tag.organizationId)).find((t) => t.id === tagId)!;
  }

  /** Deletes the tag and takes it off everyone who carried it. */
  async remove(actor: AuthUser, tagId: string): Promise<void> {
    const tag = await this.load(actor, tagId);
    await this.tx.run(async (m) => {
      await m.query(`DELETE FROM tags WHERE id = $1`, [tagId]);
      await this.audit.record(
        {
          actorUserId: actor.id,
          action: 'tag.deleted',
          subjectType: 'tag',
          subjectId: tagId,
          organizationId: tag.organizationId,
          details: { name: tag.name },
        },
        m,
      );
    });
  }

  /** One supporter's tags, by name. */
  async ofSupporter(supporterId: string): Promise<{ id: string; name: string }[]> {
    return (await this.dataSource.query(
      `SELECT t.id, t.name FROM supporter_tags st JOIN tags t ON t.id = st.tag_id
        WHERE st.supporter_id = $1 ORDER BY lower(t.name)`,
      [supporterId],
    )) as { id: string; name: string }[];
  }

  /**
   * Adds or removes one tag (by name; adding creates it) on the supporters named, or on every
   * supporter `filter` matches. Named supporters must all be this organization's (else 404, and
   * nothing changes). Audited with the counts, never the people.
   */
  async bulk(actor: AuthUser, organizationId: string, dto: BulkTagDto): Promise<BulkTagResult> {
    if (!dto.supporterIds === !dto.filter) {
      throw BadInputError.field(
        'supporterIds',
        'ids_or_filter',
        'Give either supporterIds or filter (exactly one of them)',
      );
    }
    await this.access.assertOrganization(actor, organizationId, 'manage');
    return this.tx.run(async (m) => {
      const tag = await this.byName(m, organizationId, dto.tag, dto.action === 'add');
      let ids: string[];
      if (dto.supporterIds) {
        ids = [...new Set(dto.supporterIds)];
        const params: unknown[] = [];
        const where = supporterFilterSql(organizationId, {}, null, params);
        const [{ n }] = (await m.query(
          `SELECT count(*)::int AS n FROM supporters s WHERE ${where} AND s.id = ANY($${params.push(ids)}::uuid[])`,
          params,
        )) as { n: number }[];
        if (n !== ids.length) throw new NotFoundError('Supporter');
      } else {
        ids = await this.supporters.idsMatching(organizationId, dto.filter!, null, m);
      }
      const changed = await this.apply(m, organizationId, tag.id, ids, dto.action);
      await this.audit.record(
        {
          actorUserId: actor.id,
          action: dto.action === 'add' ? 'supporters.tagged' : 'supporters.untagged',
          subjectType: 'tag',
          subjectId: tag.id,
          organizationId,
          details: { tag: tag.name, matched: ids.length, changed, by: dto.filter ? 'filter' : 'ids' },
        },
        m,
      );
      return { tag, action: dto.action, matched: ids.length, changed };
    });
  }

  /** Takes one tag (by id) off one supporter of the organization. */
  async untagOne(
    actor: AuthUser,
    organizationId: string,
    supporterId: string,
    tagId: string,
  ): Promise<BulkTagResult> {
    const [tag] = (await this.dataSource.query(
      `SELECT name FROM tags WHERE id = $1 AND organization_id = $2`,
      [tagId, organizationId],
    )) as { name: string }[];
    if (!tag) {
      await this.access.assertOrganization(actor, organizationId, 'manage');
      throw new NotFoundError('Tag');
    }
    return this.bulk(actor, organizationId, { tag: tag.name, action: 'remove', supporterIds: [supporterId] });
  }

  /**
   * Puts tags (by name, created when new) on supporters of one organization, in the caller's
   * transaction: an import's tags column.
   */
  async tagByNames(
    m: EntityManager,
    organizationId: string,
    supporterId: string,
    names: string[],
  ): Promise<void> {
    for (const name of names) {
      const tag = await this.byName(m, organizationId, name, true);
      await this.apply(m, organizationId, tag.id, [supporterId], 'add');
    }
  }

  /** Which of these names the organization has no tag for yet (an import's dry run). */
  async unknownNames(organizationId: string, names: string[]): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT lower(name) AS name FROM tags WHERE organization_id = $1 AND lower(name) = ANY($2::text[])`,
      [organizationId, names.map((n) => n.toLowerCase())],
    )) as { name: string }[];
    const known = new Set(rows.map((r) => r.name));
    return names.filter((n) => !known.has(n.toLowerCase()));
  }

  private async apply(
    m: EntityManager,
    organizationId: string,
    tagId: string,
    ids: string[],
    action: TagAction,
  ): Promise<number> {
    if (!ids.length) return 0;
    const [{ n }] = (await m.query(
      action === 'add'
        ? `WITH x AS (INSERT INTO supporter_tags (organization_id, supporter_id, tag_id)
                      SELECT $1, id, $3 FROM unnest($2::uuid[]) AS id
                      ON CONFLICT ON CONSTRAINT supporter_tags_pkey DO NOTHING RETURNING 1)
           SELECT count(*)::int AS n FROM x`
        : `WITH x AS (DELETE FROM supporter_tags WHERE organization_id = $1 AND tag_id = $3
                        AND supporter_id = ANY($2::uuid[]) RETURNING 1)
           SELECT count(*)::int AS n FROM x`,
      [organizationId, ids, tagId],
    )) as { n: number }[];
    return n;
  }

  private async byName(
    m: EntityManager,
    organizationId: string,
    name: string,
    create: boolean,
  ): Promise<{ id: string; name: string }> {
    const find = async () =>
      (
        (await m.query(`SELECT id, name FROM tags WHERE organization_id = $1 AND lower(name) = lower($2)`, [
          organizationId,
          name.trim(),
        ])) as { id: string; name: string }[]
      )[0];
    const found = await find();
    if (found) return found;
    if (!create) throw new NotFoundError('Tag');
    await m.query(
      `INSERT INTO tags (organization_id, name) VALUES ($1, $2) ON CONFLICT (organization_id, lower(name)) DO NOTHING`,
      [organizationId, name.trim()],
    );
    return (await find())!;
  }

  private async load(actor: AuthUser, tagId: string): Promise<{ organizationId: string; name: string }> {
    const [tag] = (await this.dataSource.query(
      `SELECT organization_id AS "organizationId", name FROM tags WHERE id = $1`,
      [tagId],
    )) as { organizationId: string; name: string }[];
    if (!tag) throw new NotFoundError('Tag');
    try {
      await this.access.assertOrganization(actor, tag.organizationId, 'manage');
    } catch (e) {
      // Another organization's tag is not revealed.
      if (e instanceof NotFoundError) throw new NotFoundError('Tag');
      throw e;
    }
    return tag;
  }

  private nameTaken(e: unknown): unknown {
    if (!isUniqueViolation(e, TAG_NAME_KEY)) return e;
    return new ConflictError('The organization already has a tag by this name', 'tag_exists', [
      { field: 'name', code: 'tag_exists', message: 'The organization already has a tag by this name' },
    ]);
  }

  private async forgetSupporter(m: EntityManager, supporterId: string): Promise<void> {
    await m.query(`DELETE FROM supporter_tags WHERE supporter_id = $1`, [supporterId]);
  }
}
