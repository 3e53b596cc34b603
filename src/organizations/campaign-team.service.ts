import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { MembershipService, type MemberView } from '../auth/membership.service.js';
import { BadInputError, NotFoundError } from '../common/errors.js';
import type { PutCampaignMemberDto } from './dto/organization.dto.js';
import { InvitationsService, type InvitationView } from './invitations.service.js';

/**
 * Adds people to one campaign's team. By email, an organizer always sends an invitation (the answer
 * never tells whether the email has an account); an admin adds an existing account at once. By
 * `userId` (the older form), the account is added as it is.
 */
@Injectable()
export class CampaignTeamService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: CampaignAccessService,
    private readonly membership: MembershipService,
    private readonly invitations: InvitationsService,
  ) {}

  async put(
    actor: AuthUser,
    campaignId: string,
    dto: PutCampaignMemberDto,
  ): Promise<MemberView | { status: 'invited'; invitation: InvitationView }> {
    if (dto.userId) return this.membership.put(actor, campaignId, dto.userId, dto.role);
    if (!dto.email) throw BadInputError.field('email', 'isEmail', 'email must be an email address');
    await this.access.assert(actor, campaignId, 'manage');
    if (actor.role === 'admin') {
      const [user] = (await this.dataSource.query(`SELECT id FROM users WHERE email = $1`, [dto.email])) as {
        id: string;
      }[];
      if (user) return this.membership.put(actor, campaignId, user.id, dto.role);
    }
    const [c] = (await this.dataSource.query(
      `SELECT organization_id AS "organizationId" FROM campaigns WHERE id = $1`,
      [campaignId],
    )) as { organizationId: string }[];
    if (!c) throw new NotFoundError('Campaign');
    const invitation = await this.invitations.invite(actor, {
      organizationId: c.organizationId,
      campaignId,
      email: dto.email,
      role: dto.role,
    });
    return { status: 'invited', invitation };
  }
}
