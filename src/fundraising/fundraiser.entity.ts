import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { LocalizedText } from '../common/localized-text.js';

/** One way to give (see GivingMethodDto): stored as the fundraiser's `giving` list. */
export interface GivingMethod {
  method: 'link' | 'bank' | 'oxxo' | 'other';
  currency: string;
  url?: string;
  details?: LocalizedText;
}

export const FUNDRAISER_STATUSES = ['open', 'closed'] as const;
export type FundraiserStatus = (typeof FUNDRAISER_STATUSES)[number];

export const bigintColumn = {
  to: (v: bigint | null | undefined) => (v === null || v === undefined ? v : v.toString()),
  from: (v: string | null) => (v === null ? null : BigInt(v)),
};

/** A strike fund or solidarity fund of one campaign, with a goal in one currency. */
@Entity('fundraisers')
export class Fundraiser {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ type: 'jsonb' }) title: LocalizedText;
  @Column({ type: 'jsonb', nullable: true }) description: LocalizedText | null;
  @Column({ name: 'goal_minor', type: 'bigint', transformer: bigintColumn }) goalMinor: bigint;
  @Column({ name: 'goal_currency', type: 'char', length: 3 }) goalCurrency: string;
  @Column({ type: 'enum', enum: FUNDRAISER_STATUSES, enumName: 'fundraiser_status' })
  status: FundraiserStatus;
  @Column({ type: 'timestamptz', nullable: true }) deadline: Date | null;
  /** How to give, in order (at most 6); organization data, nothing personal. */
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" }) giving: GivingMethod[];
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
