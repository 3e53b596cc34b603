import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const RSVP_STATUSES = ['going', 'waitlisted', 'offered', 'pending', 'cancelled'] as const;
export type RsvpStatus = (typeof RSVP_STATUSES)[number];

/**
 * One supporter's RSVP to one event (unique). `going` and `offered` hold 1 + guests seats (walk-ins
 * excepted); `offered` is a freed seat held until `offerExpiresAt`; `pending` waits for a coordinator's
 * approval (events with `requireApproval`) and holds no seat. The manage token column keeps the hash of
 * a random value nobody is given (the signed, mailed link is the only way in).
 * Written with SQL under the event lock in RsvpsService; the entity documents the table.
 */
@Entity('rsvps')
export class Rsvp {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId: string;
  @Column({ name: 'supporter_id', type: 'uuid' }) supporterId: string;
  @Column({ type: 'enum', enum: RSVP_STATUSES, enumName: 'rsvp_status' }) status: RsvpStatus;
  @Column({ type: 'smallint', default: 0 }) guests: number;
  @Column({ name: 'queue_seq', type: 'bigint' }) queueSeq: string;
  @Column({ name: 'offered_at', type: 'timestamptz', nullable: true }) offeredAt: Date | null;
  @Column({ name: 'offer_expires_at', type: 'timestamptz', nullable: true }) offerExpiresAt: Date | null;
  @Column({ name: 'offer_token_hash', type: 'text', nullable: true }) offerTokenHash: string | null;
  @Column({ name: 'manage_token_hash', type: 'text' }) manageTokenHash: string;
  @Column({ name: 'walk_in', type: 'boolean', default: false }) walkIn: boolean;
  @Column({ name: 'checked_in_at', type: 'timestamptz', nullable: true }) checkedInAt: Date | null;
  @Column({ name: 'checked_in_by', type: 'text', nullable: true }) checkedInBy: string | null;
  @Column({ name: 'no_show', type: 'boolean', default: false }) noShow: boolean;
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @Column({ name: 'cancel_reason', type: 'text', nullable: true }) cancelReason: string | null;
  @Column({ type: 'text', default: 'web' }) source: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
