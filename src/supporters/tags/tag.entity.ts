import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A label an organization puts on its supporters ("volunteer", "Guanajuato"); unique per organization, any case. */
@Entity('tags')
export class Tag {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ type: 'text' }) name: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/**
 * One tag on one supporter. The row names the organization, and the database checks that both the tag
 * and the supporter belong to it (migrations/1795900000000-tags.ts).
 */
@Entity('supporter_tags')
export class SupporterTag {
  @PrimaryColumn({ name: 'supporter_id', type: 'uuid' }) supporterId: string;
  @PrimaryColumn({ name: 'tag_id', type: 'uuid' }) tagId: string;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
