import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import type { MemberRole } from '../auth/membership.entity.js';
import { assertRoleFitsAccount } from '../auth/membership.service.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { slugify } from '../common/slug.js';
import { freeSlug } from '../database/free-slug.js';
import { TransactionService } from '../database/transaction.service.js';
import type { CreateOrganizationDto, UpdateOrganizationDto } from './dto/organization.dto.js';
import { InvitationsService, type InvitationView } from './invitations.service.js';
import { Organization } from './organization.entity.js';

export interface OrganizationMemberView {
  userId: string;
  email: string;
  name: string;
  role: MemberRole;
  since: Date;
}

export interface TeamView {
  members: OrganizationMemberView[];
  invitations: InvitationView[];
}

/** What adding a member by email did: an admin adds an existing account at once; otherwise an invitation. */
export type AddMemberResult =
  { status: 'added'; member: OrganizationMemberView } | { status: 'invited'; invitation: InvitationView };

/** What sending mail on an organization's behalf needs: how it is signed. */
export interface OrganizationSender {
  name: string;
  senderName: string | null;
  replyTo: string | null;
}

/**
 * Organizations, their settings and their team. Admins create organizations; an organization's
 * organizers edit its settings and its team; its members read it. Adding a member by email never tells
 * an organizer whether that email has a staff account anywhere on the instance: an organizer always
 * sends an invitation (accepted by setting a password, or by an existing account's password); only
 * admins, who see every account anyway, add an existing account directly.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    @InjectRepository(Organization) private readonly orgs: Repository<Organization>,
    private readonly access: CampaignAccessService,
    private readonly invitations: InvitationsService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
  ) {}

  async create(actor: AuthUser, dto: CreateOrganizationDto): Promise<Organization> {
    if (actor.role !== 'admin') throw new ForbiddenError('Only admins create organizations');
    const id = await this.tx.run(async (m) => {
      const slug = dto.slug ?? (await freeSlug(m, 'organizations', slugify(dto.name) || 'organization'));
      const rows = (await m.query(
        `INSERT INTO organizations (slug, name, default_locale, country, timezone, sender_name, reply_to, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT ON CONSTRAINT organizations_slug_key DO NOTHING RETURNING id`,
        [
          slug,
          dto.name,
          dto.defaultLocale ?? 'en',
          dto.country ?? null,
          dto.timezone ?? 'America/Mexico_City',
          dto.senderName ?? null,
          dto.replyTo?.toLowerCase() ?? null,
          actor.id,
        ],
      )) as { id: string }[];
      if (!rows.length) throw new ConflictError(`The slug "${slug}" is already taken`, 'slug_taken');
      await this.audit.record(
        {
          actorUserId: actor.id,
          action: 'organization.created',
          subjectType: 'organization',
          subjectId: rows[0].id,
          organizationId: rows[0].id,
        },
        m,
      );
      return rows[0].id;
    });
    return this.orgs.findOneByOrFail({ id });
  }

  async list(actor: AuthUser, q: { limit: number; offset: number }): Promise<Page<Organization>> {
    const visible = await this.access.visibleOrganizationIds(actor);
    const qb = this.orgs.createQueryBuilder('o');
    if (visible !== null) qb.andWhere('o.id = ANY(:visible)', { visible });
    const [items, total] = await qb
      .orderBy('o.name', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .take(q.limit)
      .skip(q.offset)
      .getManyAndCount();
    return { items, total };
  }

  /** The organizations where the actor may start a campaign (admins: all; others: those they organize). */
  async organizable(actor: AuthUser): Promise<Organization[]> {
    if (actor.role === 'coordinator') return [];
    const qb = this.orgs.createQueryBuilder('o');
    if (actor.role !== 'admin') {
      qb.andWhere(
        `o.id IN (SELECT organization_id FROM organization_members WHERE user_id = :u AND role = 'organizer')`,
        { u: actor.id },
      );
    }
    return qb.orderBy('o.name', 'ASC').addOrderBy('o.id', 'ASC').getMany();
  }

  async get(actor: AuthUser, id: string): Promise<Organization> {
    const visible = await this.access.visibleOrganizationIds(actor);
    if (visible !== null && !visible.includes(id)) throw new NotFoundError('Organization');
    const o = await this.orgs.findOneBy({ id });
    if (!o) throw new NotFoundError('Organization');
    return o;
  }

  /**
   * The sites allowed to frame the forms of the campaign `slug` (its organization's embed origins);
   * [] for an unknown campaign. Public: origins are no secret (any page that embeds shows them).
   */
  async embedOriginsForCampaign(slug: string): Promise<string[]> {
    const rows = (await this.orgs.manager.query(
      `SELECT o.embed_origins AS "embedOrigins" FROM campaigns c JOIN organizations o ON o.id = c.organization_id
        WHERE c.slug = $1`,
      [slug],
    )) as { embedOrigins: string[] }[];
    return rows[0]?.embedOrigins ?? [];
  }

  async update(actor: AuthUser, id: string, dto: UpdateOrganizationDto): Promise<Organization> {
    await this.access.assertOrganization(actor, id, 'manage');
    const o = await this.orgs.findOneByOrFail({ id });
    if (dto.name !== undefined) o.name = dto.name;
    if (dto.defaultLocale !== undefined) o.defaultLocale = dto.defaultLocale;
    if (dto.country !== undefined) o.country = dto.country || null;
    if (dto.timezone !== undefined) o.timezone = dto.timezone;
    if (dto.senderName !== undefined) o.senderName = dto.senderName;
    if (dto.replyTo !== undefined) o.replyTo = dto.replyTo?.toLowerCase() ?? null;
    if (dto.embedOrigins !== undefined) o.embedOrigins = [...new Set(dto.embedOrigins)];
    if (dto.slug !== undefined && dto.slug !== o.slug) {
      if (await this.orgs.existsBy({ slug: dto.slug })) {
        throw new ConflictError(`The slug "${dto.slug}" is already taken`, 'slug_taken');
      }
      o.slug = dto.slug;
    }
    const saved = await this.orgs.save(o);
    await this.audit.record({
      actorUserId: actor.id,
      action: 'organization.updated',
      subjectType: 'organization',
      subjectId: id,
      organizationId: id,
      details: { fields: Object.keys(dto) },
    });
    return saved;
  }

  /** The mail identity of the organization that owns a campaign (null when there is none). */
  async senderForCampaign(campaignId: string): Promise<OrganizationSender | null> {
    const [row] = (await this.orgs.query(
      `SELECT o.name, o.sender_name AS "senderName", o.reply_to AS "replyTo"
         FROM campaigns c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1`,
      [campaignId],
    )) as OrganizationSender[];
    return row ?? null;
  }

  /**
   * The time zone of the organization that owns a campaign: the console shows that campaign's times in
   * it (deadlines, reminders). For callers that already checked the actor may read the campaign.
   */
  async zoneForCampaign(campaignId: string): Promise<string> {
    const [row] = (await this.orgs.query(
      `SELECT o.timezone FROM campaigns c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1`,
      [campaignId],
    )) as { timezone: string }[];
    return row?.timezone ?? 'UTC';
  }

  /** Whether the actor may change the organization's settings, team, targets and rates (no throw). */
  async mayManage(actor: AuthUser, id: string): Promise<boolean> {
    // The rule of assertOrganization(…, 'manage'), as a yes/no for what a screen offers.
    return this.access.assertOrganization(actor, id, 'manage').then(
      () => true,
      () => false,
    );
  }

  async team(actor: AuthUser, id: string): Promise<TeamView> {
    await this.access.assertOrganization(actor, id, 'read');
    const members = (await this.orgs.query(
      `SELECT m.user_id AS "userId", u.email, u.name, m.role, m.created_at AS since
         FROM organization_members m JOIN users u ON u.id = m.user_id
        WHERE m.organization_id = $1 ORDER BY u.name, u.email, u.id`,
      [id],
    )) as OrganizationMemberView[];
    // Pending invitations (emails of people not yet on the team) are for those who manage the team.
    const invitations = (await this.mayManage(actor, id)) ? await this.invitations.pending(id) : [];
    return { members, invitations };
  }

  async addMember(
    actor: AuthUser,
    id: string,
    email: string,
    role: MemberRole,
    lang?: 'en' | 'es',
  ): Promise<AddMemberResult> {
    await this.access.assertOrganization(actor, id, 'manage');
    if (actor.role === 'admin') {
      const [user] = (await this.orgs.query(`SELECT id, role FROM users WHERE email = $1`, [email])) as {
        id: string;
        role: string;
      }[];
      if (user) return { status: 'added', member: await this.putMember(actor, id, user, role) };
    }
    const invitation = await this.invitations.invite(actor, { organizationId: id, email, role, lang });
    return { status: 'invited', invitation };
  }

  /** Adds (or changes the role of) an existing account; used by admins and by accepted invitations. */
  async putMember(
    actor: { id: string } | null,
    organizationId: string,
    user: { id: string; role: string },
    role: MemberRole,
  ): Promise<OrganizationMemberView> {
    assertRoleFitsAccount(user.role, role);
    await this.orgs.query(
      `INSERT INTO organization_members (organization_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT organization_members_pkey DO UPDATE SET role = EXCLUDED.role`,
      [organizationId, user.id, role],
    );
    await this.audit.record({
      actorUserId: actor?.id ?? user.id,
      action: 'organization.member_put',
      subjectType: 'user',
      subjectId: user.id,
      organizationId,
      details: { role },
    });
    const [member] = (await this.orgs.query(
      `SELECT m.user_id AS "userId", u.email, u.name, m.role, m.created_at AS since
         FROM organization_members m JOIN users u ON u.id = m.user_id
        WHERE m.organization_id = $1 AND m.user_id = $2`,
      [organizationId, user.id],
    )) as OrganizationMemberView[];
    return member;
  }

  async removeMember(actor: AuthUser, id: string, userId: string): Promise<void> {
    await this.access.assertOrganization(actor, id, 'manage');
    const affected = await this.tx.run(async (m) => {
      // Locked together, so two organizers removing each other at once cannot leave nobody in charge.
      const rows = (await m.query(
        `SELECT user_id AS "userId", role FROM organization_members WHERE organization_id = $1 FOR UPDATE`,
        [id],
      )) as { userId: string; role: MemberRole }[];
      const member = rows.find((r) => r.userId === userId);
      if (!member) return 0;
      if (member.role === 'organizer' && rows.filter((r) => r.role === 'organizer').length === 1) {
        throw new ConflictError(
          'An organization keeps at least one organizer: add another before removing this one',
          'last_organizer',
        );
      }
      await m.query(`DELETE FROM organization_members WHERE organization_id = $1 AND user_id = $2`, [
        id,
        userId,
      ]);
      return 1;
    });
    if (!affected) throw new NotFoundError('Member');
    await this.audit.record({
      actorUserId: actor.id,
      action: 'organization.member_removed',
      subjectType: 'user',
      subjectId: userId,
      organizationId: id,
    });
  }

  /** Withdraws a pending invitation (its link stops working). */
  async cancelInvitation(actor: AuthUser, id: string, invitationId: string): Promise<void> {
    await this.access.assertOrganization(actor, id, 'manage');
    await this.invitations.cancel(actor, id, invitationId);
  }
}
