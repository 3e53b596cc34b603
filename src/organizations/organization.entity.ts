import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { MEMBER_ROLES, type MemberRole } from '../auth/membership.entity.js';
import type { Locale } from '../common/localized-text.js';

/** The group that runs campaigns (a solidarity committee, a union local): the privacy boundary. */
@Entity('organizations')
export class Organization {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) slug: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'default_locale', type: 'text' }) defaultLocale: Locale;
  @Column({ type: 'char', length: 2, nullable: true }) country: string | null;
  @Column({ type: 'text' }) timezone: string;
  /** How its mail is signed: "Comité de Solidaridad GM Silao" <MAIL_FROM's address>. */
  @Column({ name: 'sender_name', type: 'text', nullable: true }) senderName: string | null;
  @Column({ name: 'reply_to', type: 'citext', nullable: true }) replyTo: string | null;
  /** Sites allowed to frame its forms (/embed/…): origins such as `https://union.example`. */
  @Column({ name: 'embed_origins', type: 'text', array: true, default: () => "'{}'" }) embedOrigins: string[];
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('organization_members')
export class OrganizationMember {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ type: 'enum', enum: MEMBER_ROLES, enumName: 'member_role' }) role: MemberRole;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
