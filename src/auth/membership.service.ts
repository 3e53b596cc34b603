import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { BadInputError, NotFoundError } from '../common/errors.js';
import type { AuthUser } from './auth-user.js';
import { CampaignAccessService } from './campaign-access.service.js';
import { CampaignMember, type MemberRole } from './membership.entity.js';
import { User } from './user.entity.js';

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: MemberRole;
  since: Date;
}

/** Organizer membership (of a campaign or an organization) needs an organizer (or admin) account. */
export function assertRoleFitsAccount(accountRole: string, role: MemberRole): void {
  if (role === 'organizer' && accountRole === 'coordinator') {
    throw BadInputError.field(
      'role',
      'role_above_account',
      'A coordinator account can only be a coordinator member',
    );
  }
}

@Injectable()
export class MembershipService {
  constructor(
    @InjectRepository(CampaignMember) private readonly members: Repository<CampaignMember>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly access: CampaignAccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: AuthUser, campaignId: string): Promise<MemberView[]> {
    await this.access.assert(actor, campaignId, 'manage');
    const rows = (await this.members.query(
      `SELECT m.user_id AS "userId", u.email, u.name, m.role, m.created_at AS since
         FROM campaign_members m JOIN users u ON u.id = m.user_id
        WHERE m.campaign_id = $1 ORDER BY u.email, u.id`,
      [campaignId],
    )) as MemberView[];
    return rows;
  }

  /** Adds or changes a member. Organizer membership needs an organizer account. */
  async put(actor: AuthUser, campaignId: string, userId: string, role: MemberRole): Promise<MemberView> {
    await this.access.assert(actor, campaignId, 'manage');
    const user = await this.users.findOneBy({ id: userId });
    if (!user) throw BadInputError.field('userId', 'unknown_user', 'No staff account with this id');
    assertRoleFitsAccount(user.role, role);
    await this.members.query(
      `INSERT INTO campaign_members (campaign_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT campaign_members_pkey DO UPDATE SET role = EXCLUDED.role`,
      [campaignId, userId, role],
    );
    await this.audit.record({
      actorUserId: actor.id,
      action: 'membership.put',
      subjectType: 'user',
      subjectId: userId,
      campaignId,
      details: { role },
    });
    return (await this.list(actor, campaignId)).find((m) => m.userId === userId)!;
  }

  async remove(actor: AuthUser, campaignId: string, userId: string): Promise<void> {
    await this.access.assert(actor, campaignId, 'manage');
    const result = await this.members.delete({ campaignId, userId });
    if (!result.affected) throw new NotFoundError('Member');
    await this.audit.record({
      actorUserId: actor.id,
      action: 'membership.removed',
      subjectType: 'user',
      subjectId: userId,
      campaignId,
    });
  }
}
