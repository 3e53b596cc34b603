import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ForbiddenError, NotFoundError } from '../common/errors.js';
import type { AuthUser } from './auth-user.js';
import type { MemberRole } from './membership.entity.js';

/**
 * What a staff member may do in one campaign:
 * - `read`: the campaign's own content (texts, letters, events, fundraisers) — any member; admins.
 * - `supporters`: read supporter data (lists, a supporter's history, reminders to them) — any member.
 * - `coordinate`: check-in, donations, exports, deliveries (supporter data too) — coordinators and
 *   organizers.
 * - `manage`: edit texts, actions, events, membership — organizers; admins.
 *
 * Members are the organization's members (an organizer of the organization organizes every one of
 * its campaigns; a coordinator of the organization coordinates every one) and the campaign's own
 * members (a coordinator who works on this campaign only). Instance admins run the instance: they may
 * read and manage any campaign's content, but they read supporter data only where they are members,
 * and every such read by an admin is written to the audit log (`admin.supporter_read`).
 *
 * Not a member → 404 (the campaign's existence is not revealed); a member without the role → 403.
 */
export type CampaignNeed = 'read' | 'supporters' | 'coordinate' | 'manage';

const ALLOWED: Record<CampaignNeed, MemberRole[]> = {
  read: ['organizer', 'coordinator'],
  supporters: ['organizer', 'coordinator'],
  coordinate: ['organizer', 'coordinator'],
  manage: ['organizer'],
};

/** Needs that touch supporter data: admins get them only as members, and are audited. */
const SUPPORTER_DATA: CampaignNeed[] = ['supporters', 'coordinate'];

/** A user's membership role in one campaign: from the organization, the campaign, or both (the higher). */
export interface CampaignMembership {
  organizationId: string;
  role: MemberRole | null;
}

/** One organization's need: `read` for members, `manage` for its organizers (settings, team, targets…). */
export type OrganizationNeed = 'read' | 'supporters' | 'manage';

