import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { LocalizedText } from '../common/localized-text.js';

export const LETTER_ACTION_STATUSES = ['draft', 'open', 'closed'] as const;
export type LetterActionStatus = (typeof LETTER_ACTION_STATUSES)[number];

/** A letter supporters sign, under a campaign; its targets are in `letter_action_targets`. */
@Entity('letter_actions')
export class LetterAction {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ type: 'text' }) slug: string;
  @Column({ type: 'jsonb' }) title: LocalizedText;
  @Column({ type: 'jsonb' }) subject: LocalizedText;
  @Column({ type: 'jsonb' }) body: LocalizedText;
  @Column({ name: 'allow_personal_note', type: 'boolean' }) allowPersonalNote: boolean;
  @Column({ type: 'timestamptz', nullable: true }) deadline: Date | null;
  @Column({ name: 'signature_goal', type: 'int', nullable: true }) signatureGoal: number | null;
  @Column({ type: 'enum', enum: LETTER_ACTION_STATUSES, enumName: 'letter_action_status' })
  status: LetterActionStatus;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
