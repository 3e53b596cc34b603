import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { localize, type Locale, type LocalizedText } from '../common/localized-text.js';

export const TARGET_KINDS = ['government', 'corporate', 'other'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/**
 * Whom letters are addressed to: the instance's starter library (`organizationId` null; admins edit it)
 * or one organization's own targets (its organizers edit them). Name and title are bilingual, so a
 * Spanish letter greets the target in Spanish.
 */
@Entity('targets')
export class Target {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'organization_id', type: 'uuid', nullable: true }) organizationId: string | null;
  @Column({ type: 'jsonb' }) name: LocalizedText;
  @Column({ type: 'jsonb', nullable: true }) title: LocalizedText | null;
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

/** A target as one letter in `locale` names it (its name and title in that language, else the other). */
export function targetIn<T extends Pick<Target, 'name' | 'title' | 'organization'>>(
  t: T,
  locale: Locale,
): Omit<T, 'name' | 'title'> & { name: string; title: string | null } {
  return { ...t, name: localize(t.name, locale), title: t.title ? localize(t.title, locale) : null };
}

/** {@link targetIn} for several targets. */
export function targetsIn<T extends Pick<Target, 'name' | 'title' | 'organization'>>(
  ts: T[],
  locale: Locale,
) {
  return ts.map((t) => targetIn(t, locale));
}
