import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { LocalizedText } from '../common/localized-text.js';

export const EVENT_KINDS = ['protest', 'rally', 'picket', 'meeting', 'online', 'other'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const EVENT_STATUSES = ['scheduled', 'cancelled', 'completed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** An event of a campaign. `seatsTaken` changes only under the row lock (see RsvpsService). */
@Entity('events')
export class Event {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ type: 'text' }) slug: string;
  @Column({ type: 'jsonb' }) title: LocalizedText;
  @Column({ type: 'jsonb', nullable: true }) description: LocalizedText | null;
  @Column({ type: 'enum', enum: EVENT_KINDS, enumName: 'event_kind' }) kind: EventKind;
  @Column({ type: 'text', nullable: true }) venue: string | null;
  @Column({ type: 'text', nullable: true }) address: string | null;
  @Column({ type: 'text', nullable: true }) city: string | null;
  @Column({ type: 'text', nullable: true }) region: string | null;
  @Column({ type: 'char', length: 2, nullable: true }) country: string | null;
  @Column({ name: 'online_url', type: 'text', nullable: true }) onlineUrl: string | null;
  @Column({ name: 'starts_at', type: 'timestamptz' }) startsAt: Date;
  @Column({ name: 'ends_at', type: 'timestamptz', nullable: true }) endsAt: Date | null;
  @Column({ type: 'text' }) timezone: string;
  @Column({ type: 'int', nullable: true }) capacity: number | null;
  @Column({ name: 'seats_taken', type: 'int', default: 0 }) seatsTaken: number;
  @Column({ name: 'rsvp_deadline', type: 'timestamptz', nullable: true }) rsvpDeadline: Date | null;
  @Column({ name: 'reminder_offsets_minutes', type: 'int', array: true }) reminderOffsetsMinutes: number[];
  @Column({ name: 'hide_address_until_rsvp', type: 'boolean', default: false }) hideAddressUntilRsvp: boolean;
  /** RSVPs are `pending` (no seat) until a coordinator approves them. */
  @Column({ name: 'require_approval', type: 'boolean', default: false }) requireApproval: boolean;
  /** The address goes only into mails sent this many hours before the start or later; never on a page. */
  @Column({ name: 'reveal_address_hours_before', type: 'int', nullable: true })
  revealAddressHoursBefore: number | null;
  @Column({ type: 'enum', enum: EVENT_STATUSES, enumName: 'event_status' }) status: EventStatus;
  @Column({ name: 'checkin_code', type: 'text' }) checkinCode: string;
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
