import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Locale } from '../common/localized-text.js';

export const TARGET_KINDS = ['government', 'corporate', 'other'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Whom letters are addressed to: a library shared by all campaigns. */
@Entity('targets')
export class Target {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) title: string | null;
  @Column({ type: 'text', nullable: true }) organization: string | null;
  @Column({ type: 'enum', enum: TARGET_KINDS, enumName: 'target_kind' }) kind: TargetKind;
  @Column({ type: 'char', length: 2, nullable: true }) country: string | null;
  @Column({ type: 'citext', nullable: true }) email: string | null;
  @Column({ name: 'postal_address', type: 'text', nullable: true }) postalAddress: string | null;
  /** The language letters are delivered in. */
  @Column({ type: 'text' }) locale: Locale;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
