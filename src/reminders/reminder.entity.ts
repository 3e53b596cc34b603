import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MailLocale } from '../mail/templates/data.js';

export const REMINDER_STATUSES = [
  'pending',
  'sending',
  'sent',
  'failed',
  'cancelled',
  'skipped',
  'expired',
] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/**
 * One email to send at `dueAt` (a scheduled reminder, or immediate mail queued through the same worker).
 * `dedupeKey` is unique: the same reminder can never be queued twice.
 */
@Entity('reminders')
export class Reminder {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'text' }) template: string;
  @Column({ name: 'subject_type', type: 'text' }) subjectType: string;
  @Column({ name: 'subject_id', type: 'uuid' }) subjectId: string;
  @Column({ name: 'campaign_id', type: 'uuid', nullable: true }) campaignId: string | null;
  @Column({ name: 'supporter_id', type: 'uuid', nullable: true }) supporterId: string | null;
  @Column({ name: 'recipient_email', type: 'citext', nullable: true }) recipientEmail: string | null;
  @Column({ type: 'text' }) locale: MailLocale;
  @Column({ type: 'jsonb' }) data: Record<string, unknown>;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt: Date;
  @Column({ type: 'enum', enum: REMINDER_STATUSES, enumName: 'reminder_status', default: 'pending' })
  status: ReminderStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true }) lockedUntil: Date | null;
  @Column({ name: 'locked_by', type: 'text', nullable: true }) lockedBy: string | null;
  @Column({ name: 'message_id', type: 'uuid', nullable: true }) messageId: string | null;
  @Column({ name: 'dedupe_key', type: 'text' }) dedupeKey: string;
  @Column({ type: 'boolean', default: false }) transactional: boolean;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt: Date | null;
}
