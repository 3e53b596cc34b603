import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MailLocale } from './templates/data.js';

/**
 * `abandoned`: recorded by an instance that stopped before it could record the outcome (the mail may or
 * may not have left); its reminder was taken again by another instance (MailService.reconcileQueued).
 */
export const MESSAGE_STATUSES = ['queued', 'sent', 'failed', 'abandoned'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * Every email Puente sends, recorded before it is sent. The body is not kept (it is rendered from the
 * template and data), only what is needed to answer "did this person get this mail?".
 */
@Entity('messages')
export class Message {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'recipient_email', type: 'citext' }) recipientEmail: string;
  @Column({ name: 'supporter_id', type: 'uuid', nullable: true }) supporterId: string | null;
  @Column({ name: 'user_id', type: 'uuid', nullable: true }) userId: string | null;
  @Column({ type: 'text' }) template: string;
  @Column({ type: 'text' }) locale: MailLocale;
  @Column({ type: 'text' }) subject: string;
  @Column({ type: 'enum', enum: MESSAGE_STATUSES, enumName: 'message_status', default: 'queued' })
  status: MessageStatus;
  @Column({ name: 'provider_message_id', type: 'text', nullable: true }) providerMessageId: string | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'related_type', type: 'text', nullable: true }) relatedType: string | null;
  @Column({ name: 'related_id', type: 'uuid', nullable: true }) relatedId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt: Date | null;
}