@Injectable()
export class CampaignAccessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The user's effective role in a campaign (null: not a member), or null when there is no campaign. */
  async membership(user: Pick<AuthUser, 'id'>, campaignId: string): Promise<CampaignMembership | null> {
    const [row] = (await this.dataSource.query(
      `SELECT c.organization_id AS "organizationId",
              CASE WHEN om.role = 'organizer' OR cm.role = 'organizer' THEN 'organizer'
                   WHEN om.role IS NOT NULL OR cm.role IS NOT NULL THEN 'coordinator' END AS role
         FROM campaigns c
         LEFT JOIN organization_members om ON om.organization_id = c.organization_id AND om.user_id = $2
         LEFT JOIN campaign_members cm ON cm.campaign_id = c.id AND cm.user_id = $2
        WHERE c.id = $1`,
      [campaignId, user.id],
    )) as CampaignMembership[];
    return row ?? null;
  }

  /** Throws 404/403 unless `user` may do `need` in the campaign. */
  async assert(user: AuthUser, campaignId: string, need: CampaignNeed): Promise<void> {
    const m = await this.membership(user, campaignId);
    if (!m) throw new NotFoundError('Campaign');
    const admin = user.role === 'admin';
    if (admin && !SUPPORTER_DATA.includes(need)) return;
    if (!m.role) {
      if (admin) {
        throw new ForbiddenError(
          'Admins see supporter data only in organizations they are members of',
          'not_a_member',
        );
      }
      throw new NotFoundError('Campaign');
    }
    const role = user.role === 'coordinator' ? 'coordinator' : m.role;
    if (!ALLOWED[need].includes(role)) {
      throw new ForbiddenError(`Your role in this campaign does not allow this`);
    }
    if (admin) {
      await this.audit.record({
        actorUserId: user.id,
        action: 'admin.supporter_read',
        subjectType: 'campaign',
        subjectId: campaignId,
        campaignId,
        organizationId: m.organizationId,
        details: { need },
      });
    }
  }

  /** Campaign ids the user may see; null means all (admin). */
  async visibleCampaignIds(user: AuthUser): Promise<string[] | null> {
    if (user.role === 'admin') return null;
    const rows = (await this.dataSource.query(
      `SELECT c.id FROM campaigns c JOIN organization_members om ON om.organization_id = c.organization_id AND om.user_id = $1
        UNION
       SELECT campaign_id FROM campaign_members WHERE user_id = $1`,
      [user.id],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Campaign ids whose supporter data the user may read (admins too: only as members). */
  async supporterCampaignIds(user: Pick<AuthUser, 'id'>, organizationId?: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT c.id FROM campaigns c JOIN organization_members om ON om.organization_id = c.organization_id AND om.user_id = $1
        WHERE ($2::uuid IS NULL OR c.organization_id = $2)
        UNION
       SELECT c.id FROM campaign_members cm JOIN campaigns c ON c.id = cm.campaign_id
        WHERE cm.user_id = $1 AND ($2::uuid IS NULL OR c.organization_id = $2)`,
      [user.id, organizationId ?? null],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * Whose supporter records `user` sees in full in an organization: null for all of them (its
   * organizers; admins, who read them only as members), else the ids of the campaigns they may read
   * supporters of there (an organization coordinator: all its campaigns; a campaign member: theirs).
   * No access check: callers assert first (SupportersService.organizationScope does both).
   */
  async supporterScope(user: AuthUser, organizationId: string): Promise<string[] | null> {
    const role = await this.organizationRole(user, organizationId);
    if (user.role === 'admin' || (role === 'organizer' && user.role !== 'coordinator')) return null;
    return await this.supporterCampaignIds(user, organizationId);
  }

  /** {@link supporterScope} in the organization that runs `campaignId` (after an access check). */
  async campaignSupporterScope(user: AuthUser, campaignId: string): Promise<string[] | null> {
    const m = await this.membership(user, campaignId);
    if (!m) throw new NotFoundError('Campaign');
    return await this.supporterScope(user, m.organizationId);
  }

  async roleIn(user: AuthUser, campaignId: string): Promise<MemberRole | 'admin' | null> {
    const m = await this.membership(user, campaignId);
    if (user.role === 'admin') return m?.role === 'organizer' ? 'organizer' : 'admin';
    if (!m?.role) return null;
    return user.role === 'coordinator' ? 'coordinator' : m.role;
  }

  /** The user's role in an organization (null: not a member). */
  async organizationRole(user: Pick<AuthUser, 'id'>, organizationId: string): Promise<MemberRole | null> {
    const [row] = (await this.dataSource.query(
      `SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2`,
      [organizationId, user.id],
    )) as { role: MemberRole }[];
    return row?.role ?? null;
  }

  /**
   * Throws 404/403 unless `user` may do `need` in the organization: members read; organizers manage;
   * admins read and manage any organization's settings and team, but its supporter data only as
   * members (audited).
   */
  async assertOrganization(user: AuthUser, organizationId: string, need: OrganizationNeed): Promise<void> {
    // A coordinator of one of its campaigns only counts as a coordinator of the organization (reads
    // its settings, team and rates), nothing more.
    const [org] = (await this.dataSource.query(
      `SELECT o.id, coalesce(om.role::text, CASE WHEN EXISTS (
                SELECT 1 FROM campaign_members cm JOIN campaigns c ON c.id = cm.campaign_id
                 WHERE c.organization_id = o.id AND cm.user_id = $2) THEN 'coordinator' END) AS role
         FROM organizations o
         LEFT JOIN organization_members om ON om.organization_id = o.id AND om.user_id = $2
        WHERE o.id = $1`,
      [organizationId, user.id],
    )) as { id: string; role: MemberRole | null }[];
    if (!org) throw new NotFoundError('Organization');
    const admin = user.role === 'admin';
    if (admin && need !== 'supporters') return;
    if (!org.role) {
      if (admin) {
        throw new ForbiddenError(
          'Admins see supporter data only in organizations they are members of',
          'not_a_member',
        );
      }
      throw new NotFoundError('Organization');
    }
    const role = user.role === 'coordinator' ? 'coordinator' : org.role;
    if (need !== 'read' && role !== 'organizer') {
      throw new ForbiddenError('Only organizers of this organization may do this');
    }
    if (admin) {
      await this.audit.record({
        actorUserId: user.id,
        action: 'admin.supporter_read',
        subjectType: 'organization',
        subjectId: organizationId,
        organizationId,
        details: { need },
      });
    }
  }

  /** Organization ids the user belongs to (admins: every one). */
  async visibleOrganizationIds(user: AuthUser): Promise<string[] | null> {
    if (user.role === 'admin') return null;
    const rows = (await this.dataSource.query(
      `SELECT organization_id AS id FROM organization_members WHERE user_id = $1
        UNION
       SELECT c.organization_id FROM campaign_members cm JOIN campaigns c ON c.id = cm.campaign_id WHERE cm.user_id = $1`,
      [user.id],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }
}
