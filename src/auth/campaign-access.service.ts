import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ForbiddenError, NotFoundError } from '../common/errors.js';
import type { AuthUser } from './auth-user.js';
import { CampaignMember, type MemberRole } from './membership.entity.js';

/**
 * What a staff member may do in one campaign:
 * - `read`: any member (coordinator or organizer); admins.
 * - `coordinate`: check-in, donations, exports, deliveries — coordinators and organizers; admins.
 * - `manage`: edit texts, actions, events, membership — organizers of that campaign; admins.
 * Not a member → 404 (the campaign's existence is not revealed); a member without the role → 403.
 */
export type CampaignNeed = 'read' | 'coordinate' | 'manage';

const ALLOWED: Record<CampaignNeed, MemberRole[]> = {
  read: ['organizer', 'coordinator'],
  coordinate: ['organizer', 'coordinator'],
  manage: ['organizer'],
};

@Injectable()
export class CampaignAccessService {
  constructor(@InjectRepository(CampaignMember) private readonly members: Repository<CampaignMember>) {}

  /** Admins pass; everyone else must be a member with a role that allows `need`. */
  async assert(user: AuthUser, campaignId: string, need: CampaignNeed): Promise<void> {
    if (user.role === 'admin') return;
    const member = await this.members.findOneBy({ campaignId, userId: user.id });
    if (!member) throw new NotFoundError('Campaign');
    if (!ALLOWED[need].includes(member.role) || (need === 'manage' && user.role !== 'organizer')) {
      throw new ForbiddenError(`Your role in this campaign does not allow this`);
    }
  }

  /** Campaign ids the user may see; null means all (admin). */
  async visibleCampaignIds(user: AuthUser): Promise<string[] | null> {
    if (user.role === 'admin') return null;
    const rows = await this.members.find({ where: { userId: user.id }, select: { campaignId: true } });
    return rows.map((r) => r.campaignId);
  }

  async roleIn(user: AuthUser, campaignId: string): Promise<MemberRole | 'admin' | null> {
    if (user.role === 'admin') return 'admin';
    return (await this.members.findOneBy({ campaignId, userId: user.id }))?.role ?? null;
  }
}
