import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintColumn } from './fundraiser.entity.js';

/**
 * - `pledged`: promised, not yet in hand (recorded by staff, or from a public `donate` pledge);
 * - `received`: in hand — the only status that counts towards the raised total;
 * - `refunded`: was received, given back (never deleted, so the history stays reconstructible);
 * - `fulfilled`: a pledged donation made good by a later received donation (`fulfilledByDonationId`).
 */
export const DONATION_STATUSES = ['pledged', 'received', 'refunded', 'fulfilled'] as const;
export type DonationStatus = (typeof DONATION_STATUSES)[number];
/** What staff may record: the other two are reached through refund and fulfilment. */
export const RECORDABLE_DONATION_STATUSES = ['received', 'pledged'] as const;
export type RecordableDonationStatus = (typeof RECORDABLE_DONATION_STATUSES)[number];
export const DONATION_METHODS = ['cash', 'check', 'transfer', 'card', 'other'] as const;
export type DonationMethod = (typeof DONATION_METHODS)[number];

/** The service reads and writes donations with hand-written SQL; this entity documents the table. */
@Entity('donations')
export class Donation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'fundraiser_id', type: 'uuid' }) fundraiserId: string;
  @Column({ name: 'supporter_id', type: 'uuid', nullable: true }) supporterId: string | null;
  @Column({ name: 'pledge_id', type: 'uuid', nullable: true }) pledgeId: string | null;
  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintColumn }) amountMinor: bigint;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'enum', enum: DONATION_STATUSES, enumName: 'donation_status' }) status: DonationStatus;
  @Column({ type: 'enum', enum: DONATION_METHODS, enumName: 'donation_method' }) method: DonationMethod;
  @Column({ name: 'received_at', type: 'timestamptz', nullable: true }) receivedAt: Date | null;
  @Column({ name: 'external_ref', type: 'text', nullable: true }) externalRef: string | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ name: 'fulfilled_by_donation_id', type: 'uuid', nullable: true })
  fulfilledByDonationId: string | null;
  @Column({ name: 'recorded_by', type: 'uuid', nullable: true }) recordedBy: string | null;
  @Column({ name: 'refunded_at', type: 'timestamptz', nullable: true }) refundedAt: Date | null;
  @Column({ name: 'refunded_by', type: 'uuid', nullable: true }) refundedBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
