import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const MEMBER_ROLES = ['organizer', 'coordinator'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

@Entity('campaign_members')
export class CampaignMember {
  @PrimaryColumn({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ type: 'enum', enum: MEMBER_ROLES, enumName: 'member_role' }) role: MemberRole;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
