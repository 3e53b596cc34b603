import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Locale } from '../common/localized-text.js';

/** One supporter's signature on one letter action (unique per pair: signatures_action_id_supporter_id_key). */
@Entity('signatures')
export class Signature {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** GENERATED ALWAYS AS IDENTITY: increasing, used by deliveries for "up to which signature". */
  @Column({ type: 'bigint', insert: false, update: false }) seq: string;
  @Column({ name: 'action_id', type: 'uuid' }) actionId: string;
  @Column({ name: 'supporter_id', type: 'uuid' }) supporterId: string;
  @Column({ name: 'personal_note', type: 'text', nullable: true }) personalNote: string | null;
  @Column({ name: 'show_publicly', type: 'boolean' }) showPublicly: boolean;
  @Column({ type: 'text' }) locale: Locale;
  @Column({ type: 'text' }) source: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
