import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Locale, LocalizedText } from '../common/localized-text.js';

export const CAMPAIGN_STATUSES = ['draft', 'active', 'won', 'lost', 'archived'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const SECTORS = [
  'auto',
  'garment',
  'agriculture',
  'mining',
  'electronics',
  'logistics',
  'health',
  'education',
  'energy',
  'services',
  'other',
] as const;
export type Sector = (typeof SECTORS)[number];

/**
 * The lifecycle: any move not listed is refused with 409 naming the allowed ones. What can be undone
 * can be: a won or lost campaign reopens (back to active), an archived one is restored to active
 * (unhidden). A campaign never goes back to draft: supporters have seen it.
 */
export const TRANSITIONS: Record<CampaignStatus, CampaignStatus[]> = {
  draft: ['active'],
  active: ['won', 'lost', 'archived'],
  won: ['active', 'archived'],
  lost: ['active', 'archived'],
  archived: ['active'],
};

/** What a move is called where people choose it: back to active is publishing, reopening or restoring. */
export type CampaignMove = 'publish' | 'reopen' | 'restore' | 'won' | 'lost' | 'archived';
export function campaignMove(from: CampaignStatus, to: CampaignStatus): CampaignMove {
  if (to !== 'active') return to === 'draft' ? 'publish' : to;
  return from === 'draft' ? 'publish' : from === 'archived' ? 'restore' : 'reopen';
}

/** Statuses whose public page is visible. */
export const PUBLIC_STATUSES: CampaignStatus[] = ['active', 'won', 'lost'];

const bigintColumn = {
  to: (v: bigint | null) => v,
  from: (v: string | null) => (v === null ? null : BigInt(v)),
};

@Entity('campaigns')
export class Campaign {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** The organization that runs it: owns its supporters, targets, rates and mail identity. */
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ type: 'text' }) slug: string;
  @Column({ type: 'jsonb' }) title: LocalizedText;
  @Column({ type: 'jsonb', nullable: true }) summary: LocalizedText | null;
  @Column({ type: 'jsonb', nullable: true }) body: LocalizedText | null;
  @Column({ type: 'text' }) sector: Sector;
  @Column({ type: 'text', nullable: true }) employer: string | null;
  @Column({ type: 'text', nullable: true }) workplace: string | null;
  @Column({ type: 'text', nullable: true }) city: string | null;
  @Column({ type: 'text', nullable: true }) region: string | null;
  @Column({ type: 'char', length: 2, nullable: true }) country: string | null;
  @Column({ name: 'union_name', type: 'text', nullable: true }) union: string | null;
  @Column({ name: 'default_locale', type: 'text' }) defaultLocale: Locale;
  @Column({ type: 'enum', enum: CAMPAIGN_STATUSES, enumName: 'campaign_status' }) status: CampaignStatus;
  @Column({ name: 'goal_pledges', type: 'int', nullable: true }) goalPledges: number | null;
  @Column({ name: 'goal_signatures', type: 'int', nullable: true }) goalSignatures: number | null;
  @Column({ name: 'goal_money_minor', type: 'bigint', nullable: true, transformer: bigintColumn })
  goalMoneyMinor: bigint | null;
  @Column({ name: 'goal_currency', type: 'char', length: 3, nullable: true }) goalCurrency: string | null;
  @Column({ name: 'starts_on', type: 'date', nullable: true }) startsOn: string | null;
  @Column({ name: 'ends_on', type: 'date', nullable: true }) endsOn: string | null;
  /** An archived campaign put out of the console's lists (only archived ones; a check says so). */
  @Column({ name: 'hidden_at', type: 'timestamptz', nullable: true }) hiddenAt: Date | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
